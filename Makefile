# `make run` serves the guide on http://127.0.0.1:5000; `make test` runs every test.
# Both install whatever is missing first (system packages, the virtual environment,
# the Node packages of the end-to-end tests).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test fresh-check lint bench models chat render clean .system-deps

run: $(VENV)/.installed
	$(PY) -m skill serve --no-verify --host $(HOST) --port $(PORT)

# Every test, the slow ones included, on every core.
test: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest -m ""
	$(PY) -m ruff check .

# `make test` on a minimal Debian built with debootstrap (needs root); see the script.
fresh-check:
	scripts/fresh-check.sh

lint: $(VENV)/.installed
	$(PY) -m ruff check .

chat: $(VENV)/.installed
	$(PY) -m skill chat

bench: $(VENV)/.installed
	$(PY) bench/turns.py
	$(PY) bench/render.py

render: $(VENV)/.installed
	$(PY) -m skill render

models: $(VENV)/.installed
	$(PY) -m skill models

.system-deps:
	@scripts/system-deps.sh

$(VENV)/.installed: requirements.txt requirements-web.txt requirements-studio.txt requirements-local.txt requirements-dev.txt | .system-deps
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json | .system-deps
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules build .pytest_cache .ruff_cache
