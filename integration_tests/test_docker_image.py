"""The connector image, built with podman from the repository's `Dockerfile` and run against the sandbox.

The checks live in `scripts/docker_check.py` (also `make docker-check`); this module runs them in the
test suite. Building needs podman and the stand-in base image, which `../shared/tools/local-base-image.sh`
installs (Debian packages, as root): about a minute the first time on a machine, then cached.
Deselect with `-m "not image"` where that is not possible.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aroflo_sandbox.server import Sandbox
from scripts import docker_check

pytestmark = [pytest.mark.image, pytest.mark.timeout(1800)]


@pytest.fixture(scope="module")
def image() -> docker_check.Image:
    return docker_check.build()


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
