"""What Airbyte's own test command needs from a connector folder of this repository: `airbyte-cdk connector
test` (each connector's conftest.py imports these hooks and fixtures).

That command writes its own test module (`.tmp/integration_tests/test_airbyte_standards.py`) and runs the
standard tests of the connector's `acceptance-test-config.yml` as written: each scenario's config points the
connector at the sandbox address in its config file (`http://127.0.0.1:8765/`,
integration_tests/sandbox_config.json). When nothing answers at such a local address, a sandbox is started
there for the session (a tenth of the default data), so the command needs no AroFlo account.

The CDK's own image tests (`image_tests`, what `airbyte-cdk image test` runs) run wherever a `docker` command
exists. With no Docker daemon answering they could only fail, so they are skipped, saying why. With one,
`check` and `read` are skipped when their config names the sandbox on this host's loopback: the CDK starts the
container on Docker's default network, where that address is the container itself. The repository's own
image tests (`make docker-check`) run them in the container on the host network, with Docker or podman.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from airbyte_cdk.test.models import ConnectorTestScenario

from aroflo_sandbox.server import Sandbox
from scripts import container_engine

SANDBOX_SCALE = 0.1
LOCAL_HOSTS = ("127.0.0.1", "localhost")
# The CDK's image tests that make the connector call its API (discover and spec make no call).
CALLS_THE_API = ("test_docker_image_build_and_check", "test_docker_image_build_and_read")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The CDK's image tests: all skipped without a Docker daemon; with one, those whose container would
    have to call the sandbox on the host's loopback (the CDK runs it on Docker's default network)."""
    image_tests = [item for item in items if item.get_closest_marker("image_tests")]
    if not image_tests:
        return
    try:
        docker = container_engine.find().name == "docker"
        missing = "podman is here, but the CDK's image tests call `docker`"
    except container_engine.NoEngine as error:
        docker, missing = False, str(error)
    for item in image_tests:
        if not docker:
            reason = f"no Docker daemon ({missing}); `make docker-check` checks the images"
        elif getattr(item, "originalname", "") in CALLS_THE_API and _local(item):
            reason = (
                "the container cannot reach the sandbox on this host's loopback (the CDK runs it on "
                "Docker's default network); `make docker-check` runs check and read on the host network"
            )
        else:
            continue
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def scenario_sandboxes() -> Iterator[dict[str, Sandbox]]:
    """The sandboxes started at scenario addresses, by URL; stopped at the end of the session."""
    started: dict[str, Sandbox] = {}
    yield started
    for sandbox in started.values():
        sandbox.stop()


@pytest.fixture(autouse=True)
def sandbox_at_scenario_address(
    request: pytest.FixtureRequest, scenario_sandboxes: dict[str, Sandbox]
) -> None:
    """A sandbox at the local address a standard-test scenario's config names, if none answers there."""
    url = _local(request.node)
    if not url or url in scenario_sandboxes or _sandbox_answers(url):
        return
    address = urlsplit(url)
    sandbox = Sandbox(host=address.hostname or LOCAL_HOSTS[0], port=address.port or 80, scale=SANDBOX_SCALE)
    scenario_sandboxes[url] = sandbox.start()


def _local(item: pytest.Item) -> str:
    """The `base_url` of the item's standard-test scenario config if on this host's loopback, else ''."""
    callspec = getattr(item, "callspec", None)
    scenario = callspec.params.get("scenario") if callspec else None
    if not isinstance(scenario, ConnectorTestScenario):
        return ""
    root = item.config.rootpath
    url = scenario.get_config_dict(connector_root=root, empty_if_missing=True).get("base_url") or ""
    return url if urlsplit(url).hostname in LOCAL_HOSTS else ""


def _sandbox_answers(url: str) -> bool:
    try:
        return requests.get(url.rstrip("/") + "/_sandbox/zones", timeout=5).ok
    except requests.RequestException:
        return False
