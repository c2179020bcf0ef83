# Charter: `make demo` brings up the demo organization on http://127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint typecheck migrations-check bench fuzz clean serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/charter demo

serve: $(STAMP)
	$(BIN)/charter serve

test: $(STAMP)
	$(BIN)/ruff check charter bench conftest.py
	$(BIN)/mypy --exclude 'tests/' charter/rulebook/spec.py charter/rulebook/judge.py charter/rulebook/compute.py charter/rulebook/explain.py charter/lib charter/voting/counting charter/verify.py
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check charter bench conftest.py

typecheck: $(STAMP)
	$(BIN)/mypy --exclude 'tests/' charter/rulebook/spec.py charter/rulebook/judge.py charter/rulebook/compute.py charter/rulebook/explain.py charter/lib charter/voting/counting charter/verify.py

# Every bench at a quick size, its figures collected into docs/benchmarks.md (FULL=1: the issues' sizes).
bench: $(STAMP)
	$(BIN)/python bench/run_all.py $(if $(FULL),--full)

# Schemathesis over the whole API, signed in, against `charter serve` on a loopback port.
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz_api.py $(if $(EXAMPLES),--examples $(EXAMPLES))

clean:
	rm -rf var/ staticfiles/ .pytest_cache
