"""Airbyte's standard connector tests (airbyte-cdk 7.39 `SourceTestSuiteBase`), run offline.

The scenarios come from `acceptance-test-config.yml`: spec (and its secret lint), config matches spec,
check succeeds with the sandbox credentials and fails with `invalid_config.json`, discover, a
full-refresh read of every stream (records required in each stream and validated against its schema),
and a read with a bad catalog. The CDK also checks that no secret value appears in any output.

Every scenario's `base_url` is pointed at one local AroFlo sandbox started for this module (a tenth of
the default data: the same 54 streams and record shapes, 58 calls for a full read instead of 153), so
the suite needs no AroFlo account and no network. None of these tests is about AroFlo's rate limits: the
sandbox lifts its short limits and the connector its call rate (`call_rate_in_process`). The connector is
constructed as `airbyte-cdk connector test` constructs it (`SourceAroflo()`, the config given to
check/discover/read); that command runs the same scenarios against a sandbox at the configured address
(conftest.py, aroflo_testing).

The CDK's Docker-based tests (`image_tests`) are replaced here by `integration_tests/test_docker_image.py`,
which builds this repository's Dockerfile with Docker or podman and runs spec, check, discover and a
full read inside the container; `airbyte-cdk image test` runs the CDK's on a machine with Docker.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from airbyte_cdk.test import standard_tests
from airbyte_cdk.test.models import ConnectorTestScenario

from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import RELAXED_LIMITS, call_rate_in_process
from source_aroflo import SourceAroflo

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]

SANDBOX_SCALE = 0.1
IMAGE_TESTS_REASON = (
    "the image is built from the Dockerfile and run (spec, check, discover, read) by "
    "integration_tests/test_docker_image.py; `airbyte-cdk image test` runs the CDK's image tests"
)


@cache
def sandbox_url() -> str:
    """One sandbox for the whole module, started when the scenarios are collected."""
    sandbox = Sandbox(port=0, scale=SANDBOX_SCALE, limits=Limits(**RELAXED_LIMITS)).start()
    atexit.register(sandbox.stop)
    return sandbox.url


@pytest.fixture(autouse=True)
def unpaced_connector() -> Iterator[None]:
    with call_rate_in_process(unlimited_call_rate=True):
        yield


class TestSourceAroflo(standard_tests.SourceTestSuiteBase):
    connector = SourceAroflo
    # The suite names the connector after its root folder, which is a clone's name (`main`) here.
    connector_name = "source-aroflo"

    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        root = cls.get_connector_root_dir()
        scenarios = super().get_scenarios()
        assert scenarios, "acceptance-test-config.yml lists no scenario"
        pointed: list[ConnectorTestScenario] = []
        for scenario in scenarios:
            config: dict[str, Any] = scenario.get_config_dict(connector_root=root, empty_if_missing=False)
            # The config the connector reads (written to a file by the suite) is exactly this one.
            pointed.append(scenario.model_copy(update={"config_dict": {**config, "base_url": sandbox_url()}}))
        return pointed

    # ---- the CDK's image tests: done by test_docker_image.py --------------------------------------
    @pytest.mark.skip(reason=IMAGE_TESTS_REASON)
    def test_docker_image_build_and_spec(self) -> None: ...

    @pytest.mark.skip(reason=IMAGE_TESTS_REASON + "; there is no published version to compare with yet")
    def test_docker_image_spec_backward_compatibility(self) -> None: ...

    @pytest.mark.skip(reason=IMAGE_TESTS_REASON)
    def test_docker_image_build_and_check(self) -> None: ...

    @pytest.mark.skip(reason=IMAGE_TESTS_REASON)
    def test_docker_image_build_and_config_matches_spec(self) -> None: ...

    @pytest.mark.skip(reason=IMAGE_TESTS_REASON)
    def test_docker_image_build_and_discover(self) -> None: ...

    @pytest.mark.skip(reason=IMAGE_TESTS_REASON)
    def test_docker_image_build_and_read(self) -> None: ...


def test_every_standard_section_is_configured() -> None:
    """The suite would silently skip a command whose section is missing from the config file."""
    scenarios = TestSourceAroflo.get_scenarios()
    commands = set().union(*(scenario.commands for scenario in scenarios))
    assert commands == {"spec", "check", "discover", "read"}
    statuses = {scenario.status for scenario in scenarios if scenario.runs("check")}
    assert statuses == {"succeed", "failed"}
    read = [scenario for scenario in scenarios if scenario.runs("read")]
    assert read and all(scenario.is_basic_read_config for scenario in read)
    # No stream may be left out of the basic read without a written reason.
    for scenario in read:
        for empty in scenario.empty_streams or []:
            assert empty.bypass_reason, f"empty stream {empty.name} has no bypass_reason"
