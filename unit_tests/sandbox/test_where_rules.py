"""The sandbox accepts exactly the WHERE clauses AroFlo's documentation accepts, and answers anything else
with status 9, "Invalid WHERE Clause" (aroflo_sandbox/where_rules.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from aroflo_sandbox.dataset import Dataset, generate
from aroflo_sandbox.documented import zone_docs
from aroflo_sandbox.query import Answer, ZoneQuery, select
from aroflo_sandbox.where import WhereError, parse_where
from aroflo_sandbox.where_rules import accepted_fields, check
from aroflo_sandbox.zones import ZONES


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return generate(seed=3, now=datetime(2026, 3, 1, 12), scale=0.05)


def ask(ds: Dataset, zone: str, *clauses: str) -> Answer:
    return select(
        ZONES[zone], ds.live(ZONES[zone]), ZoneQuery(list(clauses), [], frozenset(), 1, 500), ds.now
    )


def refused(zone: str, *clauses: str) -> bool:
    try:
        check(zone, parse_where(list(clauses)).conditions)
    except WhereError:
        return True
    return False


def vendor_clauses():
    for zone in ZONES:
        for clause in zone_docs(zone)["example_where"]:
            # Bracketed clauses of the examples are tested on their own, without their brackets.
            yield zone, f"{clause['conj']}|{clause['field']}|{clause['op']}|{clause['value']}"


@pytest.mark.parametrize("zone, clause", list(vendor_clauses()))
def test_every_clause_of_the_vendors_examples_is_accepted(ds, zone, clause):
    answer = ask(ds, zone, clause)
    assert (answer.status, answer.detail) == ("0", None)


def test_the_vendors_examples_use_clauses_in_many_zones():
    assert len(list(vendor_clauses())) == 86
    assert len({zone for zone, _ in vendor_clauses()}) == 32


def test_fields_are_the_where_table_and_the_vendors_examples():
    for zone in ZONES:
        docs = zone_docs(zone)
        table = {row["field"] for row in docs["where"]}
        used = {clause["field"] for clause in docs["example_where"]}
        assert set(accepted_fields(zone)) == table | used, zone
        # The server reads every accepted field, and no other.
        assert set(ZONES[zone].where_fields) == table | used, zone
    assert accepted_fields("payments")["datepaid"].type == "string"  # only an example uses it: no type


@pytest.mark.parametrize(
    "zone, clause",
    [
        ("contacts", "and|phone|=|0400 000 000"),
        ("contacts", "and|mobile|=|0400 000 000"),
        ("contacts", "and|surname|=|Nguyen"),
        ("tasks", "and|clientid|=|JCdKUyZRMCAgCg=="),
        ("clientnotes", "and|clientid|=|JCdKUyZRMCAgCg=="),
        ("permissiongroups", "and|groupid|=|IyYqKyIK"),
        ("tasktypes", "and|tasktypeid|=|IyYqKyIK"),
        ("userposition", "and|positionid|=|IyYqKyIK"),
        ("tasks", "and|nosuchfield|=|1"),
        ("tasks", "and|materiallineid|=|IyYqKyIK"),  # Tasks' joined-material fields: not modelled
    ],
)
def test_undocumented_fields_are_status_9(ds, zone, clause):
    assert ask(ds, zone, clause) == Answer(
        "9",
        "Invalid WHERE Clause",
        detail=f"Invalid WHERE Clause: field {clause.split('|')[1]!r} "
        f"is not a documented WHERE field of {zone}",
    )


@pytest.mark.parametrize("zone", ["permissiongroups", "userposition"])
def test_zones_without_a_where_table_refuse_any_where(ds, zone):
    assert accepted_fields(zone) == {}
    assert ask(ds, zone, "and|archived|=|false").status == "9"
    answer = ask(ds, zone)
    assert answer.status == "0" and len(answer.zone_response[ZONES[zone].record_key]) == len(
        ds.live(ZONES[zone])
    )


@pytest.mark.parametrize(
    "clause, status",
    [
        ("and|jobnumber|=|1050", "0"),
        ("and|jobnumber|<|1050", "0"),
        ("and|jobnumber|>|1050", "0"),
        ("and|jobnumber|!=|1050", "0"),
        ("and|jobnumber|IN|1050*1051", "0"),
        ("and|jobnumber|NOT IN|1050*1051", "0"),
        ("and|jobnumber|>=|1050", "0"),  # a vendor example uses it (schedules)
        ("and|jobnumber|<=|1050", "9"),  # nothing documents or uses it
        ("and|jobnumber|LIKE|1050", "9"),
        ("and|jobnumber|=|", "9"),  # a value is required
        ("and|taskid|!=|", "9"),  # the old always-true clause
        ("and|taskid|IN|JCdKUyZRMCAgCg==*", "9"),
    ],
)
def test_operators_and_required_values(ds, clause, status):
    assert ask(ds, "tasks", clause).status == status


@pytest.mark.parametrize(
    "zone, field, good, bad",
    [
        (
            "tasks",
            "taskid",
            ["JCdKUyZRMCAgCg==", "IyYqKyIK", "XXXXX", "JSVORDU+STggCg=="],
            ["not an id", "JC#1"],
        ),
        (
            "tasks",
            "daterequested",
            ["2024-01-02", "2024/01/02", "2024/01/02 10:00:00"],
            ["02/01/2024", "2024-1-2", "2024-01/02", "2024-01-02T10:00:00", "yesterday"],
        ),
        (
            "tasks",
            "datetimerequested",
            ["2024-01-02 10:00:00", "2024/01/02 10:00:00", "2024-01-02"],
            ["2024-01-02 10:00", "2024-01-02T10:00:00Z", "2024-01-02 10:00:00.5"],
        ),
        ("tasks", "linkprocessed", ["true", "FALSE", "True"], ["1", "0", "yes"]),
        ("tasks", "jobnumber", ["1050", "0"], ["10.5", "-1", "ten"]),
        ("locations", "gpslat", ["-37.8136", "145", "0"], ["south", "1e5"]),
        ("tasks", "status", ["notstarted", "NotStarted", "completed"], ["not started", "done"]),
        (
            "purchaseorders",
            "status",
            ["approved", "Pending Approval", "pending"],
            ["draft"],
        ),  # pending: example
        ("timesheets", "type", ["productive", "Non-Productive"], ["overtime"]),
        ("tasks", "clientname", ["Acme", "O'Brien & Sons (Pty)"], []),
        ("invoices", "linkprocessed", ["false", "anything"], []),  # an example's field: no documented type
    ],
)
def test_literals_read_as_the_documented_type(zone, field, good, bad):
    for literal in good:
        assert not refused(zone, f"and|{field}|=|{literal}"), literal
    for literal in bad:
        assert refused(zone, f"and|{field}|=|{literal}"), literal


def test_every_item_of_an_in_list_is_checked():
    assert not refused("tasks", "and|status|IN|notstarted*inprogress")
    assert refused("tasks", "and|status|IN|notstarted*started")
    assert refused("tasks", "and|taskid|NOT IN|JCdKUyZRMCAgCg==*not an id")


def test_the_connectors_clauses_are_accepted(ds):
    assert ask(ds, "tasks", "and|datetimerequested|>|1900-01-01 00:00:00").status == "0"
    assert (
        ask(ds, "tasks", "and|(|taskid|=|JCdKUyZRMCAgCg==", "or|taskid|!=|JCdKUyZRMCAgCg==|)").status == "0"
    )
    assert (
        ask(ds, "lastupdate", "and|zonename|=|tasks", "and|lastupdateutc|>|2024-01-01 00:00:00").status == "0"
    )
    assert ask(ds, "taskmaterials", "and|materiallineid|IN|JCdKUyZRMCAgCg==*IyYqKyIK").status == "0"
