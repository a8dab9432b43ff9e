"""destination-aroflo's image, built from destination-aroflo/Dockerfile (the repository root as context) and
run against the sandbox: spec, check and a write of clients and task notes, each inside its container.

The checks are `scripts/docker_check.py`'s, built and reported as the source's image is
(test_docker_image.py, integration_tests/conftest.py); a module of its own so that a parallel run builds the
two images side by side.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aroflo_sandbox.server import Sandbox
from integration_tests.conftest import built_image
from scripts import docker_check

pytestmark = [pytest.mark.image, pytest.mark.timeout(1800), pytest.mark.runs_for(150)]


@pytest.fixture(scope="module")
def destination_image(request: pytest.FixtureRequest) -> docker_check.Image:
    return built_image(request, docker_check.DESTINATION)


def test_destination_image_config_matches_its_metadata(destination_image: docker_check.Image) -> None:
    print(docker_check.check_image_config(destination_image))


def test_destination_image_holds_no_build_tools_tests_or_source(
    destination_image: docker_check.Image,
) -> None:
    print(docker_check.check_image_contents(destination_image))


def test_destination_spec_in_container(destination_image: docker_check.Image) -> None:
    print(docker_check.check_spec(destination_image))


def test_destination_check_in_container(
    destination_image: docker_check.Image, image_sandbox: Sandbox, tmp_path: Path
) -> None:
    print(docker_check.check_check(destination_image, image_sandbox.url, tmp_path))


def test_destination_write_in_container(
    destination_image: docker_check.Image, image_sandbox: Sandbox, tmp_path: Path
) -> None:
    print(docker_check.check_write(destination_image, image_sandbox.url, tmp_path))
