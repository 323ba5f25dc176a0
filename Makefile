# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app parentapp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-repeat pytest lint format translations install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: install, migrate the local SQLite database, load demo data and serve on http://127.0.0.1:5000
run: install
	$(FLASK) translate compile
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	STAFF_SECOND_FACTOR=$${STAFF_SECOND_FACTOR:-optional} $(FLASK) run --host $(HOST) --port $(PORT)

## test: install with test extras, check style and types, run the whole suite
test: lint pytest

pytest: install-test
	$(FLASK) translate compile
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-repeat: run the browser tests N times in a row (default 3), stopping at the first failure
N ?= 3
test-repeat: install-test
	$(FLASK) translate compile
	for run in $$(seq 1 $(N)); do \
		echo "browser tests: run $$run of $(N)"; \
		$(BIN)/python -m pytest -x -q tests/browser $(PYTEST_ARGS) || exit 1; \
	done

lint: install-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## translations: refresh translations/messages.pot and merge it into every catalog
translations: install
	$(FLASK) translate extract
	$(FLASK) translate update
	$(FLASK) translate compile

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache test-artifacts
