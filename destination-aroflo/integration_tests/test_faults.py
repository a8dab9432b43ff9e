"""Nothing written twice, nothing lost, whatever the network does: answers lost after AroFlo applied a write
(dropped, a 5xx, a stall past the timeout), failures before AroFlo processed it, and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import SandboxClient
from integration_tests.conftest import logs, record, state, summary, write

CLIENTS, NOTES = "clients", "task_notes"
UPSERT = {CLIENTS: "append_dedup", NOTES: "append_dedup"}


def new_client(name: str) -> dict[str, Any]:
    slug = name.lower().replace(" ", "-")
    return {"clientname": name, "firstname": "Fay", "surname": "Ult", "email": f"{slug}@faults.example"}


def messages(control: SandboxClient, tag: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Two new clients, an update of an existing one and two notes, each state after its stream's records."""
    existing = control.truth("clients")[20]
    task_a, task_b = control.truth("tasks")[5:7]
    sent = [
        record(CLIENTS, new_client(f"{tag} One")),
        record(CLIENTS, new_client(f"{tag} Two")),
        record(CLIENTS, {"clientid": existing["clientid"], "website": f"https://{tag}.example"}),
        state(CLIENTS, 1),
        record(NOTES, {"jobnumber": task_a["jobnumber"], "content": f"{tag}: site visit booked"}),
        record(NOTES, {"taskid": task_b["taskid"], "content": f"{tag}: <b>parts</b> ordered"}),
        state(NOTES, 1),
    ]
    return sent, {"existing": existing, "tasks": (task_a, task_b)}


def assert_written_once(control: SandboxClient, tag: str, made: dict[str, Any]) -> None:
    names = [c["clientname"] for c in control.truth("clients")]
    assert names.count(f"{tag} One") == 1 and names.count(f"{tag} Two") == 1
    [existing] = [c for c in control.truth("clients") if c["clientid"] == made["existing"]["clientid"]]
    assert existing["website"] == f"https://{tag}.example"
    tasks = {t["taskid"]: t for t in control.truth("tasks", join="notes")}
    task_a, task_b = made["tasks"]
    assert [n["content"] for n in tasks[task_a["taskid"]]["tasknotes"]].count(
        f"{tag}: site visit booked"
    ) == 1
    assert [n["content"] for n in tasks[task_b["taskid"]]["tasknotes"]].count(
        f"{tag}: <b>parts</b> ordered"
    ) == 1


# Every write's answer lost once it is applied (the insert, the update, the notes); a stall costs the request
# timeout (10 s) each, so only the first one stalls.
@pytest.mark.parametrize(("mode", "lost"), [("drop", 3), ("5xx", 3), ("stall", 1)])
def test_an_answer_lost_after_aroflo_applied_the_write_never_doubles_it(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path, mode: str, lost: int
) -> None:
    tag = f"Lost {mode}"
    sent, made = messages(control, tag)
    control.faults(lost_write_answers=lost, lost_write_mode=mode, stall_seconds=600)
    run = write(sandbox, tmp_path, sent, UPSERT, request_timeout_seconds=10)
    assert run.returncode == 0, run.stderr[-3000:]
    assert_written_once(control, tag, made)
    clients, tasks = control.writes("clients"), control.writes("tasks")
    assert clients["post_calls"] == clients["writes_committed"] == 2  # the inserts, the update: once each
    assert tasks["post_calls"] == tasks["writes_committed"] == 1
    assert clients["writes_lost"] + tasks["writes_lost"] == lost
    assert summary(run) == "clients: 2 inserted, 1 updated; task_notes: 2 written"
    assert (
        sum("is unknown" in line and "reading AroFlo before writing" in line for line in logs(run, "WARN"))
        == lost
    )
    assert [s["destinationStats"]["recordCount"] for s in run.states] == [3.0, 2.0]


def test_failures_before_aroflo_processed_a_write_are_sent_again_and_written_once(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path
) -> None:
    tag = "Before processing"
    sent, made = messages(control, tag)
    # 5xx and dropped connections answered instead of processing: reads are retried, writes looked for first
    # (AroFlo's per-minute limit, also answered before processing, waits for the minute: unit-tested).
    control.faults(seed=10, server_error=0.25, drop=0.15)
    run = write(sandbox, tmp_path, sent, UPSERT)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sum(control.stats()["faults"].values()) >= 2, control.stats()["faults"]
    assert_written_once(control, tag, made)
    assert summary(run) == "clients: 2 inserted, 1 updated; task_notes: 2 written"


def test_a_write_refused_for_permission_fails_the_sync_at_once_saying_so(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path
) -> None:
    sent, _ = messages(control, "No permission")
    control.faults(write_permission=False)
    run = write(sandbox, tmp_path, sent, UPSERT)
    assert run.returncode != 0
    [error] = run.errors
    assert error["failure_type"] == "config_error"
    assert "this API user may read but not write" in error["message"]
    assert control.writes("clients")["post_calls"] == 1 and run.states == []


def test_the_daily_budget_stops_the_write_after_the_states_of_what_was_written(
    sandbox: Sandbox, control: SandboxClient, tmp_path: Path
) -> None:
    """The clients are written and their state given back; the notes would take AroFlo's count below the
    reserve: the sync stops with a transient error saying when AroFlo resets the count."""
    sent, _ = messages(control, "Budget")
    control.post("limits", {"daily_used": 2000 - 104})  # 104 calls left; the reserve keeps 100 of them
    run = write(sandbox, tmp_path, sent, UPSERT, daily_call_reserve=100)
    assert run.returncode != 0
    [error] = run.errors
    assert error["failure_type"] == "transient_error"
    assert "to keep the configured reserve of 100 calls" in error["message"]
    assert "resets the daily count at" in error["message"]
    assert [s["stream"]["stream_descriptor"]["name"] for s in run.states] == [CLIENTS]
    assert [c["clientname"] for c in control.truth("clients")].count("Budget One") == 1
    assert control.stats()["daily_remaining"] >= 100
