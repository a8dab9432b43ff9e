# Everything installs itself from a fresh clone: only Python 3.11, make and git are needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.9.30
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN := $(VENV)/bin
# PyAirbyte's own environment (scripts/pyairbyte/uv.lock): kept out of the connector's dependencies.
DEMO_VENV := .venv-demo

# Tests run on parallel workers, a test module per unit of work, the long ones started first
# (aroflo_testing/parallel.py). More workers than CI's two cores: many tests wait (on AroFlo's pace, a backoff,
# a container build's downloads) and let another worker's test use the core. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 4
PARALLEL := -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
# The default test selection: everything but the long sandbox scenarios (`make test-all` runs those too).
SELECTION := -m "not slow"
PYTEST = $(RUN)/pytest -q $(SELECTION) --durations=15 $(PARALLEL)
# destination-aroflo's tests run from its own folder, as Airbyte runs a connector's (its pyproject.toml).
DESTINATION := destination-aroflo

.PHONY: install demo demo-env push sandbox test test-all test-source test-destination lint lint-check \
	format-check typecheck unit integration docker-check bench bench-startup profile clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock aroflo-client/pyproject.toml destination-aroflo/pyproject.toml
	$(UV) sync --frozen --all-packages --compile-bytecode --python $(PYTHON)
	touch $@

# The connector's own modules compiled as its dependencies are (and as the image's pip install does): a
# process then starts from bytecode even where PYTHONDONTWRITEBYTECODE is set.
install: $(VENV)/.synced
	$(VENV)/bin/python -m compileall -q source_aroflo aroflo-client/aroflo_client destination-aroflo/destination_aroflo >/dev/null

$(DEMO_VENV)/.synced: $(UV) scripts/pyairbyte/pyproject.toml scripts/pyairbyte/uv.lock
	UV_PROJECT_ENVIRONMENT=$(CURDIR)/$(DEMO_VENV) $(UV) sync --frozen --project scripts/pyairbyte --python $(PYTHON)
	touch $@

## demo-env: PyAirbyte (pinned) in .venv-demo/, apart from the connector's .venv/
demo-env: $(DEMO_VENV)/.synced

## demo: start the sandbox and sync every stream into a local DuckDB file with PyAirbyte: records, API calls,
## and the daily budget left; fails if any stream's count differs from the sandbox (DEMO_ARGS="--scale 0.1";
## DEMO_ARGS="--files .demo/files" also saves the documents and photos' files there)
demo: install demo-env
	PYTHONPATH=. $(DEMO_VENV)/bin/python scripts/demo.py $(DEMO_ARGS)

## push: write scripts/push/*.csv (clients, task notes) into the sandbox with destination-aroflo: what was
## inserted, updated, written, left unchanged or rejected and why; the same again writes nothing; then
## PyAirbyte reads the clients with the source and writes them back with the destination (no change)
push: install demo-env
	PYTHONPATH=. $(DEMO_VENV)/bin/python scripts/push.py $(PUSH_ARGS)

## docker-check: build the image (Docker, else podman; the pinned base, else a local stand-in) and run
## spec/check/discover/read inside it
docker-check: install
	PYTHONPATH=. $(RUN)/python scripts/docker_check.py

## sandbox: run the AroFlo sandbox in the foreground (prints its URL and a connector config)
sandbox: install
	PYTHONPATH=. $(RUN)/python -m aroflo_sandbox

## bench: the connector's full read next to a minimal reader at two data sizes, with the real limits, and
## incremental syncs' daily-budget costs; one table and benchmarks/results/<date>.json (BENCH_ARGS=--smoke)
bench: install
	PYTHONPATH=. $(RUN)/python -m benchmarks $(BENCH_ARGS)

## bench-startup: spec, import, CPU to the first request, discover: this checkout's connector and another
## version's (STARTUP_ARGS="--ref 84c59f7 --runs 7"), medians; benchmarks/results/startup-<date>.json
bench-startup: install
	PYTHONPATH=. $(RUN)/python -m benchmarks.startup $(STARTUP_ARGS)

## profile: the connector's full read under py-spy; benchmarks/results/profile-<date>.txt (PROFILE_ARGS)
profile: install
	PYTHONPATH=. $(RUN)/python -m benchmarks.profiling $(PROFILE_ARGS)

lint: lint-check format-check

lint-check: install
	$(RUN)/ruff check .

format-check: install
	$(RUN)/ruff format --check .

typecheck: install
	$(RUN)/mypy source_aroflo aroflo_sandbox aroflo_testing aroflo-client/aroflo_client $(DESTINATION)/destination_aroflo

unit: install
	$(PYTEST) unit_tests
	cd $(DESTINATION) && ../$(PYTEST) unit_tests

integration: install demo-env
	$(PYTEST) integration_tests
	cd $(DESTINATION) && ../$(PYTEST) integration_tests

## test: lint, types and the whole default test suite of both connectors (what CI runs): unit and
## integration tests, the CDK standard tests, the Docker images built and run (skipped, saying so, on a
## machine without Docker or podman), the PyAirbyte demo. The two suites run side by side, each output
## printed whole when its suite ends (the destination's mostly waits on backoffs).
test: lint typecheck demo-env
	$(MAKE) --no-print-directory -j2 --output-sync=target test-source test-destination

## test-all: also the long sandbox scenarios (`slow`)
test-all: lint typecheck demo-env
	$(MAKE) --no-print-directory -j2 --output-sync=target test-source test-destination SELECTION=

test-source: install
	$(PYTEST)

test-destination: install
	cd $(DESTINATION) && ../$(PYTEST)

clean:
	rm -rf $(VENV) $(DEMO_VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache .demo
