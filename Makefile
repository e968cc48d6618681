# Rectify: `make run` starts the demo on SQLite, `make test` runs the whole suite.
# Needs only Python 3.11+, Node 20 and make; everything else is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
VENDOR := src/rectify/static/vendor

.PHONY: run test lint format assets messages install install-test clean

run: install assets messages
	@mkdir -p var
	RECTIFY_REQUIRE_2FA=$${RECTIFY_REQUIRE_2FA:-0} $(BIN)/rectify migrate --noinput
	RECTIFY_REQUIRE_2FA=$${RECTIFY_REQUIRE_2FA:-0} $(BIN)/rectify demo
	RECTIFY_REQUIRE_2FA=$${RECTIFY_REQUIRE_2FA:-0} $(BIN)/rectify serve

test: install-test assets messages
	$(BIN)/python scripts/run_tests.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

assets: $(VENDOR)/htmx.min.js
$(VENDOR)/htmx.min.js: node_modules/.package-lock.json scripts/build-assets.mjs
	node scripts/build-assets.mjs

messages: install
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
