# Charter: `make demo` brings up the demo organization on http://127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
CHROMIUM ?= /usr/bin/chromium
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint typecheck migrations-check bench fuzz clean serve browser browser-deps screenshots

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
	$(BIN)/pytest -n auto --dist loadfile

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

# Browser tests: Playwright drives Debian's Chromium (installed here with apt when missing; Playwright's
# own browser download is never used). They also run within `make test` when Chromium is present.
# fonts-noto-core: Noto Naskh Arabic, so Urdu and Sindhi render in full in the screenshots.
browser-deps: $(STAMP)
	@if [ ! -x $(CHROMIUM) ] || ! fc-list 2>/dev/null | grep -q "Noto Naskh Arabic"; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  echo "installing Debian's chromium and fonts-noto-core"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-core; \
	fi

browser: browser-deps
	$(BIN)/pytest charter/tests/browser -p no:cacheprovider

# Regenerates docs/screenshots/*.png (desktop 1280 px and phone 360 px) from the browser tests.
screenshots: browser-deps
	SCREENSHOTS=1 $(BIN)/pytest charter/tests/browser -p no:cacheprovider
