"""Both connectors' images, built from their Dockerfiles and run against the sandbox: the source's spec,
check, discover and full read, the destination's spec, check and write, each inside its container.

The checks live in `scripts/docker_check.py` (also `make docker-check`); this module runs them in the
test suite, with Docker or podman, on the pinned base image or, when its registry cannot be reached, on
the local stand-in from scripts/local_base_image.sh (about a minute to build, the first time on a machine).
On a machine with neither engine they are skipped, and the end of the test run says so in one line;
with AROFLO_REQUIRE_IMAGE_TESTS=1 (`.ci/run`) podman is installed instead, and no engine is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aroflo_sandbox.server import Sandbox
from integration_tests.conftest import IMAGE_TESTS
from scripts import docker_check
from scripts.container_engine import NoEngine

pytestmark = [pytest.mark.image, pytest.mark.timeout(1800)]


def built(request: pytest.FixtureRequest, connector: docker_check.Connector) -> docker_check.Image:
    try:
        engine = docker_check.engine()
    except NoEngine as missing:
        if docker_check.REQUIRED:
            request.config.stash[IMAGE_TESTS] = f"image tests FAILED: required, but {missing}"
            pytest.fail(f"AROFLO_REQUIRE_IMAGE_TESTS=1, but no container engine: {missing}", pytrace=False)
        request.config.stash[IMAGE_TESTS] = (
            f"image tests skipped: no container engine here ({missing}). "
            f"To run them: {docker_check.HOW_TO_RUN}"
        )
        pytest.skip(f"no container engine: {missing}")
    image = docker_check.build(engine, connector)
    said = request.config.stash.get(IMAGE_TESTS, "image tests:")
    request.config.stash[IMAGE_TESTS] = f"{said}\n  {connector.image} {image.describe()}"
    return image


@pytest.fixture(scope="module")
def image(request: pytest.FixtureRequest) -> docker_check.Image:
    return built(request, docker_check.SOURCE)


@pytest.fixture(scope="module")
def destination_image(request: pytest.FixtureRequest) -> docker_check.Image:
    return built(request, docker_check.DESTINATION)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0, scale=docker_check.SCALE) as running:
        yield running


@pytest.fixture(scope="module")
def truth(sandbox: Sandbox) -> dict[str, int]:
    return docker_check.sandbox_truth(sandbox.url)


def test_image_config_matches_metadata(image: docker_check.Image) -> None:
    print(docker_check.check_image_config(image))


def test_image_holds_no_build_tools_or_tests_and_runs_unprivileged(image: docker_check.Image) -> None:
    print(docker_check.check_image_contents(image))


def test_spec_in_container(image: docker_check.Image) -> None:
    print(docker_check.check_spec(image))


def test_check_in_container(image: docker_check.Image, sandbox: Sandbox, tmp_path: Path) -> None:
    print(docker_check.check_check(image, sandbox.url, tmp_path))


def test_discover_in_container(
    image: docker_check.Image, sandbox: Sandbox, truth: dict[str, int], tmp_path: Path
) -> None:
    print(docker_check.check_discover(image, sandbox.url, tmp_path, list(truth)))


def test_full_read_in_container(
    image: docker_check.Image, sandbox: Sandbox, truth: dict[str, int], tmp_path: Path
) -> None:
    print(docker_check.check_read(image, sandbox.url, tmp_path, truth))


# ---- destination-aroflo ---------------------------------------------------------------------------------
def test_destination_image_config_matches_its_metadata(destination_image: docker_check.Image) -> None:
    print(docker_check.check_image_config(destination_image))


def test_destination_image_holds_no_build_tools_tests_or_source(
    destination_image: docker_check.Image,
) -> None:
    print(docker_check.check_image_contents(destination_image))


def test_destination_spec_in_container(destination_image: docker_check.Image) -> None:
    print(docker_check.check_spec(destination_image))


def test_destination_check_in_container(
    destination_image: docker_check.Image, sandbox: Sandbox, tmp_path: Path
) -> None:
    print(docker_check.check_check(destination_image, sandbox.url, tmp_path))


def test_destination_write_in_container(
    destination_image: docker_check.Image, sandbox: Sandbox, tmp_path: Path
) -> None:
    print(docker_check.check_write(destination_image, sandbox.url, tmp_path))
