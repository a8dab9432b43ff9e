"""What Airbyte's own test command needs from this repository: `airbyte-cdk connector test`.

That command writes its own test module (`.tmp/integration_tests/test_airbyte_standards.py`) and runs the
standard tests of `acceptance-test-config.yml` as written: each scenario's config points the connector at
the sandbox address in its config file (`http://127.0.0.1:8765/`, integration_tests/sandbox_config.json).
When nothing answers at such a local address, a sandbox is started there for the session (a tenth of the
default data, like integration_tests/test_airbyte_standards.py), so the command needs no AroFlo account.

The CDK's own image tests (`image_tests`) run wherever a `docker` command exists; with no Docker daemon
answering they could only fail, so they are skipped, saying why. `airbyte-cdk image test` runs them on a
machine with Docker; integration_tests/test_docker_image.py checks the image with Docker or podman.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from airbyte_cdk.test.models import ConnectorTestScenario

from aroflo_sandbox.server import Sandbox
from scripts import container_engine

ROOT = Path(__file__).parent
SANDBOX_SCALE = 0.1
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    image_tests = [item for item in items if item.get_closest_marker("image_tests")]
    if not image_tests:
        return
    try:
        if container_engine.find().name == "docker":
            return
        reason = "no Docker daemon here (podman is; the CDK's image tests call `docker`)"
    except container_engine.NoEngine as missing:
        reason = f"no Docker daemon here ({missing})"
    skip = pytest.mark.skip(reason=f"{reason}: integration_tests/test_docker_image.py checks the image")
    for item in image_tests:
        item.add_marker(skip)


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
    callspec = getattr(request.node, "callspec", None)
    scenario = callspec.params.get("scenario") if callspec else None
    if not isinstance(scenario, ConnectorTestScenario):
        return
    url = scenario.get_config_dict(connector_root=ROOT, empty_if_missing=True).get("base_url") or ""
    address = urlsplit(url)
    if address.hostname not in LOCAL_HOSTS or url in scenario_sandboxes or _sandbox_answers(url):
        return
    sandbox = Sandbox(host=address.hostname, port=address.port or 80, scale=SANDBOX_SCALE)
    scenario_sandboxes[url] = sandbox.start()


def _sandbox_answers(url: str) -> bool:
    try:
        return requests.get(url.rstrip("/") + "/_sandbox/zones", timeout=5).ok
    except requests.RequestException:
        return False
