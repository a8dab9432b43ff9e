"""A documents stream's cursor: the parents it reads each sync, the documents it delivers (a parent read again
delivers only its new ones), the evidence that decides between full re-reads and the parent zone's change log,
and a state that stays small whatever the account's size."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from airbyte_cdk.models import Type
from airbyte_cdk.sources.types import StreamSlice

from source_aroflo.components.changes import Entry
from source_aroflo.components.document_ledger import CHANGES_PARENT, LEAVES_PARENT
from source_aroflo.components.plan import ZonePlan
from unit_tests.components.test_sync import NOW, FakeChangeLog, Harness, answer

TASK_DOCUMENTS = ZonePlan.from_parameters(
    {
        "name": "task_documents",
        "zone": "tasks",
        "id": "taskid",
        "full_read": {"date": "datetimerequested"},
        "change_log": "tasks",
        "updated": {
            "field": "lastupdateddatetimeutc",
            "created": "createddatetimeutc",
            "in_records": "lastupdateddatetimeutc",
        },
        "documents_of": {
            "fields": ["taskid", "jobnumber"],
            "reference": ["jobnumber"],
            "updated": "lastupdateddatetimeutc",
        },
    }
)
QUOTE_DOCUMENTS = ZonePlan.from_parameters(
    {
        "name": "quote_documents",
        "zone": "quotes",
        "id": "quoteid",
        "full_read": {"date": "createddatetime"},
        "change_log": "quotes",
        "documents_of": {"fields": ["quoteid", "jobnumber"], "reference": ["jobnumber"]},
    }
)
HOUR = timedelta(hours=1)


def at(delta: timedelta) -> str:
    return (NOW + delta).strftime("%Y/%m/%d %H:%M:%S")


def photo(document_id: str, uploaded: timedelta) -> dict[str, Any]:
    return {"documentid": document_id, "name": f"{document_id}.jpg", "uploadeddatetime": at(uploaded)}


def task(task_id: str, updated: timedelta, *documents: dict[str, Any]) -> dict[str, Any]:
    return {"taskid": task_id, "jobnumber": task_id[1:], "lastupdateddatetimeutc": at(updated),
            "documentsandphotos": list(documents)}  # fmt: skip


class DocumentHarness(Harness):
    """The CDK's part for a documents stream: each slice's page of parents reported (the paginator's
    `page_read`), each of their documents offered to the filter (`delivers`)."""

    def sync_documents(self, parents: dict[str, list[dict[str, Any]]]) -> tuple[list[StreamSlice], list[str]]:
        slices, delivered = [], []
        attached_to = self.sync.plan.attached_to
        assert attached_to is not None
        for stream_slice in self.sync.stream_slices():
            slices.append(stream_slice)
            page = parents.get(stream_slice.partition["read"], [])
            if stream_slice.partition["read"] == "fetch":
                page = [p for p in page if p["taskid"] in stream_slice["changes"]]
            for parent in page:
                delivered += [d["documentid"] for d in attached_to.documents(parent) if self.sync.delivers(d)]
            self.sync.page_read(stream_slice, 1, 500, None, answer(self.sync.plan.record_key, page))
            self.end_partition(stream_slice)
        return slices, delivered

    def saved(self) -> dict[str, Any]:
        return dict(self.sync.state)


# An account where a photo was uploaded to task 1 after its last update (as in AroFlo's Tasks example).
ACCOUNT = [
    task("t1", -48 * HOUR, photo("p1", -30 * HOUR)),
    task("t2", -10 * HOUR, photo("p2", -40 * HOUR), photo("p3", -20 * HOUR)),
    task("t3", -5 * HOUR),
]


def test_the_first_sync_reads_every_parent_with_its_documents_and_delivers_them_all():
    harness = DocumentHarness(TASK_DOCUMENTS, joins=("documentsandphotos",))
    slices, delivered = harness.sync_documents({"full": ACCOUNT})
    assert [s.partition["read"] for s in slices] == ["full"]
    assert slices[0]["join"] == "documentsandphotos" and not slices[0]["splittable"]
    assert delivered == ["p1", "p2", "p3"]
    saved = harness.saved()
    assert saved["records"] == 3 and "ids" not in saved  # parents counted; no id list (no deletions)
    assert saved["documents"] == {"uploads": LEAVES_PARENT}  # task 1 shows an upload after its update


def test_uploads_not_shown_to_change_the_parent_re_read_it_and_deliver_only_the_new_documents():
    first = DocumentHarness(TASK_DOCUMENTS)
    first.sync_documents({"full": ACCOUNT})
    later = [*ACCOUNT[:2], task("t3", -5 * HOUR, photo("new", 2 * HOUR))]  # uploaded after the first sync
    second = DocumentHarness(TASK_DOCUMENTS, state=first.saved(), clock_offset=3 * HOUR)
    slices, delivered = second.sync_documents({"full": later})
    assert [s.partition["read"] for s in slices] == ["full"]  # every parent read again ...
    assert delivered == ["new"]  # ... its old documents not delivered (nor their files fetched) again
    assert second.saved()["_ab_cdc_updated_at"] == "2026-11-30T23:00:00Z"


def test_uploads_shown_to_change_the_parent_follow_the_parent_zones_change_log():
    state = {"_ab_cdc_updated_at": "2026-11-30T20:00:00Z", "coverage": "covered",
             "documents": {"uploads": CHANGES_PARENT}}  # fmt: skip
    changed = task("t2", 1 * HOUR, photo("p2", -40 * HOUR), photo("new", 1 * HOUR))
    log = FakeChangeLog([Entry("t2", NOW + HOUR, False)])
    harness = DocumentHarness(TASK_DOCUMENTS, state=state, log=log, clock_offset=2 * HOUR)
    slices, delivered = harness.sync_documents({"fetch": [changed]})
    assert [s["where"] for s in slices] == [["and|taskid|=|t2"]]  # only the changed parent, one call
    assert delivered == ["new"]  # its old photo is not delivered again; the new one is
    assert harness.saved()["documents"]["uploads"] == CHANGES_PARENT


def test_a_parent_zone_without_an_update_time_is_always_re_read():
    state = {"_ab_cdc_updated_at": "2026-11-30T20:00:00Z", "coverage": "covered"}
    harness = DocumentHarness(QUOTE_DOCUMENTS, state=state, log=FakeChangeLog([Entry("q1", NOW, False)]))
    quote = {"quoteid": "q1", "jobnumber": "9", "documentsandphotos": [photo("old", -HOUR)]}
    slices, delivered = harness.sync_documents({"full": [quote]})
    assert [s.partition["read"] for s in slices] == ["full"] and delivered == []
    assert harness.log.reads == []  # the change log cannot show new documents here: not read at all


def test_a_file_that_could_not_be_fetched_brings_its_parent_back_in_the_next_sync():
    state = {"_ab_cdc_updated_at": "2026-11-30T20:00:00Z", "coverage": "covered",
             "documents": {"uploads": CHANGES_PARENT}}  # fmt: skip
    harness = DocumentHarness(TASK_DOCUMENTS, state=state, clock_offset=HOUR)
    harness.sync.file_result({"documentid": "p1", "parent_id": "t1"}, fetched=False)
    slices, delivered = harness.sync_documents({"fetch": [ACCOUNT[0]]})
    assert [s["where"] for s in slices] == [["and|taskid|=|t1"]] and delivered == ["p1"]


def test_deleted_parents_tell_no_deletion_a_documents_stream_could_not_name():
    state = {"_ab_cdc_updated_at": "2026-11-30T20:00:00Z", "coverage": "covered",
             "documents": {"uploads": CHANGES_PARENT, "failed": {"p9": "t9"}}}  # fmt: skip
    log = FakeChangeLog([Entry("t9", NOW + HOUR, True), Entry("t8", NOW + HOUR, False)])
    harness = DocumentHarness(TASK_DOCUMENTS, state=state, log=log, clock_offset=2 * HOUR)
    harness.sync_documents({"fetch": []})  # t8 no longer returned either
    assert [m for m in harness.emitted() if m.type == Type.RECORD] == [] and harness.deleted == []
    assert "failed" not in harness.saved()["documents"]  # t9's file can never be fetched now


def test_the_state_stays_small_whatever_the_accounts_size():
    many = [task(f"t{n}", -HOUR * (n % 50 + 60), photo(f"d{n}", -HOUR * 100)) for n in range(50_000)]
    harness = DocumentHarness(TASK_DOCUMENTS)
    harness.sync_documents({"full": many})
    for n in range(60):
        harness.sync.file_result({"documentid": f"JSZaXyBR{n:08d}==", "parent_id": f"t{n}"}, fetched=False)
    assert len(json.dumps(harness.saved())) < 10_000


def test_a_full_refresh_delivers_every_document_whatever_the_state():
    state = {"_ab_cdc_updated_at": "2026-12-30T20:00:00Z", "documents": {"uploads": LEAVES_PARENT}}
    harness = DocumentHarness(TASK_DOCUMENTS, state=state, incremental=False)
    _, delivered = harness.sync_documents({"full": ACCOUNT})
    assert delivered == ["p1", "p2", "p3"]
