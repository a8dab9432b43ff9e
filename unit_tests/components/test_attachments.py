"""The documents streams' records: one per attached document, with its parent's identity (AroFlo's own
examples as fixtures); the filter that asks the cursor; the manifest's documents streams read their parent
zone exactly as the parent stream does."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from aroflo_sandbox.documented import example_records
from source_aroflo.components.attachments import AttachedTo, NewDocuments, ParentDocuments, moment_utc
from source_aroflo.components.stream_parameters import record_id_field

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "source_aroflo" / "manifest.yaml").read_text())
PARAMETERS = {s["$parameters"]["name"]: s["$parameters"] for s in MANIFEST["streams"]}
DOCUMENT_STREAMS = sorted(name for name, p in PARAMETERS.items() if "documents_of" in p)
# How each documents stream reads its parent zone: what ZonePlan and the cursor read from `$parameters`.
READ_PARAMETERS = ("zone", "record_key", "id_where", "full_read", "change_log", "updated")


def page(records: list[dict[str, Any]], key: str = "tasks") -> requests.Response:
    response = requests.Response()
    body = {"status": "0", "zoneresponse": {key: records, "currentpageresults": len(records)}}
    response._content = json.dumps(body).encode()
    return response


def extractor(stream: str) -> ParentDocuments:
    return ParentDocuments(config={}, parameters={**PARAMETERS[stream], "name": stream})


def test_the_task_photo_of_aroflos_example_is_a_record_with_its_job_number():
    """Tasks' "Get Tasks with documentsandphotos" (aroflo_sandbox/documented/): job 1050, one photo."""
    tasks = [task for task in example_records("tasks") if task.get("documentsandphotos")]
    [record] = list(extractor("task_documents").extract_records(page(tasks)))
    assert record == {
        "documentid": "JSYqQy1RLEAgCg==",
        "sizeinbytes": "28650",
        "uploadeddatetime": "2018/11/08 21:59:34",
        "uploadedbyuser": {"userid": "JCQ6XyRRUCAgCg==", "username": "Bradley Sandbox"},
        "filter": "Internal Only",
        "comment": "",
        "url": tasks[0]["documentsandphotos"][0]["url"],
        "name": "hippo birdie two ewe.jpg",
        "parent_zone": "tasks",
        "parent_id": "JSZaXyBRTEAgCg==",
        "parent_reference": "1050",
        "taskid": "JSZaXyBRTEAgCg==",
        "jobnumber": "1050",
        "refcode": "#1 Lad8",
    }


@pytest.mark.parametrize(
    "stream, reference",
    [
        ("quote_documents", "1048"),  # a quote's number: its jobnumber
        ("purchase_order_documents", "001027"),
        ("work_order_documents", "1001"),
        ("client_documents", "#1 Ladies, Detective Agency"),  # a folder name once made safe
        ("user_documents", "Bradley.Sandbox"),
        ("asset_documents", "2.5kw/3.2kw Reverse Cycle Inverter Split System Ai"),
    ],
)
def test_every_documented_attachment_names_its_parent(stream: str, reference: str):
    parameters = PARAMETERS[stream]
    parents = [p for p in example_records(parameters["zone"]) if p.get("documentsandphotos")]
    records = list(extractor(stream).extract_records(page(parents, parameters["zone"])))
    assert len(records) == sum(len(p["documentsandphotos"]) for p in parents) > 0
    for record in records:
        assert record["parent_zone"] == parameters["zone"] and record["parent_id"]
        assert record["parent_id"] == record[parameters["id"]]
        assert set(parameters["documents_of"]["fields"]) <= set(record)
    assert reference in {record["parent_reference"] for record in records}


def test_a_parent_without_documents_gives_no_record_and_a_lone_object_is_one():
    document = {"documentid": "d1", "name": "a.jpg"}
    tasks = [
        {"taskid": "a", "jobnumber": "7", "documentsandphotos": []},
        {"taskid": "b", "jobnumber": " ", "documentsandphotos": document},
        {"taskid": "c", "documentsandphotos": {}},
    ]
    [record] = list(extractor("task_documents").extract_records(page(tasks)))
    assert record["parent_id"] == "b" and record["parent_reference"] is None  # a blank number: no reference
    assert list(extractor("task_documents").extract_records(page([], "tasks"))) == []


def test_an_error_envelope_is_never_a_document():
    response = requests.Response()
    response._content = json.dumps({"status": "8", "statusmessage": "Exceeded Size Limit"}).encode()
    assert list(extractor("task_documents").extract_records(response)) == []


def test_a_contacts_reference_is_the_persons_name():
    attached_to = AttachedTo.from_parameters(PARAMETERS["contact_documents"])
    assert attached_to is not None
    contact = {
        "userid": "u",
        "givennames": "Accounts",
        "surname": "Payable",
        "documentsandphotos": [{"a": 1}],
    }
    [record] = attached_to.documents(contact)
    assert record["parent_reference"] == "Accounts Payable" and record["parent_id"] == "u"


def test_the_fresh_document_is_found_on_its_parent():
    attached_to = AttachedTo.from_parameters(PARAMETERS["task_documents"])
    assert attached_to is not None
    task = {"taskid": "a", "documentsandphotos": [{"documentid": "x", "url": "u1"}, {"documentid": "y"}]}
    assert attached_to.document_in(task, "x") == {"documentid": "x", "url": "u1"}
    assert attached_to.document_in(task, "z") is None


@pytest.mark.parametrize(
    "text, moment",
    [
        ("2018/11/08 21:59:34", datetime(2018, 11, 8, 21, 59, 34, tzinfo=UTC)),
        ("2018-11-08 21:59:34.7", datetime(2018, 11, 8, 21, 59, 34, tzinfo=UTC)),
        ("2018/11/08", None),  # a date is no moment
        (" ", None),
        ("soon", None),
        (None, None),
    ],
)
def test_upload_times_read_as_utc(text: Any, moment: datetime | None):
    assert moment_utc(text) == moment


class Gate:
    def __init__(self, wanted: set[str]) -> None:
        self.wanted, self.asked = wanted, []

    def delivers(self, document: dict[str, Any]) -> bool:
        self.asked.append(document["documentid"])
        return document["documentid"] in self.wanted


def test_the_filter_keeps_what_the_cursor_delivers():
    gate = Gate({"b"})
    documents = [{"documentid": "a"}, {"documentid": "b"}]
    kept = NewDocuments(config={}, parameters={}, sync=gate).filter_records(documents, stream_state={})
    assert list(kept) == [{"documentid": "b"}] and gate.asked == ["a", "b"]
    assert (
        list(NewDocuments(config={}, parameters={}).filter_records(documents, stream_state={})) == documents
    )


@pytest.mark.parametrize("stream", DOCUMENT_STREAMS)
def test_a_documents_stream_reads_its_parent_zone_as_the_parent_stream_does(stream: str):
    documents = PARAMETERS[stream]
    [parent] = [p for p in PARAMETERS.values() if p["zone"] == documents["zone"] and "documents_of" not in p]
    assert {k: documents.get(k) for k in READ_PARAMETERS} == {k: parent.get(k) for k in READ_PARAMETERS}
    assert record_id_field(documents) == record_id_field(parent)  # the parent's id: its primary key
    assert documents["primary_key"] == ["parent_id", "documentid"]
    assert (
        documents["documents_of"]["reference"] and documents["documents_of"]["fields"][0] == documents["id"]
    )
    assert set(parent.get("join_fields", {})) >= {"documentsandphotos"}  # the parent documents the join


def test_every_zone_with_the_documents_join_has_a_documents_stream():
    joined = {p["zone"] for p in PARAMETERS.values() if "documentsandphotos" in p.get("join_fields", {})}
    assert joined == {PARAMETERS[s]["zone"] for s in DOCUMENT_STREAMS} and len(joined) == 12
