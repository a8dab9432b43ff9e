# Everything installs itself from a fresh clone: only Python 3.11, make and git are needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.9.30
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN := $(VENV)/bin

.PHONY: install demo sandbox test test-all lint typecheck unit integration clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.synced

## demo: start the sandbox and run a full sync of every stream, with per-stream counts and API calls
demo: install
	PYTHONPATH=. $(RUN)/python scripts/demo.py

## sandbox: run the AroFlo sandbox in the foreground (prints its URL and a connector config)
sandbox: install
	PYTHONPATH=. $(RUN)/python -m aroflo_sandbox

lint: install
	$(RUN)/ruff check .
	$(RUN)/ruff format --check .

typecheck: install
	$(RUN)/mypy source_aroflo aroflo_sandbox

unit: install
	$(RUN)/pytest unit_tests -q

integration: install
	$(RUN)/pytest integration_tests -q

## test: lint, types and the whole default test suite (what CI runs)
test: lint typecheck
	$(RUN)/pytest -q -m "not slow"

## test-all: also the long sandbox scenarios
test-all: lint typecheck
	$(RUN)/pytest -q

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
