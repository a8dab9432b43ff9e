"""The source's image, built from its Dockerfile and run against the sandbox: spec, check, discover and a
full read, each inside its container (the destination's: test_destination_image.py).

The checks live in `scripts/docker_check.py` (also `make docker-check`); this module runs them in the
test suite, with Docker or podman, on the pinned base image or, when its registry cannot be reached, on
the local stand-in from scripts/local_base_image.sh (about a minute to build, the first time on a machine).
On a machine with neither engine they are skipped, and the end of the test run says so in one line;
with AROFLO_REQUIRE_IMAGE_TESTS=1 (`.ci/run`) podman is installed instead, and no engine is a failure.
One module per image: on a parallel run each is one worker's unit of work, the two builds side by side
(aroflo_testing/parallel.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aroflo_sandbox.server import Sandbox
from integration_tests.conftest import built_image
from scripts import docker_check

pytestmark = [pytest.mark.image, pytest.mark.timeout(1800), pytest.mark.runs_for(150)]


@pytest.fixture(scope="module")
def image(request: pytest.FixtureRequest) -> docker_check.Image:
    return built_image(request, docker_check.SOURCE)


@pytest.fixture(scope="module")
def truth(image_sandbox: Sandbox) -> dict[str, int]:
    return docker_check.sandbox_truth(image_sandbox.url)


def test_image_config_matches_metadata(image: docker_check.Image) -> None:
    print(docker_check.check_image_config(image))


def test_image_holds_no_build_tools_or_tests_and_runs_unprivileged(image: docker_check.Image) -> None:
    print(docker_check.check_image_contents(image))


def test_spec_in_container(image: docker_check.Image) -> None:
    print(docker_check.check_spec(image))


def test_check_in_container(image: docker_check.Image, image_sandbox: Sandbox, tmp_path: Path) -> None:
    print(docker_check.check_check(image, image_sandbox.url, tmp_path))


def test_discover_in_container(
    image: docker_check.Image, image_sandbox: Sandbox, truth: dict[str, int], tmp_path: Path
) -> None:
    print(docker_check.check_discover(image, image_sandbox.url, tmp_path, list(truth)))


def test_full_read_in_container(
    image: docker_check.Image, image_sandbox: Sandbox, truth: dict[str, int], tmp_path: Path
) -> None:
    print(docker_check.check_read(image, image_sandbox.url, tmp_path, truth))
