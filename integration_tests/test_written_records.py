"""What a write through the API stores, the connector reads as it reads every other record: clients inserted
and updated and task notes added by POSTs (aroflo_sandbox/writes.py) arrive meaning what the sandbox holds,
valid against their streams' schemas (read in this process, AroFlo's short rate limits lifted on both sides:
the point is the records)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft7Validator

from aroflo_sandbox.limits import Limits
from aroflo_sandbox.server import Sandbox
from aroflo_testing.harness import (
    BY_STREAM,
    RELAXED_LIMITS,
    STREAM_SCHEMAS,
    Run,
    SandboxClient,
    keyed,
    read_in_process,
)
from integration_tests.conftest import assert_same_records, format_checker, timezone_errors
from unit_tests.sandbox.test_writes import clients_xml, new_client, note, notes_xml, post, results

STREAMS = ["clients", "contacts", "tasks", "last_update"]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Sandbox, Run, dict[str, Any]]]:
    with Sandbox(port=0, scale=0.05, seed=13, limits=Limits(**RELAXED_LIMITS)) as sandbox:
        control = SandboxClient(sandbox)
        term = control.truth("transactionterms")[1]["transactionterm"]
        inserted = new_client(
            abn="12 345 678 901", shortname="WrTe", phone="03 9259 5200", mobile="0400 123 456",
            email="jayne@example.com", website="example.com", termsnote="net 30", gpslat="-37.81",
            gpslong="145.22", transactionterms={"transactionterm": term},
            address={"addressline1": "12 Maroondah Hwy", "suburb": "Ringwood", "postcode": "3134",
                     "state": "VIC", "country": "Australia"},
            mailingaddress={"addressline1": "PO Box 1", "postcode": "3066"},
        )  # fmt: skip
        (echo,) = results(post(sandbox, "clients", clients_xml(inserted)))["inserts"]["clients"]
        updated = next(c for c in control.truth("clients", "contacts") if c["contacts"])
        update = {
            "clientid": updated["clientid"],
            "phone": "03 1234 5678",
            "postable": "false",
            "website": "",
        }
        assert "error" not in results(post(sandbox, "clients", clients_xml(update)))["updates"]["clients"][0]
        taskid = control.truth("tasks")[0]["taskid"]
        notes = [note("<p>html</p>", "Internal Admin Only", "true"), note("text", "show client")]
        assert results(post(sandbox, "tasks", notes_xml((taskid, notes))))["inserttotal"] == 2
        run = read_in_process(sandbox, tmp_path_factory.mktemp("written"), STREAMS, unlimited_call_rate=True)
        yield sandbox, run, {"inserted": echo["clientid"], "updated": updated["clientid"], "task": taskid}


def test_the_sync_succeeds(written):
    _, run, _ = written
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.errors == []


@pytest.mark.parametrize("stream", STREAMS)
def test_written_records_arrive_meaning_what_the_sandbox_holds(written, stream):
    sandbox, run, ids = written
    zone = BY_STREAM[stream]
    truth = keyed(stream, SandboxClient(sandbox).synced_truth(zone.param))
    received = keyed(stream, run.records.get(stream, []))
    assert_same_records(stream, received, truth)
    if stream == "clients":
        assert {(ids["inserted"],), (ids["updated"],)} <= set(received)
    if stream == "tasks":
        notes = received[(ids["task"],)]["tasknotes"]
        assert [(n["content"], n["filter"], n["sticky"]) for n in notes[-2:]] == [
            ("<p>html</p>", "Internal Admin Only", True),
            ("text", "Show Client", False),
        ]


@pytest.mark.parametrize("stream", STREAMS)
def test_written_records_are_valid_against_their_schemas(written, stream):
    _, run, _ = written
    schema = STREAM_SCHEMAS[stream]
    validator = Draft7Validator(schema, format_checker=format_checker())
    for record in run.records[stream]:
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)
        ]
        errors += timezone_errors(record, schema)
        assert not errors, (stream, errors[:5])
