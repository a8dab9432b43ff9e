"""The connector under AroFlo's bad days: injected faults, oversized and slow queries, the daily limit."""

from __future__ import annotations

import time
from pathlib import Path

from aroflo_sandbox.harness import BY_STREAM, STREAMS, SandboxClient, keyed, read, record_key
from aroflo_sandbox.server import Sandbox
from integration_tests.conftest import assert_same_records


def _assert_complete(run, control: SandboxClient, streams: list[str]) -> None:
    """Every record of the sandbox arrived; duplicates only in the bounded way primary keys absorb."""
    for stream in streams:
        truth = keyed(stream, control.synced_truth(BY_STREAM[stream].param))
        assert_same_records(stream, keyed(stream, run.records.get(stream, [])), truth)


def test_harsh_faults_lose_nothing(small_sandbox: Sandbox, small: SandboxClient, tmp_path: Path):
    small.post(
        "faults",
        {
            "seed": 3,
            "storm_429": 0.03,
            "storm_length": 4,
            "status_6": 0.01,
            "server_error": 0.06,
            "drop": 0.04,
            "expired": 0.03,
            "slow": 0.03,
            "slow_seconds": 1.0,
        },
    )
    run = read(small_sandbox, tmp_path, STREAMS)
    assert run.returncode == 0 and run.errors == [], (run.errors, run.stderr[-2000:])
    stats = small.stats()
    assert sum(stats["faults"].values()) >= 10, stats["faults"]  # the faults really happened
    assert {"429", "5xx", "drop", "expired"} <= set(stats["faults"]), stats["faults"]
    _assert_complete(run, small, STREAMS)
    for stream, records in run.records.items():  # a clean retry never re-emits a page
        keys = [record_key(stream, r) for r in records]
        assert len(keys) == len(set(keys)), stream


def test_too_large_and_too_slow_responses_are_narrowed(
    small_sandbox: Sandbox, small: SandboxClient, tmp_path: Path
):
    # tasks: a 500-record page is over the size limit; task_materials: pages over 100 records time out.
    small.post(
        "faults", {"size_limit_bytes": {"tasks": 350_000}, "slow_query_page_size": {"taskmaterials": 100}}
    )
    streams = ["tasks", "task_materials"]
    run = read(small_sandbox, tmp_path, streams)
    assert run.returncode == 0 and run.errors == [], run.errors
    stats = small.stats()
    assert stats["by_status"].get("8", 0) >= 1 and stats["by_status"].get("888888", 0) >= 1
    _assert_complete(run, small, streams)


def _read_until_the_day_runs_out(sandbox, control: SandboxClient, folder: Path, limits: dict) -> dict:
    """A sync under these daily limits; the sandbox's stats at its end."""
    control.post("limits", limits)
    started = time.monotonic()
    run = read(sandbox, folder, ["tasks", "quotes", "invoices", "clients", "timesheets"])
    elapsed = time.monotonic() - started
    stats = control.stats()
    control.post("limits", {"daily": 2000, "daily_used": 0})
    assert elapsed < 60
    messages = [e["message"] for e in run.errors]
    assert any(
        "daily API limit is used up" in m and "Australia/Melbourne" in m and "UTC" in m for m in messages
    )
    # Each stream's own error is transient (retry later); the CDK's closing summary is always a config_error.
    own = [e for e in run.errors if e.get("internal_message") != "Concurrent read failure"]
    assert own and all(e["failure_type"] == "transient_error" for e in own)
    return stats


def test_the_last_call_of_the_day_ends_the_sync_without_asking_again(small_sandbox, small, tmp_path: Path):
    stats = _read_until_the_day_runs_out(small_sandbox, small, tmp_path, {"daily": 3})
    assert stats["daily_used"] == 3
    # Once AroFlo says no call is left, no more are sent, bar the one already in flight on the other worker.
    assert stats["by_status"].get("7", 0) <= 1


def test_a_day_used_up_by_another_integration_ends_the_sync_at_status_7(small_sandbox, small, tmp_path: Path):
    stats = _read_until_the_day_runs_out(small_sandbox, small, tmp_path, {"daily": 3, "daily_used": 3})
    assert stats["daily_used"] == 3
    assert 1 <= stats["by_status"].get("7", 0) <= 2
