"""AroFlo's LastUpdate change log turned into the changed records of one zone (API notes §5.3).

LastUpdate is the one zone that does not count against the 2,000-call daily limit. A page of it says
which records of a zone changed (and which were deleted) since the stream's state; this extractor
fetches exactly those records, in batches of ids (`<id> IN a*b*c`), and stamps each with the time of
its change. Deleted records come out as tombstones that carry the primary key and
`_ab_cdc_deleted_at`, which Airbyte destinations understand. A zone with no changes costs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import InitVar, dataclass
from datetime import datetime
from typing import Any

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.requesters.requester import Requester
from airbyte_cdk.sources.types import Config

from source_aroflo.components.extractors import zone_records

LOGGER = logging.getLogger("airbyte")
DELETED_AT = "_ab_cdc_deleted_at"
NARROW_STATUSES = {"8", "888888"}  # response too large / query too slow: ask for fewer ids


def to_rfc3339(aroflo_utc: str) -> str:
    """`2024/05/13 23:14:15` (UTC by its field name) -> `2024-05-13T23:14:15Z`."""
    return datetime.strptime(aroflo_utc.strip().replace("-", "/"), "%Y/%m/%d %H:%M:%S").strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


@dataclass(frozen=True)
class Change:
    at: str  # RFC 3339 UTC
    deleted: bool


def latest_changes(entries: Iterable[Mapping[str, Any]]) -> dict[str, Change]:
    """The newest change per record id; results are not assumed to be sorted."""
    changes: dict[str, Change] = {}
    for entry in entries:
        record_id, when = (
            str(entry.get("zoneid") or "").strip(),
            str(entry.get("lastupdateutc") or "").strip(),
        )
        if not record_id or not when:
            continue
        change = Change(to_rfc3339(when), str(entry.get("isdeleted", "0")).strip().lower() in ("1", "true"))
        if record_id not in changes or change.at >= changes[record_id].at:
            changes[record_id] = change
    return changes


@dataclass
class ChangedRecordsExtractor(RecordExtractor):
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    requester: Requester  # reads the zone itself; `where` and `page` are added per batch
    record_key: str = ""
    id_field: str = ""  # the record's id key (e.g. `lineid`)
    id_where: str = ""  # the same id's WHERE name (e.g. `materiallineid`)
    batch_size: int = 50  # keeps the query string well under common 2 KB URL limits

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self.record_key = self.record_key or str(parameters["record_key"])
        self.id_field = self.id_field or str(parameters["id_field"])
        self.id_where = self.id_where or str(parameters["id_where"])
        self.batch_size = int(self.batch_size)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        try:
            changes = latest_changes(zone_records(response.json(), "lastupdate"))
        except ValueError:
            return
        changed = [record_id for record_id, change in changes.items() if not change.deleted]
        for start in range(0, len(changed), self.batch_size):
            yield from self._fetch(changed[start : start + self.batch_size], changes)
        for record_id, change in changes.items():
            if change.deleted:
                yield {self.id_field: record_id, DELETED_AT: change.at}

    def _fetch(self, ids: list[str], changes: Mapping[str, Change]) -> Iterator[MutableMapping[str, Any]]:
        # A batch is never larger than a page (500), so one request returns all of it.
        response = self.requester.send_request(
            request_params={"where": [f"and|{self.id_where}|IN|{'*'.join(ids)}"], "page": "1"}
        )
        body = response.json() if response is not None else {}
        if str(body.get("status", "0")).strip() in NARROW_STATUSES and len(ids) > 1:
            middle = len(ids) // 2
            yield from self._fetch(ids[:middle], changes)
            yield from self._fetch(ids[middle:], changes)
            return
        found = 0
        for record in zone_records(body, self.record_key):
            if str(record.get(self.id_field)) in changes:
                found += 1
                yield record
        if found < len(ids):
            # Deleted without a log flag, or outside what the API user may see: nothing to emit.
            LOGGER.info(f"{len(ids) - found} changed {self.record_key} record(s) were not returned by AroFlo")
