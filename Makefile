# Charter: `make demo` brings up the demo organization on http://127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint typecheck migrations-check bench clean serve

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

bench: $(STAMP)
	for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf var/ staticfiles/ .pytest_cache
