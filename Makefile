# Two entry points for a fresh machine with only python3:
#   make serve   build the graph from corpus/ and serve it on 127.0.0.1:8000
#   make test    run the whole test suite
# Each target creates the virtual environment it needs on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= var/store
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: serve build test lint audit install browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/kg build corpus --store $(STORE)

serve: build
	$(BIN)/kg serve --store $(STORE) --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium (never a downloaded browser build) and
# need a CJK font to render Chinese; install both when missing (root, as on CI).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO="sudo -n"; \
		else echo "warning: not root: install chromium and fonts-noto-cjk for the browser tests"; exit 0; fi; \
		echo "installing chromium and a CJK font (apt-get)"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			--no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null; \
	fi

test: $(STAMP) browser lint
	$(BIN)/python -m pytest
	$(BIN)/python tools/audit.py

# Static checks: ruff's rule set and mypy, both configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Known vulnerabilities in the installed dependencies (pip-audit, needs pypi.org);
# says so plainly, without failing, where the vulnerability data cannot be reached.
audit: $(STAMP)
	$(BIN)/python tools/audit.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
