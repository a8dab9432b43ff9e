"""`destination-aroflo write` against the sandbox: what is written, what is rejected and why, and that nothing
is ever written twice (the same messages again, lost answers, server faults)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import SandboxClient
from integration_tests.conftest import logs, record, state, summary, write

CLIENTS, NOTES = "clients", "task_notes"
UPSERT = {CLIENTS: "append_dedup", NOTES: "append_dedup"}


def posts(control: SandboxClient) -> dict[str, int]:
    """The API POSTs the sandbox received, by zone."""
    return {zone: calls for zone, calls in control.stats()["post_calls"].items() if calls}


def clients_by_id(control: SandboxClient) -> dict[str, dict[str, Any]]:
    return {c["clientid"]: c for c in control.truth("clients")}


def notes_of(control: SandboxClient, taskid: str) -> list[str]:
    [task] = [t for t in control.truth("tasks", join="notes") if t["taskid"] == taskid]
    return [n["content"] for n in task["tasknotes"]]


def mutate(control: SandboxClient, zone: str, record_id: str, **changes: Any) -> None:
    control.post("mutate", {"zone": zone, "op": "update", "id": record_id, "changes": changes})


@pytest.fixture(scope="module")
def account(sandbox: Sandbox) -> dict[str, Any]:
    """Clients and tasks of the sandbox set up for matching: a mobile to match by, two clients sharing an
    email (so matching by it is ambiguous), and two tasks to write notes on."""
    control = SandboxClient(sandbox)
    clients = control.truth("clients")
    by_id, by_email, by_mobile, shared_a, shared_b, named = clients[:6]
    mutate(control, "clients", by_mobile["clientid"], mobile="0412 111 222")
    mutate(control, "clients", by_email["clientid"], email="accounts@email-match.example")
    for shared in (shared_a, shared_b):
        mutate(control, "clients", shared["clientid"], email="strata@shared.example")
    tasks = control.truth("tasks")
    return {
        "by_id": by_id,
        "by_email": by_email,
        "by_mobile": by_mobile,
        "named": named,
        "task_a": tasks[0],
        "task_b": tasks[1],
    }


def first_write_messages(account: dict[str, Any]) -> list[dict[str, Any]]:
    by_id, named = account["by_id"], account["named"]
    return [
        # 1 inserted: a new client, in the configured business unit
        record(
            CLIENTS,
            {
                "clientname": "Harbour Plumbing Pty Ltd",
                "firstname": "Hana",
                "surname": "Hill",
                "email": "hana@harbour.example",
                "mobile": "+61 400 111 222",
                "address": {
                    "addressline1": "1 Quay St",
                    "suburb": "Geelong",
                    "state": "VIC",
                    "country": "Australia",
                },
            },
        ),
        # 3 updated: by clientid, by email (other case), by mobile (international form)
        record(CLIENTS, {"clientid": by_id["clientid"], "phone": "03 9000 0001"}),
        record(CLIENTS, {"email": "ACCOUNTS@email-match.example ", "website": "https://email-match.example"}),
        record(CLIENTS, {"mobile": "+61 412 111 222", "fax": "03 9000 0002"}),
        # 2 unchanged: what AroFlo holds already; a blank phone that must not wipe the one AroFlo holds
        record(CLIENTS, {"clientid": by_id["clientid"], "clientname": by_id["clientname"]}),
        record(CLIENTS, {"clientid": by_id["clientid"], "phone": ""}),
        # 4 rejected: ambiguous, a name clash, a state without a country, a new client without a surname
        record(CLIENTS, {"clientname": "Strata X", "email": "strata@shared.example"}),
        record(
            CLIENTS,
            {"clientname": named["clientname"], "firstname": "A", "surname": "B", "email": "a@clash.example"},
        ),
        record(
            CLIENTS,
            {"clientname": "No Country", "firstname": "N", "surname": "C", "address": {"state": "SA"}},
        ),
        record(CLIENTS, {"clientname": "Only A Name", "firstname": "Only", "email": "only@name.example"}),
        state(CLIENTS, 1),
        # notes: 2 written (by job number, by task id), 1 rejected (no such job), 1 unchanged (the same text)
        record(
            NOTES,
            {
                "jobnumber": account["task_a"]["jobnumber"],
                "content": "<p>Quote accepted by phone</p>",
                "filter": "Show Client",
                "sticky": True,
            },
        ),
        record(NOTES, {"taskid": account["task_b"]["taskid"], "content": "Parts ordered from Reece"}),
        record(NOTES, {"jobnumber": 99999999, "content": "No such job"}),
        record(NOTES, {"jobnumber": account["task_a"]["jobnumber"], "content": "Quote accepted  by phone"}),
        state(NOTES, 1),
    ]


def test_a_first_write_then_the_same_messages_again(
    sandbox: Sandbox, control: SandboxClient, account: dict[str, Any], tmp_path: Path
) -> None:
    messages = first_write_messages(account)
    before = clients_by_id(control)
    run = write(sandbox, tmp_path / "first", messages, UPSERT, business_unit_id=_business_unit(control))
    assert run.returncode == 0, run.stderr[-3000:]

    # Every STATE is given back, in order, with the records before it counted.
    counted = [
        (s["stream"]["stream_descriptor"]["name"], s["destinationStats"]["recordCount"]) for s in run.states
    ]
    assert counted == [(CLIENTS, 10.0), (NOTES, 4.0)]
    assert summary(run) == (
        "clients: 1 inserted, 3 updated, 2 unchanged, 4 rejected; "
        "task_notes: 2 written, 1 unchanged, 1 rejected"
    )
    warnings = logs(run, "WARN")
    ambiguous = "(clientname 'Strata X', email 'strata@shared.example'): 2 AroFlo clients have this email"
    assert any(ambiguous in w for w in warnings)
    assert any(f"name clash: {account['named']['clientname']!r}" in w for w in warnings)
    assert any("state 'SA' but no country" in w for w in warnings)
    assert any("a new client needs surname" in w for w in warnings)
    assert any("(job number 99999999): no AroFlo task has job number 99999999" in w for w in warnings)

    after = clients_by_id(control)
    [new] = [c for c in after.values() if c["clientname"] == "Harbour Plumbing Pty Ltd"]
    assert new["email"] == "hana@harbour.example" and new["address"]["suburb"] == "Geelong"
    assert set(after) - set(before) == {new["clientid"]}
    assert after[account["by_id"]["clientid"]]["phone"] == "03 9000 0001"
    assert after[account["by_email"]["clientid"]]["website"] == "https://email-match.example"
    assert after[account["by_mobile"]["clientid"]]["fax"] == "03 9000 0002"
    assert notes_of(control, account["task_a"]["taskid"]).count("<p>Quote accepted by phone</p>") == 1
    assert "Parts ordered from Reece" in notes_of(control, account["task_b"]["taskid"])
    # One POST of inserts and one of updates (AroFlo takes them as different calls), one of notes.
    assert posts(control) == {"clients": 2, "tasks": 1}

    # The same messages again: nothing new appears, nothing is posted.
    control.post("reset_stats")
    again = write(sandbox, tmp_path / "again", messages, UPSERT, business_unit_id=_business_unit(control))
    assert again.returncode == 0, again.stderr[-3000:]
    assert summary(again) == "clients: 6 unchanged, 4 rejected; task_notes: 3 unchanged, 1 rejected"
    assert clients_by_id(control).keys() == after.keys()
    assert notes_of(control, account["task_a"]["taskid"]).count("<p>Quote accepted by phone</p>") == 1
    assert posts(control) == {}


def _business_unit(control: SandboxClient) -> str:
    return control.truth("businessunits")[0]["orgid"]
