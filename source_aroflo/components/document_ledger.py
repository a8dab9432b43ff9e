"""What a `<parent>_documents` stream remembers between syncs, in a state that stays small whatever the
account's size (docs/aroflo.md#job-photos-and-attachments-as-files).

* **Uploaded since the previous sync.** A sync delivers the documents uploaded at or after the previous sync's
  position less the ten-minute overlap (`since`: AroFlo's clock and the connector's may differ by that much).
  A parent read again, because it changed or because its zone is re-read in full, delivers only its new
  documents: the old ones, and their files, are not fetched again. The first sync of a stream (and every
  full-refresh sync) delivers every document. A document whose upload time is blank or unreadable is always
  delivered: nothing shows it is old.
* **Delivered within the overlap.** The overlap would deliver the documents uploaded in the ten minutes before
  the position twice; the newest delivered ones (at most MAX_DELIVERED) are remembered with their upload time,
  and not delivered again. They are saved only when the sync is over: a sync that stops halfway continues
  at its last checkpoint, and the documents after it are delivered then, by the next sync.
* **Files that could not be fetched.** Remembered with their parent (at most MAX_FAILED) and delivered again
  the next time their parent is read; the cursor reads those parents again when it would not otherwise. One
  fetched at last is forgotten when the sync is over.
* **Whether an upload changes the parent.** AroFlo does not document it, so the parents read show it: a
  parent whose own update time (where its records show one) is older than one of its documents was not changed
  by that upload (AroFlo's Tasks example is such a task); a parent updated within a minute after its newest
  upload suggests it was. Until a complete read shows only the latter, the parents are re-read in full to find
  new documents (the parent zone's fallback for changes it cannot see); once it has, the parent zone's own way
  of finding changes finds them. A later counter-example goes back to full re-reads, for good.

>>> from datetime import UTC
>>> ledger = DocumentLedger.load(None, since=datetime(2026, 11, 30, 19, 50, tzinfo=UTC))
>>> old = {"documentid": "a", "uploadeddatetime": "2026/11/30 08:00:00"}
>>> new = {"documentid": "b", "uploadeddatetime": "2026/11/30 19:55:00"}
>>> ledger.wants(old), ledger.wants(new)
(False, True)
>>> ledger.note_delivered(new)
>>> ledger.wants(new)  # delivered in this overlap already
False
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from source_aroflo.components.attachments import PARENT_ID, AttachedTo, moment_utc
from source_aroflo.components.sync_state import iso

LOGGER = logging.getLogger("airbyte")
CHANGES_PARENT = "change the parent"
LEAVES_PARENT = "leave the parent"
MAX_DELIVERED = 80  # ~45 bytes each in the state
MAX_FAILED = 40
SLACK = timedelta(seconds=2)  # an upload and its parent's update written a moment apart are one change
TOUCH_WINDOW = timedelta(minutes=1)


@dataclass
class UploadEvidence:
    """What the parents read in one sync show about uploads and their parents' own update time.

    >>> tasks = AttachedTo("tasks", "taskid", (), (), updated="lastupdateddatetimeutc")
    >>> evidence = UploadEvidence()
    >>> evidence.add({"lastupdateddatetimeutc": "2018/11/08 03:45:54",  # AroFlo's Tasks example
    ...               "documentsandphotos": [{"uploadeddatetime": "2018/11/08 21:59:34"}]}, tasks)
    >>> evidence.add({"lastupdateddatetimeutc": "2024/05/10 03:25:15",  # its Assets example
    ...               "documentsandphotos": [{"uploadeddatetime": "2024/05/10 03:25:00"}]}, tasks)
    >>> evidence
    UploadEvidence(after_update=1, with_update=1)
    """

    after_update: int = 0  # parents with a document uploaded after their own last update (or never updated)
    with_update: int = 0  # parents last updated within a minute after their newest document's upload

    def add(self, parent: Mapping[str, Any], attached_to: AttachedTo) -> None:
        if attached_to.updated is None or attached_to.updated not in parent:
            return  # an older record without the field: no evidence either way
        uploads = [moment_utc(d.get("uploadeddatetime")) for d in attached_to.attached(parent)]
        newest = max((u for u in uploads if u is not None), default=None)
        if newest is None:
            return
        updated = moment_utc(parent.get(attached_to.updated))
        if updated is None or newest > updated + SLACK:
            self.after_update += 1
        elif updated - newest <= TOUCH_WINDOW:
            self.with_update += 1


@dataclass
class DocumentLedger:
    since: datetime | None = None  # deliver the documents uploaded at or after this; None: every document
    delivered: dict[str, str] = field(default_factory=dict)  # documentid -> upload time, the newest delivered
    failed: dict[str, str] = field(default_factory=dict)  # documentid -> parent id: files still to fetch
    uploads: str | None = None  # CHANGES_PARENT, LEAVES_PARENT, or None (not shown yet)
    # This sync's, kept in memory until it is over (settle): the evidence, the newest documents it delivered,
    # the failed files it fetched at last.
    evidence: UploadEvidence = field(default_factory=UploadEvidence)
    sent: dict[str, str] = field(default_factory=dict)
    fetched: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, data: Mapping[str, Any] | None, since: datetime | None) -> DocumentLedger:
        data = data if isinstance(data, Mapping) else {}
        uploads = data.get("uploads")
        return cls(
            since=since,
            delivered={str(k): str(v) for k, v in (data.get("delivered") or {}).items()},
            failed={str(k): str(v) for k, v in (data.get("failed") or {}).items()},
            uploads=uploads if uploads in (CHANGES_PARENT, LEAVES_PARENT) else None,
        )

    def dump(self) -> dict[str, Any] | None:
        data: dict[str, Any] = {}
        if self.uploads:
            data["uploads"] = self.uploads
        if self.delivered:
            data["delivered"] = dict(sorted(self.delivered.items()))
        if self.failed:
            data["failed"] = dict(sorted(self.failed.items()))
        return data or None

    @property
    def uploads_change_parent(self) -> bool:
        return self.uploads == CHANGES_PARENT

    def wants(self, document: Mapping[str, Any]) -> bool:
        """Does this sync deliver the document (and fetch its file)?"""
        document_id = str(document.get("documentid") or "")
        uploaded = moment_utc(document.get("uploadeddatetime"))
        at = iso(uploaded) if uploaded is not None else None
        if at is not None and self.sent.get(document_id) == at:
            return False  # delivered already in this sync (a page read twice)
        if document_id in self.failed:
            return True
        if self.since is None or uploaded is None:
            return True
        if uploaded < self.since:
            return False
        return self.delivered.get(document_id) != at

    def delivers(self, document: Mapping[str, Any]) -> bool:
        """Is the document delivered by this sync? (Noted as delivered if so.)"""
        wanted = self.wants(document)
        if wanted:
            self.note_delivered(document)
        return wanted

    def parent_read(self, parent: Mapping[str, Any], attached_to: AttachedTo) -> None:
        """A parent was read: evidence of whether uploads change it; documents no longer attached are
        forgotten."""
        self.evidence.add(parent, attached_to)
        self.forget_detached(parent, attached_to)

    def note_delivered(self, document: Mapping[str, Any]) -> None:
        """Remember a delivered document while among this sync's newest MAX_DELIVERED (by upload time)."""
        document_id = str(document.get("documentid") or "")
        uploaded = moment_utc(document.get("uploadeddatetime"))
        if not document_id or uploaded is None:
            return
        self.sent[document_id] = iso(uploaded)
        self.sent = _newest(self.sent)

    def file_result(self, document: Mapping[str, Any], fetched: bool) -> None:
        """A document's file arrived, or could not be fetched even with a fresh link."""
        document_id = str(document.get("documentid") or "")
        if not document_id:
            return
        if fetched:
            self.fetched.add(document_id)
        elif document_id in self.failed or len(self.failed) < MAX_FAILED:
            self.failed[document_id] = str(document.get(PARENT_ID) or "")
        else:
            LOGGER.warning(
                f"More than {MAX_FAILED} files could not be fetched; document {document_id} is not retried "
                f"unless it is uploaded again or the stream is reset."
            )

    def forget_detached(self, parent: Mapping[str, Any], attached_to: AttachedTo) -> None:
        """A parent read again no longer carries a document whose file is still to fetch: nothing to fetch."""
        parent_id = str(parent.get(attached_to.id_field) or "")
        if parent_id in self.failed.values():
            present = {str(d.get("documentid")) for d in attached_to.attached(parent)}
            self.failed = {k: v for k, v in self.failed.items() if v != parent_id or k in present}

    def forget_parent(self, parent_id: str) -> None:
        """A parent deleted (or hidden): its documents' files cannot be fetched any more."""
        self.failed = {k: v for k, v in self.failed.items() if v != parent_id}

    def failed_parents(self) -> set[str]:
        return {parent for parent in self.failed.values() if parent}

    def settle(self, position: datetime | None, overlap: timedelta, read_in_full: bool) -> str | None:
        """The sync is over: forget the deliveries the next overlap cannot reach, and weigh this sync's
        evidence. Returns what changed in the verdict, for the log (None: nothing)."""
        delivered = _newest({**self.delivered, **self.sent})
        if position is not None:
            horizon = iso(position - overlap)
            delivered = {k: v for k, v in delivered.items() if v >= horizon}
        self.delivered, self.sent = delivered, {}
        self.failed = {k: v for k, v in self.failed.items() if k not in self.fetched}
        self.fetched = set()
        evidence, self.evidence = self.evidence, UploadEvidence()
        before = self.uploads
        if evidence.after_update:
            self.uploads = LEAVES_PARENT
        elif self.uploads is None and read_in_full and evidence.with_update:
            self.uploads = CHANGES_PARENT
        if self.uploads == before:
            return None
        return (
            f"{evidence.after_update} parent(s) show a document uploaded after their last update"
            if self.uploads == LEAVES_PARENT
            else f"{evidence.with_update} parent(s) were updated within a minute after their newest upload, "
            f"none before one"
        )


def _newest(delivered: dict[str, str]) -> dict[str, str]:
    """The MAX_DELIVERED documents uploaded last (ties by id, so the choice never depends on order)."""
    if len(delivered) <= MAX_DELIVERED:
        return delivered
    kept = sorted(delivered, key=lambda k: (delivered[k], k))[-MAX_DELIVERED:]
    return {k: delivered[k] for k in kept}
