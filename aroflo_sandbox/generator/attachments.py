"""Documents and photos attached to the records of every zone whose documentation lists the
`documentsandphotos` join, in the shape AroFlo's "JOIN documentsandphotos" examples show.

Tasks, quotes, purchase orders, work orders, clients, users and assets get theirs while they are generated
(`Builder.some_documents`, `Builder.attachment`). The other zones that document the join (invoices, bills,
suppliers, contacts, locations) get theirs here, after the whole account is built, from a random generator and
an id sequence of their own: every other value of the dataset stays exactly what it was for a seed. Every such
zone ends with at least one document, however small the account (the newest record gets one if none has)::

    attach_documents(builder, seed=42)  -> about one invoice, bill, supplier, contact, location in six
                                           carries a document (a photo, a scan, a certificate)

`Attacher.attachment` also makes the documents a test attaches later (`Dataset.attach`).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import random
from datetime import datetime, timedelta
from typing import Any

from aroflo_sandbox import files
from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import user_ref
from aroflo_sandbox.generator.vocabulary import NOTE_FILTERS
from aroflo_sandbox.records import StoredRecord, creation_time
from aroflo_sandbox.values import fmt_datetime

# Zone keys (Zone.param.lower()) whose documentation lists the join, whose records the generator leaves bare.
ATTACHED_HERE = ("invoices", "bills", "suppliers", "contacts", "locations")
# Every zone whose documentation lists the join and whose stream the connector offers it on.
DOCUMENT_PARENTS = (
    "tasks",
    "quotes",
    "invoices",
    "purchaseorders",
    "bills",
    "workorders",
    "clients",
    "suppliers",
    "contacts",
    "locations",
    "users",
    "assets",
)
CHANCE = 1 / 6
JOIN = "documentsandphotos"
_ID_OFFSET = 1 << 39  # far beyond any count of Builder.long_id: the two sequences never meet


class Attacher:
    """Makes attached documents without touching the builder's random generator or id counters."""

    def __init__(self, builder: Builder, seed: int | str) -> None:
        self.builder = builder
        self.rng = random.Random(f"attachments/{seed}")
        self._count = 0
        self._links = {doc["url"] for recs in builder.recs.values() for rec in recs for doc in _joined(rec)}

    def long_id(self) -> str:
        """A `JSZaXyBRTEAgCg==`-style id, as Builder.long_id makes them, from a sequence of its own."""
        self._count += 1
        value = ((_ID_OFFSET + self._count) * 0x9E3779B1 + 0x2D5A17C3) % (1 << 40)
        return base64.b64encode(binascii.b2a_uu(value.to_bytes(5, "big"))).decode()

    def link(self) -> str:
        while True:
            ref = files.link(f"{self.rng.getrandbits(20):05X}-{self.rng.getrandbits(20):05X}")
            if ref not in self._links:
                self._links.add(ref)
                return ref

    def attachment(
        self, at: datetime, name: str | None = None, size: int | None = None, by_api: bool = False
    ) -> dict[str, Any]:
        """A document uploaded at `at` (UTC) by a user of the account (`by_api`: through the API, as the
        Quotes example's `"uploadedbyuser": {}`), in the key order of AroFlo's examples."""
        rng = self.rng
        users = self.builder.recs["users"]
        known = users[: bisect.bisect_right(users, at, key=creation_time)]
        user = None if by_api or not known else rng.choice(known)
        ext = rng.choice(("jpg", "jpg", "jpg", "png", "pdf", "docx"))
        drawn = f"{rng.choice(('IMG_', 'photo', 'scan', 'certificate'))}{rng.randint(1, 9999)}.{ext}"
        return {
            "documentid": self.long_id(),
            "sizeinbytes": str(size if size is not None else rng.randint(20_000, 4_000_000)),
            "uploadeddatetime": fmt_datetime(at),
            "uploadedbyuser": user_ref(user) if user else {},
            "filter": rng.choice(NOTE_FILTERS[:3]),
            "comment": "",
            "url": self.link(),
            "name": name or drawn,
        }

    def upload_time(self, rec: StoredRecord) -> datetime:
        """Within five days of the record's creation, before the account's "now"."""
        room = (self.builder.now - rec.created_utc).total_seconds() - 60
        seconds = self.rng.uniform(60, max(61.0, min(5 * 86400, room)))
        latest = self.builder.now - timedelta(seconds=30)
        return min(rec.created_utc + timedelta(seconds=int(seconds)), latest)


def attach_documents(builder: Builder, seed: int | str) -> None:
    """Documents on the zones the generator leaves bare; at least one in every zone listing the join."""
    attacher = Attacher(builder, seed)
    for key in DOCUMENT_PARENTS:
        records = builder.recs[key]
        if key in ATTACHED_HERE:
            for rec in records:
                if attacher.rng.random() < CHANCE:
                    rec.joins[JOIN].append(attacher.attachment(attacher.upload_time(rec)))
        if records and not any(_joined(rec) for rec in records):
            newest = records[-1]
            newest.joins[JOIN].append(attacher.attachment(attacher.upload_time(newest)))


def touch_parents(builder: Builder) -> None:
    """For a sandbox where an upload changes its parent: every record last written before its newest
    document is updated at that document's upload (its update fields, and so its LastUpdate entry)."""
    for key in DOCUMENT_PARENTS:
        for rec in builder.recs[key]:
            uploads = [_uploaded(doc) for doc in _joined(rec)]
            newest = max((u for u in uploads if u is not None), default=None)
            if newest is not None and newest > (rec.updated_utc or rec.created_utc):
                builder.stamp(key, rec, newest)


def _joined(rec: StoredRecord) -> list[dict[str, Any]]:
    documents = rec.joins.get(JOIN)
    return documents if isinstance(documents, list) else []


def _uploaded(document: dict[str, Any]) -> datetime | None:
    try:
        return datetime.strptime(document["uploadeddatetime"], "%Y/%m/%d %H:%M:%S")
    except (KeyError, ValueError):
        return None
