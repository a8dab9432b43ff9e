"""The sandbox's account: every zone's records and the LastUpdate change log, and how they change.

``generate(seed, now, scale)`` builds five years of history for the 42 readable zones (the plan in
``generator/plan.py``) plus the LastUpdate log: one entry per tracked record, its last change. It is
deterministic: the same arguments give the same records, byte for byte. ``Dataset.create``, ``update``
and ``delete`` (the sandbox's ``/_sandbox/mutate`` route) change a zone as a user would, and keep the
parent's joins and totals, the visible last-updated fields and the change log in step; ``insert`` and
``touch`` do the same for writes through the API (``writes.py``: a client built from a POST, a task whose
notes a POST added to); ``attach`` (the ``/_sandbox/attach`` route) uploads a document or photo to a
record::

    ds = generate(seed=42, now=datetime(2026, 3, 1, 12))
    ds.update("tasks", task_id, at)   -> the task's status moves on; its log entry moves to `at`
    ds.attach("tasks", task_id, at)   -> a photo on the task's `documentsandphotos` join; the task itself
                                         changes only where uploads change their parent (a setting)

Whether uploading a document changes its parent record (its last-update fields, and so its LastUpdate
entry) is not documented. AroFlo's Tasks example shows a photo uploaded some eighteen hours after its task's
last update, so by default it does not; with ``uploads_touch_parent`` it does, and the generated records
carrying documents are then last updated at their newest upload at the latest.

Every public record is exactly what the API returns (see ``generator/``): scalars are strings
(except Tasks ``priority`` 0 and LastUpdate ``isdeleted``), joinable keys are always present as
``[]``/``{}`` placeholders (docs/aroflo.md#responses), and times follow ``values.py``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aroflo_sandbox import files
from aroflo_sandbox.generator.attachments import Attacher, attach_documents, touch_parents
from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.plan import FACTORIES, populate
from aroflo_sandbox.records import StoredRecord, creation_time
from aroflo_sandbox.values import fmt_datetime, money4
from aroflo_sandbox.zones import ZONES, Zone, documented_in_lastupdate, zone_for_param

# Which zones' changes LastUpdate shows: "all" that the sandbox tracks, or only those AroFlo's documentation
# shows or names ("documented"): the other zones' changes, past and new, are then never in it.
LASTUPDATE_COVERAGES = ("all", "documented")


@dataclass
class Dataset:
    now: datetime  # naive UTC "now" the data was generated against
    zones: dict[str, list[StoredRecord]]  # keyed by Zone.param.lower(); "lastupdate" = the change log
    _builder: Builder = field(repr=False, compare=False)
    _log_index: dict[tuple[str, str], StoredRecord] = field(default_factory=dict, repr=False, compare=False)
    lastupdate_coverage: str = "all"  # one of LASTUPDATE_COVERAGES
    # stored link -> the live document carrying it (DocumentsAndPhotos records and joined documents alike);
    # built when a file is first asked for, forgotten on every change
    _documents: dict[str, dict[str, Any]] | None = field(default=None, repr=False, compare=False)
    uploads_touch_parent: bool = False  # does uploading a document change its parent record (`attach`)
    _attacher: Attacher | None = field(default=None, repr=False, compare=False)

    def live(self, zone: Zone) -> list[StoredRecord]:
        """The zone's records that exist now (deleted ones are gone from AroFlo's answers); for LastUpdate,
        the entries of the zones its coverage shows."""
        records = [r for r in self.zones[zone.param.lower()] if not r.deleted]
        if zone.param.lower() == "lastupdate" and self.lastupdate_coverage == "documented":
            shown = {ZONES[key].lastupdate_name for key in documented_in_lastupdate()}
            records = [r for r in records if r.data["zonename"] in shown]
        return records

    def cover(self, coverage: str) -> None:
        """Set the LastUpdate coverage: the whole log stays kept, only what LastUpdate shows changes."""
        if coverage not in LASTUPDATE_COVERAGES:
            raise ValueError(f"lastupdate_coverage must be one of {LASTUPDATE_COVERAGES}, not {coverage!r}")
        self.lastupdate_coverage = coverage

    def document(self, ref: str) -> dict[str, Any] | None:
        """The live document whose link is `ref` (its `name` and `sizeinbytes` say what file it is), or None
        once its record, or the record it is joined onto, is deleted."""
        if self._documents is None:
            self._documents = {}
            for records in self.zones.values():
                for rec in records:
                    for document in _documents_in([rec.data, *rec.joins.values()]):
                        self._documents[document["url"]] = document
        return self._documents.get(files.link(ref))

    def record_id(self, zone: Zone, rec: StoredRecord) -> str:
        """The zoneid LastUpdate uses for a record: its first primary-key field (for the
        LastUpdate zone itself, the logged record's zoneid)."""
        if zone.param.lower() == "lastupdate":
            return str(rec.data["zoneid"])
        return str(rec.data[zone.primary_key[0]])

    @property
    def builder(self) -> Builder:
        """The generator's state: records made by a write (``writes.py``) continue its ids and names."""
        return self._builder

    # ---- mutations (sandbox control endpoints and writes through the API) -------------------------
    def create(self, zone_param: str, at: datetime) -> StoredRecord:
        _, key = self._zone(zone_param)
        if key == "lastupdate":
            raise ValueError("LastUpdate is read only; it changes with the other zones")
        return self.insert(zone_param, FACTORIES[key](self._builder, at), at)

    def insert(self, zone_param: str, rec: StoredRecord, at: datetime) -> StoredRecord:
        """Add a record created at `at`, made by the generator (``create``) or from a POST (``writes.py``)."""
        zone, key = self._zone(zone_param)
        self._documents = None
        self._builder.stamp(key, rec, None)
        self.zones[key].append(rec)
        self._log(zone, self.record_id(zone, rec), at, deleted=False)
        self._touch_parent(rec, at)
        return rec

    def update(
        self, zone_param: str, record_id: str, at: datetime, changes: dict | None = None
    ) -> StoredRecord:
        zone, key = self._zone(zone_param)
        rec = self._find(zone, key, record_id)
        self._documents = None
        if changes:
            for k, v in changes.items():
                if isinstance(v, dict) and isinstance(rec.data.get(k), dict):
                    rec.data[k].update(v)
                else:
                    rec.data[k] = v
        else:
            self._builder.counters["rev"] = self._builder.counters.get("rev", 0) + 1
            _mutate(key, rec, self._builder.counters["rev"])
        self._changed(zone, key, rec, record_id, at)
        return rec

    def touch(self, zone_param: str, record_id: str, at: datetime) -> StoredRecord:
        """A record changed at `at` by whoever changed its joins in place (a note added to a task by a POST):
        its last-updated fields, its parent and the change log follow, as after ``update``."""
        zone, key = self._zone(zone_param)
        rec = self._find(zone, key, record_id)
        self._documents = None
        self._changed(zone, key, rec, record_id, at)
        return rec

    def attach(
        self,
        zone_param: str,
        record_id: str,
        at: datetime,
        name: str | None = None,
        size: int | None = None,
        touches_parent: bool | None = None,
    ) -> dict[str, Any]:
        """Upload a document to a record (a photo to a task ...): it joins the record's `documentsandphotos`.
        The record itself is changed (stamped and logged, as `update` does) only if `touches_parent`, by
        default the dataset's `uploads_touch_parent`."""
        zone, key = self._zone(zone_param)
        rec = self._find(zone, key, record_id)
        documents = rec.joins.get("documentsandphotos")
        if not isinstance(documents, list):
            raise ValueError(f"{zone.name} records carry no documentsandphotos join")
        if self._attacher is None:
            self._attacher = Attacher(self._builder, "later")
        document = self._attacher.attachment(at, name=name, size=size)
        documents.append(document)
        self._documents = None
        if self.uploads_touch_parent if touches_parent is None else touches_parent:
            self._builder.stamp(key, rec, at)
            self._log(zone, record_id, at, deleted=False)
        return document

    def delete(self, zone_param: str, record_id: str, at: datetime) -> None:
        zone, key = self._zone(zone_param)
        rec = self._find(zone, key, record_id)
        self._documents = None
        self.zones[key].remove(rec)
        rec.deleted = True
        link = rec.hidden.get("_parent")
        if link is not None:
            parent, join_key, id_field = link
            parent.joins[join_key] = [
                e for e in parent.joins.get(join_key, []) if e.get(id_field) != record_id
            ]
        self._log(zone, record_id, at, deleted=True)
        self._touch_parent(rec, at)

    # ---- helpers ------------------------------------------------------------------------------
    def _changed(self, zone: Zone, key: str, rec: StoredRecord, record_id: str, at: datetime) -> None:
        self._builder.stamp(key, rec, at)
        self._refresh_parent(rec)
        self._log(zone, record_id, at, deleted=False)
        self._touch_parent(rec, at)

    def _zone(self, zone_param: str) -> tuple[Zone, str]:
        zone = zone_for_param(zone_param)
        if zone is None:
            raise KeyError(f"unknown zone {zone_param!r}")
        return zone, zone.param.lower()

    def _find(self, zone: Zone, key: str, record_id: str) -> StoredRecord:
        for rec in self.zones[key]:
            if self.record_id(zone, rec) == record_id:
                return rec
        raise KeyError(f"no {zone.name} record with id {record_id!r}")

    def _touch_parent(self, rec: StoredRecord, at: datetime) -> None:
        """A change to a line, note or contact is a change to its parent too (its totals and joins move
        with it), so the parent is stamped and logged like any other update."""
        link = rec.hidden.get("_parent")
        if link is None:
            return
        parent = link[0]
        for key, records in self.zones.items():
            if key != "lastupdate" and any(r is parent for r in records):
                zone = ZONES[key]
                self._builder.stamp(key, parent, at)
                self._log(zone, self.record_id(zone, parent), at, deleted=False)
                return

    @staticmethod
    def _refresh_parent(rec: StoredRecord) -> None:
        link = rec.hidden.get("_parent")
        if link is None:
            return
        parent, join_key, id_field = link
        for entry in parent.joins.get(join_key, []):
            if entry.get(id_field) == rec.data.get(id_field):
                for k in entry:
                    if k in rec.data:
                        entry[k] = rec.data[k]

    def _log(self, zone: Zone, record_id: str, at: datetime, deleted: bool) -> None:
        """One LastUpdate entry per (zonename, zoneid): the newest change replaces the old one."""
        if zone.lastupdate_name is None or zone.id_reference is None:
            return
        log = self.zones["lastupdate"]
        old = self._log_index.pop((zone.lastupdate_name, record_id), None)
        if old is not None:
            log.remove(old)
        entry = _log_entry(zone, record_id, at, deleted)
        bisect.insort_right(log, entry, key=creation_time)
        self._log_index[(zone.lastupdate_name, record_id)] = entry


def _documents_in(value: Any) -> Iterator[dict[str, Any]]:
    """Every document (an object with a stored `url` link) in a record's data or joins, however nested."""
    if isinstance(value, dict):
        if isinstance(value.get("url"), str) and value["url"].startswith(files.PREFIX):
            yield value
        for item in value.values():
            yield from _documents_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _documents_in(item)


# Text fields the default update edits, first match wins.
_EDITABLE = (
    "description", "note", "content", "message", "comment", "subject", "templatesubject", "stagename",
    "projectname", "assetname", "locationname", "SiteContact", "deliveryinstructions", "reference", "email",
    "item", "groupname", "customholdername", "categoryname", "transactionterm", "shortdescription",
    "Position", "listname", "name",
)  # fmt: skip


def _mutate(zone_key: str, rec: StoredRecord, n: int) -> None:
    """The default change of ``Dataset.update``: a plausible edit of one visible field."""
    d = rec.data
    if zone_key == "tasks":
        nxt = {
            "Quote": "Not Started",
            "Not Started": "In Progress",
            "In Progress": "Pending",
            "Pending": "Completed",
            "Completed": "Archived",
        }.get(d["status"])
        if nxt:
            d["status"] = nxt
            return
    if zone_key == "inventorystocklevels":  # a stock movement
        d["quantity"] = money4(float(d["quantity"]) + 1)
        return
    for key in _EDITABLE:
        if isinstance(d.get(key), str):
            base = d[key].split(" (rev ")[0]
            d[key] = f"{base} (rev {n})"
            return


def _log_entry(zone: Zone, record_id: str, at: datetime, deleted: bool) -> StoredRecord:
    assert zone.lastupdate_name is not None
    return StoredRecord(
        {
            "zoneid": record_id,
            "zonename": zone.lastupdate_name,
            "zoneidreference": zone.id_reference,
            "lastupdateutc": fmt_datetime(at),
            "isdeleted": 1 if deleted else 0,
        },
        {},
        at,
        None,
    )


def generate(
    seed: int = 42, now: datetime | None = None, scale: float = 1.0, uploads_touch_parent: bool = False
) -> Dataset:
    """Build the deterministic dataset for (seed, now, scale); `uploads_touch_parent`: see the module."""
    if now is None:
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    now = now.replace(tzinfo=None, microsecond=0)
    b = Builder(seed, now, scale)
    populate(b)
    attach_documents(b, seed)
    if uploads_touch_parent:
        touch_parents(b)

    # LastUpdate: one entry per tracked record (its last change), plus a few deletions of
    # records that no longer exist (isdeleted 1, docs/aroflo.md#lastupdate).
    entries: list[StoredRecord] = []
    ds = Dataset(now=now, zones=b.recs, _builder=b, uploads_touch_parent=uploads_touch_parent)
    for key, records in b.recs.items():
        zone = ZONES[key]
        if zone.lastupdate_name is None:
            continue
        for rec in records:
            entries.append(
                _log_entry(zone, ds.record_id(zone, rec), rec.updated_utc or rec.created_utc, False)
            )
        for _ in range(len(records) // 200):
            gone = b.start + (now - b.start) * b.rng.uniform(0.05, 0.999)
            entries.append(_log_entry(zone, b.long_id(), gone.replace(microsecond=0), True))
    entries.sort(key=creation_time)
    b.recs["lastupdate"] = entries
    ds._log_index = {(e.data["zonename"], e.data["zoneid"]): e for e in entries}
    return ds
