"""The test harness (aroflo_testing/harness.py) runs the connector in this process as a new process would run
it, and lifts AroFlo's call rate only together with the sandbox's limits."""

from __future__ import annotations

import functools
import sys
import types
from pathlib import Path

import pytest
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets

from aroflo_client.signing import register_secrets
from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import RELAXED_LIMITS, clear_connector_caches, read, read_in_process


def test_a_run_in_process_logs_what_a_new_process_would(monkeypatch: pytest.MonkeyPatch):
    """The connector logs some warnings once per process (a `functools.cache` around the logging call, as
    normalize.py does): before each run in this process those caches are emptied, as in a new process."""
    logged: list[str] = []
    module = types.ModuleType("source_aroflo.components.log_once_example")
    module.warn_once = functools.cache(logged.append)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    module.warn_once("tasks.x is not a number")
    module.warn_once("tasks.x is not a number")  # once per process
    clear_connector_caches()
    module.warn_once("tasks.x is not a number")
    assert logged == ["tasks.x is not a number"] * 2


def test_a_run_in_process_masks_only_its_own_secrets():
    """A secret an earlier test of this worker registered (a one-letter credential) would mask that letter in
    every message of a later run in this process: before each run the list is emptied, as in a new process."""
    register_secrets("s")
    assert filter_secrets("sandbox") == "****andbox"
    clear_connector_caches()
    assert filter_secrets("sandbox") == "sandbox"
    register_secrets("s")  # and registered again after, as a new process would
    assert filter_secrets("sandbox") == "****andbox"
    clear_connector_caches()


def test_an_unpaced_run_needs_a_sandbox_without_aroflos_short_limits(tmp_path: Path):
    """Unpaced against AroFlo's limits, a run would meet 429s and status 6 (a minute's wait each)."""
    with Sandbox(port=0, scale=0.01) as strict:
        for reader in (read, read_in_process):
            with pytest.raises(ValueError, match="lift the sandbox's limits too"):
                reader(strict, tmp_path, ["priorities"], unlimited_call_rate=True)
    with Sandbox(port=0, scale=0.01, limits=Limits(**RELAXED_LIMITS)) as relaxed:
        run = read_in_process(relaxed, tmp_path, ["priorities"], unlimited_call_rate=True)
        assert run.returncode == 0 and run.errors == [] and run.records["priorities"]
