"""The connector under AroFlo's bad days: injected faults, oversized and slow queries, the daily limit.

The reads run in this process (`read_in_process`: how the connector reacts is the point, not its command
line) on the small sandbox, AroFlo's short rate limits lifted on both sides (the faults below inject their
429s and status 6 themselves). A check against a stalled server is proven in-process from the settings it
runs with (a timeout, one retry), and by the real command in the `slow` tier (`make test-all`)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from airbyte_cdk.models import Status

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import (
    BY_STREAM,
    STREAMS,
    SandboxClient,
    keyed,
    read_in_process,
    record_key,
    run_connector,
    write_json,
)
from integration_tests.conftest import assert_same_records
from source_aroflo import SourceAroflo

pytestmark = pytest.mark.runs_for(60)  # a long unit of work: started first (aroflo_testing/parallel.py)


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
    run = read_in_process(small_sandbox, tmp_path, STREAMS, unlimited_call_rate=True)
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
    run = read_in_process(small_sandbox, tmp_path, streams, unlimited_call_rate=True)
    assert run.returncode == 0 and run.errors == [], run.errors
    stats = small.stats()
    assert stats["by_status"].get("8", 0) >= 1 and stats["by_status"].get("888888", 0) >= 1
    _assert_complete(run, small, streams)


def _read_until_the_day_runs_out(sandbox, control: SandboxClient, folder: Path, limits: dict) -> dict:
    """A sync under these daily limits; the sandbox's stats at its end."""
    control.post("limits", limits)
    started = time.monotonic()
    streams = ["tasks", "quotes", "invoices", "clients", "timesheets"]
    run = read_in_process(sandbox, folder, streams, unlimited_call_rate=True)
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


def test_a_query_too_slow_at_any_page_size_is_read_in_narrower_windows(
    small_sandbox: Sandbox, small: SandboxClient, tmp_path: Path
):
    # AroFlo's time on stock levels does not depend on the page size: only a window of eight years or less
    # answers. (Halving from 1900 takes 4 splits to get there: 16 windows. A one-year bound would take 128
    # windows, about 570 calls and 5 minutes at the connector's own pace, for the same proof.)
    small.post("faults", {"slow_query_window_days": {"inventorystocklevels": 8 * 365}})
    streams = ["inventory_stock_levels", "tasks"]
    run = read_in_process(small_sandbox, tmp_path, streams, unlimited_call_rate=True, page_size=40)
    assert run.returncode == 0 and run.errors == [], run.errors
    log = small.stats(log=True)["log"]
    levels = [line for line in log if line["zone"].lower() == "inventorystocklevels"]
    assert any(line["status"] == "888888" and line["pageSize"] == "10" for line in levels)
    windows = [line for line in levels if line["status"] == "0" and len(line["where"]) == 2]
    assert windows and all("lastupdateddatetimeutc|<|" in line["where"][1] for line in windows)
    _assert_complete(run, small, streams)


def test_a_zone_with_no_date_field_to_narrow_fails_with_a_clear_error(
    small_sandbox: Sandbox, small: SandboxClient, tmp_path: Path
):
    small.post("faults", {"slow_query_page_size": {"stages": 5}})
    run = read_in_process(small_sandbox, tmp_path, ["stages", "priorities"], unlimited_call_rate=True)
    assert run.returncode != 0
    messages = " ".join(e["message"] for e in run.errors)
    assert "stages" in messages and "no documented date field" in messages
    assert run.statuses["priorities"] == "COMPLETE"  # the other streams are read


def test_a_rejected_guard_clause_is_dropped_and_the_zone_read_without_it(
    small_sandbox: Sandbox, small: SandboxClient, tmp_path: Path
):
    """AroFlo answering "Invalid WHERE Clause" (status 9) to the always-true clause on a zone that documents
    no default filter: the page is read again without it, with a warning, and nothing is missing."""
    small.post("faults", {"reject_where_fields": {"priorities": "priorityid"}})
    run = read_in_process(small_sandbox, tmp_path, ["priorities"], unlimited_call_rate=True)
    small.post("faults", {})
    assert run.returncode == 0 and run.errors == [], run.errors
    warnings = [m["log"]["message"] for m in run.of_type("LOG") if m["log"]["level"] == "WARN"]
    assert any("rejected the clause" in w and "priorities" in w for w in warnings), warnings
    wheres = [line["where"] for line in small.stats(log=True)["log"] if line["zone"] == "priorities"]
    assert wheres[0] and wheres[-1] == []
    _assert_complete(run, small, ["priorities"])


def test_a_rejected_required_clause_names_the_zone_and_the_clause(
    small_sandbox: Sandbox, small: SandboxClient, tmp_path: Path
):
    small.post("faults", {"reject_where_fields": {"stages": "stageid"}})
    run = read_in_process(small_sandbox, tmp_path, ["stages"], unlimited_call_rate=True)
    small.post("faults", {})
    assert run.returncode != 0
    message = " ".join(e["message"] for e in run.errors)
    assert "stages" in message and "stageid" in message and "status 9" in message


def test_two_stalled_calls_cost_the_timeout_and_lose_nothing(
    small_sandbox: Sandbox, small: SandboxClient, tmp_path: Path
):
    streams = ["tasks", "timesheets", "clients"]
    clean = read_in_process(
        small_sandbox, tmp_path / "clean", streams, unlimited_call_rate=True, request_timeout_seconds=10
    )
    assert clean.returncode == 0, clean.errors
    small.post("faults", {"stall_calls": [2, 5], "stall_seconds": 600})
    stalled = read_in_process(
        small_sandbox, tmp_path / "stalled", streams, unlimited_call_rate=True, request_timeout_seconds=10
    )
    small.post("faults", {})
    assert stalled.returncode == 0 and stalled.errors == [], stalled.errors
    _assert_complete(stalled, small, streams)
    for stream in streams:
        keys = [record_key(stream, r) for r in stalled.records[stream]]
        assert len(keys) == len(set(keys)), stream  # the retried page is not emitted twice
    extra = stalled.seconds - clean.seconds
    print(f"\nread without stalls {clean.seconds:.1f} s, with two stalled calls {stalled.seconds:.1f} s")
    assert 10 <= extra <= 2 * 10 + 15  # about one timeout per stalled call (the two may overlap)


CHECK_BOUND_SECONDS = 150  # how long a check may take against a server that never answers


def test_check_against_a_stalled_server_gives_up_after_one_retry_of_its_timeout(
    small_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
):
    """What bounds a check against a stalled server, in a second: every request gives up after 45 s without
    an answer (30 s to connect), is tried once more after a short wait, and the check then fails saying
    so. Every request "times out" at once here; the real wait is the slow test below."""
    attempts: list[Any] = []
    waits: list[float] = []

    def stalled(adapter: Any, request: Any, **kwargs: Any) -> Any:
        attempts.append(kwargs.get("timeout"))
        raise requests.exceptions.ReadTimeout("no answer within the read timeout")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", stalled)
    monkeypatch.setattr(time, "sleep", waits.append)  # the backoff's waits, counted instead of slept
    config = small_sandbox.connector_config()
    status = SourceAroflo(config=config).check(logging.getLogger("airbyte"), config)
    assert status.status == Status.FAILED
    assert "timeout" in (status.message or "").lower(), status.message
    assert attempts == [(30.0, 45.0)] * 2  # the check's own settings: a 45-second wait, one retry
    assert sum(read for _, read in attempts) + sum(waits) < CHECK_BOUND_SECONDS, (attempts, waits)


@pytest.mark.slow
def test_check_against_a_stalled_server_fails_in_bounded_time(
    small_sandbox: Sandbox, small: SandboxClient, tmp_path: Path
):
    small.post("faults", {"stall": 1.0, "stall_seconds": 600})
    config = write_json(tmp_path / "config.json", small_sandbox.connector_config())
    started = time.monotonic()
    run = run_connector(["check", "--config", config], timeout=300)
    elapsed = time.monotonic() - started
    small.post("faults", {})
    status = run.of_type("CONNECTION_STATUS")[0]["connectionStatus"]
    assert status["status"] == "FAILED"
    assert "timed out" in status["message"].lower() or "timeout" in status["message"].lower(), status
    print(f"\ncheck against a stalled server failed after {elapsed:.0f} s: {status['message'][:200]}")
    assert elapsed < CHECK_BOUND_SECONDS
