"""AroFlo's LastUpdate change log, read for free (docs/aroflo.md#incremental-sync).

LastUpdate is the one zone that does not count against the 2,000-call daily limit: an entry per changed record
(`zoneid`, `zonename`, `lastupdateutc` in UTC, `isdeleted`). `ChangeLog.entries` reads a zone's entries after
a moment, oldest first, by *time* rather than by page number: each request asks for the entries after the
newest second already seen (`order=lastupdateutc|asc`, as AroFlo's examples read it), so an entry that moves
to a later time while the log is read (its record changed again) cannot shift an unread entry onto a page
already read. Only a full page within a single second is paged by number. If AroFlo ever returns a page out of
order, the rest of the window is read by page number instead, and a warning says so.

>>> entry = Entry.of({"zoneid": "JSZa", "lastupdateutc": "2026/11/30 09:15:02", "isdeleted": 0})
>>> entry.record_id, entry.at.isoformat(), entry.deleted
('JSZa', '2026-11-30T09:15:02+00:00', False)
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from airbyte_cdk.sources.declarative.requesters.requester import Requester

from aroflo_client.budget import ALLOWANCE_HEADER, Allowance
from aroflo_client.envelope import Envelope
from aroflo_client.paging import MAX_PAGE_SIZE

LOGGER = logging.getLogger("airbyte")
ZONE = (
    "lastupdate"  # the manifest's LastUpdate stream says it too: unit_tests/test_wiring.py holds them equal
)
WHERE_TIME = "%Y-%m-%d %H:%M:%S"
PAGE_SIZE = MAX_PAGE_SIZE
SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Entry:
    record_id: str
    at: datetime
    deleted: bool
    zonename: str = field(default="", compare=False, repr=False)  # which zone's log: a shared read's key

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Entry | None:
        record_id = str(row.get("zoneid") or "").strip()
        text = str(row.get("lastupdateutc") or "").strip().replace("-", "/")
        if not record_id or not text:
            return None
        try:
            at = datetime.strptime(text, "%Y/%m/%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            return None
        deleted = str(row.get("isdeleted", "0")).strip().lower() in ("1", "true")
        return cls(record_id, at, deleted, str(row.get("zonename") or "").strip().lower())


@dataclass(frozen=True)
class LogWindow:
    """A zone's entries after a moment (pages, oldest first), complete up to `as_of`: the moment their read
    began, which becomes the zone's position once they are all fetched."""

    pages: Iterable[list[Entry]]
    as_of: datetime


@dataclass
class ChangeLog:
    """Reads LastUpdate through a requester with no parameters of its own (they are all given here)."""

    requester: Requester

    def _page(
        self, where: list[str], page: int, page_size: int, rows: list[Mapping[str, Any]] | None = None
    ) -> list[Entry]:
        response = self.requester.send_request(
            request_headers={ALLOWANCE_HEADER: Allowance.FREE},
            request_params={
                "zone": ZONE,
                "where": where,
                "order": "lastupdateutc|asc",
                "page": str(page),
                "pageSize": str(page_size),
            },
        )
        found = Envelope.read(response).records(ZONE)
        if rows is not None:
            rows.extend(found)
        return [entry for entry in map(Entry.of, found) if entry is not None]

    def entries(
        self, zonename: str | None, after: datetime, rows: list[Mapping[str, Any]] | None = None
    ) -> Iterator[list[Entry]]:
        """Pages of the zone's entries later than `after` (exclusive), oldest first; every zone's when
        `zonename` is None (the sync's shared read, `shared_log.py`, which also keeps the `rows` as AroFlo
        sent them: the `last_update` stream's records)."""
        zone_clause = [f"and|zonename|=|{zonename}"] if zonename else []
        page, by_number = 1, False
        while True:
            where = [*zone_clause, f"and|lastupdateutc|>|{after.strftime(WHERE_TIME)}"]
            found = self._page(where, page, PAGE_SIZE, rows)
            if not by_number and any(a.at > b.at for a, b in itertools.pairwise(found)):
                LOGGER.warning(
                    f"AroFlo returned LastUpdate entries of {zonename or 'every zone'} out of order; reading "
                    f"the rest of the window by page number."
                )
                by_number = True
            yield found
            if len(found) < PAGE_SIZE:
                return
            newest = max(entry.at for entry in found)
            if not by_number and newest - SECOND > after:
                after, page = newest - SECOND, 1  # the newest second again: entries that share it
            else:
                page += 1

    def since(self, zonename: str, after: datetime, now: datetime) -> LogWindow:
        """The zone's entries after `after`, read from `now` on (lazily, as the sync plans its fetches)."""
        return LogWindow(self.entries(zonename, after), now)

    def probe(self, zonename: str, after: datetime | None = None, pages: int = 1) -> list[Entry]:
        """The zone's first entries (after a moment): evidence that LastUpdate logs the zone."""
        where = [f"and|zonename|=|{zonename}"]
        if after is not None:
            where.append(f"and|lastupdateutc|>|{after.strftime(WHERE_TIME)}")
        found: list[Entry] = []
        for page in range(1, pages + 1):
            rows = self._page(where, page, PAGE_SIZE if pages > 1 else 1)
            found += rows
            if len(rows) < (PAGE_SIZE if pages > 1 else 1):
                break
        return found
