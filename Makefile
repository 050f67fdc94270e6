# The README's two commands are `make serve` and `make test`; both install what they need.
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check

.PHONY: install install-test serve build test lint

install:
	$(PIP) -e .

install-test:
	$(PIP) -e '.[test]'

# Build the site from seeds/ and serve it on http://127.0.0.1:8000
serve: install
	$(PYTHON) -m sitegen serve

build: install
	$(PYTHON) -m sitegen build

lint: install-test
	$(PYTHON) -m ruff check sitegen tests
	$(PYTHON) -m mypy

# Every test: lint, types, then the whole pytest suite.
test: lint
	$(PYTHON) -m pytest
