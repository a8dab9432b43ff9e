"""What a documents stream delivers sync after sync, and what it keeps in its state to do so (small, whatever
the account's size); the evidence of whether an upload changes its parent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from source_aroflo.components.attachments import AttachedTo
from source_aroflo.components.document_ledger import (
    CHANGES_PARENT,
    LEAVES_PARENT,
    MAX_DELIVERED,
    MAX_FAILED,
    DocumentLedger,
    UploadEvidence,
)

POSITION = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
OVERLAP = timedelta(minutes=10)
TASKS = AttachedTo(
    "tasks", "taskid", ("taskid", "jobnumber"), ("jobnumber",), updated="lastupdateddatetimeutc"
)


def document(document_id: str, uploaded: datetime | str, parent: str = "t1") -> dict[str, Any]:
    text = uploaded if isinstance(uploaded, str) else uploaded.strftime("%Y/%m/%d %H:%M:%S")
    return {"documentid": document_id, "uploadeddatetime": text, "parent_id": parent}


def test_the_first_sync_delivers_every_document():
    ledger = DocumentLedger.load(None, since=None)
    assert ledger.wants(document("old", "2019/01/01 00:00:00")) and ledger.wants(document("blank", " "))


def test_a_later_sync_delivers_what_was_uploaded_since_the_previous_position_less_the_overlap():
    ledger = DocumentLedger.load(None, since=POSITION - OVERLAP)
    assert not ledger.wants(document("old", POSITION - timedelta(hours=3)))
    assert not ledger.wants(document("just before", POSITION - OVERLAP - timedelta(seconds=1)))
    assert ledger.wants(document("in the overlap", POSITION - timedelta(minutes=5)))
    assert ledger.wants(document("since", POSITION + timedelta(minutes=1)))
    assert ledger.wants(document("no time", " ")) and ledger.wants(document("odd time", "yesterday"))


def test_the_overlap_does_not_deliver_again_what_the_previous_sync_delivered():
    first = DocumentLedger.load(None, since=None)
    late = document("late", POSITION - timedelta(minutes=4))
    older = document("older", POSITION - timedelta(hours=1))
    for each in (late, older):
        assert first.wants(each)
        first.note_delivered(each)
    first.settle(POSITION, OVERLAP, read_in_full=True)
    saved = first.dump()
    assert saved == {"delivered": {"late": "2026-11-30T19:56:00Z"}}  # within the next overlap only
    second = DocumentLedger.load(saved, since=POSITION - OVERLAP)
    assert not second.wants(late) and not second.wants(older)
    replaced = document("late", POSITION + timedelta(minutes=1))  # the same id uploaded again: new
    assert second.wants(replaced)


def test_the_memory_of_deliveries_keeps_the_newest_and_stays_small():
    ledger = DocumentLedger.load(None, since=None)
    for minute in range(500):  # a bulk upload: 500 photos in the ten minutes before the position
        ledger.note_delivered(document(f"JSZaXyBR{minute:08d}==", POSITION - timedelta(seconds=minute)))
    assert len(ledger.sent) == MAX_DELIVERED
    ledger.settle(POSITION, OVERLAP, read_in_full=True)
    assert len(ledger.delivered) == MAX_DELIVERED
    assert min(ledger.delivered.values()) == "2026-11-30T19:58:41Z"  # the newest 80 by upload time
    ledger.failed = {f"JSZaXyBR{n:08d}==": f"JSZaQyFS{n:08d}==" for n in range(MAX_FAILED)}
    ledger.uploads = LEAVES_PARENT
    assert len(json.dumps(ledger.dump())) < 7_000


def test_a_file_that_could_not_be_fetched_is_delivered_again_until_it_arrives():
    ledger = DocumentLedger.load(None, since=POSITION - OVERLAP)
    old = document("old", POSITION - timedelta(days=2), parent="t9")
    ledger.file_result(old, fetched=False)
    assert ledger.failed_parents() == {"t9"}
    assert ledger.wants(old)  # however old
    restored = DocumentLedger.load(ledger.dump(), since=POSITION)
    assert restored.wants(old)
    restored.file_result(old, fetched=True)
    assert restored.dump() == {"failed": {"old": "t9"}}  # until the sync that fetched it is over
    restored.settle(POSITION, OVERLAP, read_in_full=False)
    assert not restored.wants(old) and restored.dump() is None


def test_deliveries_are_saved_when_the_sync_is_over_and_not_delivered_twice_within_it():
    ledger = DocumentLedger.load(None, since=POSITION - OVERLAP)
    photo = document("new", POSITION + timedelta(minutes=1))
    assert ledger.wants(photo)
    ledger.note_delivered(photo)
    assert not ledger.wants(photo)  # its page read again in the same sync (a resumed read steps back)
    assert ledger.dump() is None  # a checkpoint before the sync is over: a sync that stops delivers it again
    ledger.settle(POSITION + timedelta(minutes=5), OVERLAP, read_in_full=False)
    assert ledger.dump() == {"delivered": {"new": "2026-11-30T20:01:00Z"}} and ledger.sent == {}


def test_failed_files_are_bounded_and_forgotten_with_their_document_or_parent():
    ledger = DocumentLedger.load(None, since=POSITION)
    for n in range(MAX_FAILED + 5):
        ledger.file_result(document(f"d{n}", POSITION, parent=f"p{n % 3}"), fetched=False)
    assert len(ledger.failed) == MAX_FAILED
    ledger.forget_parent("p0")
    assert "p0" not in ledger.failed_parents()
    ledger.forget_detached({"taskid": "p1", "documentsandphotos": [{"documentid": "d1"}]}, TASKS)
    assert [k for k, v in ledger.failed.items() if v == "p1"] == ["d1"]


def task(updated: str | None, *uploads: str) -> dict[str, Any]:
    parent: dict[str, Any] = {"taskid": "t", "documentsandphotos": [{"uploadeddatetime": u} for u in uploads]}
    if updated is not None:
        parent["lastupdateddatetimeutc"] = updated
    return parent


def test_the_evidence_of_uploads_and_their_parents():
    evidence = UploadEvidence()
    evidence.add(task("2026/11/30 10:00:00", "2026/11/30 12:00:00"), TASKS)  # uploaded after: untouched
    evidence.add(task(" ", "2026/11/30 12:00:00"), TASKS)  # never updated, though a photo was uploaded
    evidence.add(task("2026/11/30 12:00:30", "2026/11/30 09:00:00", "2026/11/30 12:00:00"), TASKS)  # touched
    evidence.add(task("2026/11/30 18:00:00", "2026/11/30 12:00:00"), TASKS)  # edited later: says nothing
    evidence.add(task("2026/11/30 12:00:01", "2026/11/30 12:00:02"), TASKS)  # a second apart: one change
    evidence.add(task(None, "2026/11/30 12:00:00"), TASKS)  # an older record without the field
    evidence.add(task("2026/11/30 10:00:00"), TASKS)  # no document
    assert evidence == UploadEvidence(after_update=2, with_update=2)
    quotes = AttachedTo("quotes", "quoteid", (), (), updated=None)  # no update time in its records
    nothing = UploadEvidence()
    nothing.add(task("2026/11/30 10:00:00", "2026/11/30 12:00:00"), quotes)
    assert nothing == UploadEvidence()


def test_uploads_are_shown_to_change_the_parent_only_by_a_complete_read_without_a_counter_example():
    ledger = DocumentLedger.load(None, since=None)
    ledger.evidence = UploadEvidence(with_update=3)
    assert ledger.settle(POSITION, OVERLAP, read_in_full=False) is None and ledger.uploads is None
    ledger.evidence = UploadEvidence(with_update=3)
    assert "3 parent(s) were updated within a minute" in str(ledger.settle(POSITION, OVERLAP, True))
    assert ledger.uploads == CHANGES_PARENT and ledger.uploads_change_parent
    ledger.evidence = UploadEvidence(after_update=1, with_update=50)  # one counter-example is enough
    assert "1 parent(s) show a document uploaded after" in str(ledger.settle(POSITION, OVERLAP, False))
    ledger.evidence = UploadEvidence(with_update=99)
    ledger.settle(POSITION, OVERLAP, True)
    assert ledger.uploads == LEAVES_PARENT  # for good
    assert DocumentLedger.load({"uploads": "maybe"}, since=None).uploads is None
