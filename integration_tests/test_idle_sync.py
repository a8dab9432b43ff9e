"""An hourly sync of an unchanged account right after its first full read (issue 21): at most 5 API calls
and no zone record sent again, though changes were saved within the overlap just before the full read (the
next sync re-reads the change log from ten minutes before its position).

In this process, on a small account, AroFlo's short limits lifted (call counts do not depend on them);
`scripts/idle_sync_report.py` measures the same on the default account and one 4x its size with AroFlo's
real limits, right after the full read and an hour later (README.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import RELAXED_LIMITS, Run, SandboxClient, latest_states, sync
from source_aroflo.components.shared_log import SharedChangeLog

pytestmark = pytest.mark.runs_for(30)
CHANGE_LOG_STREAM = "last_update"


def records(run: Run, stream: str) -> list[str]:
    return sorted(json.dumps(record, sort_keys=True) for record in run.records.get(stream, []))


def run_sync(sandbox: Sandbox, folder: Any, states: list[dict[str, Any]] | None) -> Run:
    run = sync(sandbox, folder, states, in_process=True, unlimited_call_rate=True)
    assert run.returncode == 0 and run.errors == [], run.errors
    return run


def test_an_idle_sync_after_a_full_read_costs_at_most_5_calls_and_sends_no_zone_record_again(
    tmp_path, monkeypatch
):
    with Sandbox(port=0, scale=0.1, seed=29) as sandbox:
        control = SandboxClient(sandbox)
        control.reset()
        control.post("limits", RELAXED_LIMITS)
        # Changes within the next sync's overlap, saved before the full read: it delivers them.
        for zone in ("tasks", "timesheets", "clients"):
            key = {"tasks": "taskid", "timesheets": "timesheetid", "clients": "clientid"}[zone]
            for record in control.truth(zone)[3:5]:
                assert control.post("mutate", {"op": "update", "zone": zone, "id": record[key]})["ok"]
        gone = control.truth("tasks")[7]["taskid"]
        assert control.post("mutate", {"op": "delete", "zone": "tasks", "id": gone})["ok"]

        first = run_sync(sandbox, tmp_path / "first", None)
        states = latest_states(first)
        for n in (1, 2):
            control.post("reset_stats")
            before = states
            idle = run_sync(sandbox, tmp_path / f"idle{n}", states)
            states = latest_states(idle, previous=states)
            stats = control.stats()
            sent_again = {s: len(r) for s, r in idle.records.items() if r and s != CHANGE_LOG_STREAM}
            assert sent_again == {}, sent_again
            assert stats["requests"] <= 5, stats["by_zone"]
            # One read of the change log for every zone and the `last_update` stream.
            assert stats["by_zone"]["lastupdate"] == 1, stats["by_zone"]
            # ... whose records are those its own read of LastUpdate gives, from the same state.
            with monkeypatch.context() as patch:
                patch.setattr(SharedChangeLog, "rows", lambda self, start, end: None)
                control.post("reset_stats")
                own = run_sync(sandbox, tmp_path / f"own{n}", before)
                assert control.stats()["by_zone"]["lastupdate"] == 2
            assert records(own, CHANGE_LOG_STREAM) == records(idle, CHANGE_LOG_STREAM) != []
