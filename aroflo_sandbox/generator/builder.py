"""The generator's state and the helpers every record builder shares.

A ``Builder`` holds the seeded RNG, the id counters and the records made so far (``recs``, by zone key).
It samples creation and update instants over five years of history, picks related records created
before a given instant, and makes the small shapes many zones share (people, places, notes,
attachments, custom fields). The ``Dataset`` keeps it, so later ``create`` calls continue the same
sequences. Example::

    b = Builder(seed=42, now=datetime(2026, 3, 1, 12), scale=1.0)
    b.long_id()  -> "JSZaXyBRTEAgCg=="-style id (never repeats)
    b.pick("clients", t)  -> a client created at or before t, or None
"""

from __future__ import annotations

import base64
import binascii
import bisect
import math
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aroflo_sandbox import files
from aroflo_sandbox.generator.shapes import user_ref
from aroflo_sandbox.generator.vocabulary import (
    GIVEN_NAMES,
    NOTE_FILTERS,
    NOTE_TEXTS,
    STREET_TYPES,
    STREETS,
    SUBURBS,
    SURNAMES,
)
from aroflo_sandbox.records import StoredRecord, creation_time
from aroflo_sandbox.values import (
    D_BLANK,
    DT_BLANK,
    fmt_date,
    fmt_datetime,
    fmt_human,
    from_local_daytime,
    to_local,
)
from aroflo_sandbox.zones import ZONES

# The creation and last-update fields a zone's records show, one set per era of AroFlo's API, the newest
# first: AroFlo's examples show older records without the UTC fields added later (tasks only with a local
# `lastupdated`, invoices and users without `created*`, bills and assets without `lastupdated*`). A record
# shows the era it was last written in (ERA_AGES). Each field's value:
#   created / created_dt      the creation instant, UTC date / date-time
#   written / written_dt      the last write (the creation until updated), UTC: never blank in the examples
#   updated / updated_dt      the last update, UTC: blank until updated (users, invoices, inventory examples)
#   local / local_dt          the last write, local time
_CREATED = {"createdutc": "created", "createddatetimeutc": "created_dt"}
_WRITTEN = {"lastupdatedutc": "written", "lastupdateddatetimeutc": "written_dt"}
_UPDATED = {"lastupdatedutc": "updated", "lastupdateddatetimeutc": "updated_dt"}
_LOCAL = {"lastupdated": "local", "lastupdateddatetime": "local_dt"}
TIME_FIELDS: dict[str, tuple[dict[str, str], ...]] = {
    "tasks": ({**_CREATED, **_WRITTEN}, _WRITTEN, _LOCAL),
    "invoices": ({**_CREATED, **_UPDATED}, {**_LOCAL, **_UPDATED}, _LOCAL),
    "users": ({**_CREATED, **_UPDATED}, {}),
    "inventory": ({**_CREATED, **_UPDATED},),
    "locations": ({**_CREATED, **_WRITTEN},),
    "bills": (_WRITTEN, {}),
    "assets": (_WRITTEN, {}),
}
# A write this many days before "now" shows the second era, this many the third (zones with two eras:
# the older one from the last age on).
ERA_AGES = (3 * 365, 4 * 365)


def _short_ref(n: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    out = []
    for _ in range(8):
        n, r = divmod(n, len(letters))
        out.append(letters[r])
    return "".join(out[:4]) + "-" + "".join(out[4:])


class _Random(random.Random):
    """random.Random with float-based choice/randint/randrange: several times cheaper than the
    exact integer versions and plenty for synthetic data (keeps generate() well under budget)."""

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


class Builder:
    """Generator state: RNG, id counters, record lists and shared helpers. Kept by the Dataset
    so later ``create`` calls continue the same sequences."""

    def __init__(self, seed: int, now: datetime, scale: float) -> None:
        self.rng = _Random(seed)
        self.now = now
        self.scale = scale
        self.start = now - timedelta(days=5 * 365 + 1)  # five years of history
        self.setup = self.start - timedelta(days=10)  # site set-up: reference data and imports
        self.recs: dict[str, list[StoredRecord]] = {p: [] for p in ZONES}
        self._long = 0
        self._short = 0
        self.counters: dict[str, int] = {}
        self.stock_keys: set[tuple[str, str, str]] = set()
        self.index: dict[str, StoredRecord] = {}  # clients and suppliers by id
        self.names: set[str] = set()
        self.webapp_prefix = bytes(self.rng.randrange(32, 120) for _ in range(18))

    # ---- ids ----------------------------------------------------------------------------------
    def long_id(self) -> str:
        """``JSZaXyBRTEAgCg==``-style id: base64 of a uuencoded 5-byte value, like AroFlo's.
        An odd multiplier mod 2**40 is a bijection, so ids never repeat."""
        self._long += 1
        v = (self._long * 0x9E3779B1 + 0x2D5A17C3) % (1 << 40)
        return base64.b64encode(binascii.b2a_uu(v.to_bytes(5, "big"))).decode()

    def short_id(self) -> str:
        """``IyYqKyIK``-style id (small reference tables)."""
        self._short += 1
        v = (self._short * 0x9E3779 + 0x1F2E3D) % (1 << 24)
        return base64.b64encode(binascii.b2a_uu(v.to_bytes(3, "big"))).decode()

    def webapp_id(self) -> str:
        raw = binascii.b2a_uu(self.webapp_prefix + self.rng.getrandbits(48).to_bytes(6, "big")).decode()
        return "".join(c if c.isalnum() else f"%{ord(c):02X}" for c in raw)

    def guid(self) -> str:
        h = f"{self.rng.getrandbits(128):032X}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def seq(self, name: str, first: int) -> int:
        n = self.counters.get(name, first - 1) + 1
        self.counters[name] = n
        return n

    def document_link(self) -> str:
        """A new document's link as stored (`DocStorage/<ref>-original`): each answer signs it (files.py)."""
        ref = _short_ref(self.rng.getrandbits(40))
        # Stored links once carried a signature drawn here; the draw stays so every later value of the
        # dataset stays what it was for a seed.
        self.rng.getrandbits(256)
        return files.link(ref)

    # ---- time ---------------------------------------------------------------------------------
    def work_hours(self, t: datetime) -> datetime:
        """Move t to a random local business-hours time of its local day (still UTC, naive)."""
        rng = self.rng
        local = to_local(t)
        hour = rng.choice((7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 13, 13, 14, 14, 15, 15, 16, 17, 18))
        out = from_local_daytime(
            datetime(local.year, local.month, local.day, hour, rng.randrange(60), rng.randrange(60))
        )
        if out >= self.now:
            out = self.now - timedelta(seconds=rng.randint(60, 3600))
        return out

    def recent(self, max_days: float) -> datetime:
        t = self.now - timedelta(seconds=self.rng.uniform(600, max_days * 86400))
        return self.work_hours(t).replace(microsecond=0)

    def after(self, t: datetime, max_days: float) -> datetime:
        """An instant after t, at most max_days later and before now."""
        room = min(max_days * 86400, (self.now - t).total_seconds() - 30)
        if room <= 60:
            return t + timedelta(seconds=1) if t + timedelta(seconds=1) < self.now else t
        return t + timedelta(seconds=int(self.rng.uniform(60, room)))

    def times(
        self, n: int, *, recent: bool, import_burst: bool = False, lo: datetime | None = None
    ) -> list[datetime]:
        """n sorted creation instants over the history window.

        More activity in later years (a growing business), business hours, and - for zones with
        > 100 records - bursts of 20-60 records sharing one second (bulk imports, batch jobs),
        one of them in the last 10 days so incremental syncs meet it at their cursor. Zones with a
        30-day default filter get a few records in the last 30 days.
        """
        rng = self.rng
        lo = lo or self.start
        span = (self.now - lo).total_seconds() - 3600
        out = [self.work_hours(lo + timedelta(seconds=int(span * rng.random() ** 0.8))) for _ in range(n)]
        free = list(range(n))
        rng.shuffle(free)
        if n > 100:
            sizes = [rng.randint(20, 60) for _ in range(3)]
            while sum(sizes) > n // 3:
                sizes = [max(20, s // 2) for s in sizes]
                if sum(sizes) > n // 3:
                    sizes.pop()
            anchors = [self.recent(10)]
            anchors.append(
                self.setup + timedelta(days=1, hours=2)
                if import_burst
                else self.work_hours(lo + timedelta(seconds=int(span * rng.uniform(0.2, 0.9))))
            )
            anchors.append(self.work_hours(lo + timedelta(seconds=int(span * rng.uniform(0.3, 0.95)))))
            for size, anchor in zip(sizes, anchors, strict=False):
                for _ in range(size):
                    out[free.pop()] = anchor.replace(microsecond=0)
        if recent and n > 1:
            for _ in range(min(max(3, round(n * 0.02)), n - 1, len(free))):
                out[free.pop()] = self.recent(28)
        out.sort()
        return out

    def update_times(self, created: list[datetime], share: float = 0.65) -> list[datetime | None]:
        """Last-update instants: most records change after creation (log-uniform delay), a good
        share never; big zones also get update bursts (batch edits) sharing one second."""
        rng = self.rng
        out: list[datetime | None] = []
        for c in created:
            room = (self.now - c).total_seconds() - 60
            if rng.random() >= share or room < 300:
                out.append(None)
                continue
            delay = math.exp(rng.uniform(math.log(120), math.log(room)))
            out.append(c + timedelta(seconds=int(delay)))
        if len(created) > 100:
            for anchor in (
                self.now - timedelta(days=rng.uniform(0.5, 6)),
                self.start + (self.now - self.start) * rng.uniform(0.4, 0.9),
            ):
                anchor = anchor.replace(microsecond=0)
                candidates = [i for i, c in enumerate(created) if c < anchor - timedelta(minutes=5)]
                for i in rng.sample(candidates, min(len(candidates), rng.randint(20, 50))):
                    out[i] = anchor
        return out

    # ---- picking related records --------------------------------------------------------------
    def pick(
        self,
        zone: str,
        t: datetime,
        window: int | None = None,
        pred: Callable[[StoredRecord], bool] | None = None,
    ) -> StoredRecord | None:
        """A record of `zone` created at or before t (the `window` most recent ones if given)."""
        lst = self.recs[zone]
        if not lst:
            return None
        i = bisect.bisect_right(lst, t, key=creation_time)
        if i == 0:
            return None  # nothing that old (a child zone starts after its parent: Step.parent in plan.py)
        lo = max(0, i - window) if window else 0
        rng = self.rng
        choice = lst[rng.randrange(lo, i)]
        if pred is not None:
            for _ in range(12):
                if pred(choice):
                    break
                choice = lst[rng.randrange(lo, i)]
        return choice

    def choice(self, zone: str) -> StoredRecord:
        return self.rng.choice(self.recs[zone])

    # ---- people, places, shared shapes ---------------------------------------------------------
    def person(self) -> tuple[str, str]:
        return self.rng.choice(GIVEN_NAMES), self.rng.choice(SURNAMES)

    def phone(self) -> str:
        rng = self.rng
        return f"0{rng.choice('3278')} {rng.randint(8000, 9999)} {rng.randint(1000, 9999)}"

    def mobile(self) -> str:
        rng = self.rng
        return f"04{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"

    def place(self) -> dict[str, str]:
        rng = self.rng
        suburb, state, postcode, lat, lon = rng.choice(SUBURBS)
        return {
            "street": f"{rng.randint(1, 420)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}",
            "suburb": suburb,
            "state": state,
            "postcode": postcode,
            "gpslat": f"{lat + rng.uniform(-0.02, 0.02):.7f}",
            "gpslong": f"{lon + rng.uniform(-0.02, 0.02):.7f}",
        }

    def custom_fields(self, numeric_ids: bool = False) -> list[dict[str, str]]:
        rng = self.rng
        specs = (
            ("Access Notes", "textarea", rng.choice(("Key in lockbox", "Call on arrival", ""))),
            ("Induction Required", "checkbox", rng.choice(("TRUE", "FALSE"))),
            ("Warranty Expiry", "Datefield", fmt_date(self.now + timedelta(days=rng.randint(-400, 900)))),
            ("Strata Plan", "text", f"SP{rng.randint(10000, 99999)}"),
            ("Preferred Tech", "Select", rng.choice(("Any", "Senior", "Apprentice OK"))),
        )
        out = []
        for name, kind, value in rng.sample(specs, rng.randint(1, 3)):
            fid = str(rng.randint(30000, 39999)) if numeric_ids else self.short_id()
            out.append({"fieldid": fid, "name": name, "type": kind, "value": value, "archived": "false"})
        return out

    def note(self, t: datetime, user: StoredRecord | None, task_style: bool = False) -> dict[str, Any]:
        """A joined note (AroFlo's Tasks join=notes example); task notes add ``note`` (duplicate of content)
        and ``sticky``. A note without a user (posted through the API) shows ``"user": {}``, as the Quotes
        examples do."""
        rng = self.rng
        local = to_local(t)
        content = rng.choice(NOTE_TEXTS)
        n: dict[str, Any] = {
            "noteid": self.long_id(),
            "content": content,
            "filter": rng.choice(NOTE_FILTERS),
            "dateposted": fmt_date(local),
            "timeposted": fmt_human(local),
            "user": user_ref(user) if user else {},
        }
        if task_style:
            n["note"] = content
            n["sticky"] = "true" if rng.random() < 0.1 else "false"
        return n

    def some_notes(self, t: datetime, chance: float) -> list[dict[str, Any]]:
        """With `chance`, one or two notes posted after t (by a user, or through the API)."""
        if self.rng.random() >= chance:
            return []
        return [
            self.note(self.after(t, 60), self.pick("users", t) if self.rng.random() < 0.8 else None)
            for _ in range(self.rng.choice((1, 1, 2)))
        ]

    def some_documents(self, t: datetime, chance: float) -> list[dict[str, Any]]:
        """With `chance`, a document or photo uploaded after t (by a user, or through the API)."""
        if self.rng.random() >= chance:
            return []
        user = self.pick("users", t) if self.rng.random() < 0.9 else None
        return [self.attachment(self.after(t, 30), user)]

    def attachment(self, t: datetime, user: StoredRecord | None) -> dict[str, Any]:
        """A joined document or photo; one uploaded through the API has ``"uploadedbyuser": {}``."""
        rng = self.rng
        ext = rng.choice(("jpg", "jpg", "png", "pdf", "docx"))
        return {
            "documentid": self.long_id(),
            "name": f"{rng.choice(('image', 'IMG_', 'scan', 'photo'))}{rng.randint(1, 9999)}.{ext}",
            "comment": "",
            "filter": rng.choice(NOTE_FILTERS[:3]),
            "sizeinbytes": str(rng.randint(20_000, 4_000_000)),
            # UTC, it appears: in AroFlo's examples it is about 10 minutes before its link's UTC expiry.
            "uploadeddatetime": fmt_datetime(t),
            "uploadedbyuser": user_ref(user) if user else {},
            "url": self.document_link(),
        }

    def era(self, zone: str, written: datetime) -> dict[str, str]:
        """The time fields a record of `zone` last written at `written` shows (TIME_FIELDS)."""
        eras = TIME_FIELDS.get(zone, ({},))
        age = (self.now - written).days
        return eras[sum(age >= days for days in ERA_AGES[len(ERA_AGES) - len(eras) + 1 :])]

    def stamp(self, zone: str, rec: StoredRecord, at: datetime | None) -> None:
        """Set the update instant and the zone's visible creation and last-update fields consistently."""
        rec.updated_utc = at
        written = at or rec.created_utc
        shown = self.era(zone, written)
        for style in TIME_FIELDS.get(zone, ()):
            for key in style.keys() - shown.keys():
                rec.data.pop(key, None)
        for key, value in shown.items():
            moment = rec.created_utc if value.startswith("created") else written
            if value.startswith("updated") and at is None:
                rec.data[key] = DT_BLANK if value.endswith("_dt") else D_BLANK
                continue
            if value.startswith("local"):
                moment = to_local(moment)
            rec.data[key] = fmt_datetime(moment) if value.endswith("_dt") else fmt_date(moment)
        if zone == "inventorystocklevels":  # always shows its latest movement, local time
            utc = at or rec.created_utc
            local = to_local(utc)
            rec.data["lastupdated"] = fmt_date(local)
            rec.data["lastupdateddatetime"] = fmt_datetime(local)
            link = rec.hidden.get("_parent")
            for entry in link[0].joins["stocklevels"] if link else ():
                if entry["assignedtoid"] == rec.data["assignedtoid"]:  # the join has UTC too (Inventory)
                    entry.update(
                        lastupdated=fmt_date(local),
                        lastupdateddatetime=fmt_datetime(local),
                        lastupdatedutc=fmt_date(utc),
                        lastupdateddatetimeutc=fmt_datetime(utc),
                    )
        elif zone == "messageboard":
            rec.data["lastupdated"] = fmt_datetime(to_local(at)) if at else ""
        elif zone in ("clients", "suppliers") and at is not None:
            rec.data["postable"] = "TRUE"  # set by every create/update in the UI (Clients documentation)
