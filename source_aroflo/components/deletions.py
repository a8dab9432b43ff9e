"""Deletions, as Airbyte destinations understand them: a record with the primary key and
`_ab_cdc_deleted_at` (docs/aroflo.md#incremental-sync). Found two ways: the change log names them, or a full
read no longer returns ids the previous one did (zones the change log does not cover). The cursor decides
which; the retriever (`zone_retriever.py`) delivers them as records, through the stream's transformations
and normalization like every other record.

>>> ids = KeptIds()
>>> ids.add("a"), ids.add("b")
(None, None)
>>> previous = pack_ids(["a", "b", "c"])
>>> gone_since(previous, ids)
['c']
>>> deletion_record("taskid", "c", "2026-11-30T09:00:00Z")
{'taskid': 'c', '_ab_cdc_deleted_at': '2026-11-30T09:00:00Z', '_ab_cdc_updated_at': '2026-11-30T09:00:00Z'}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from source_aroflo.components.sync_state import CURSOR_FIELD, DELETED_AT, pack_ids, unpack_ids

MAX_KEPT_IDS = 200_000  # beyond this a zone's ids are not kept for finding deletions by comparison


@dataclass
class KeptIds:
    """The ids a full read found, kept to find deletions by comparison with the next one; dropped (`full`)
    past MAX_KEPT_IDS, so a huge zone's state stays small."""

    ids: set[str] = field(default_factory=set)
    full: bool = False

    @classmethod
    def unpacked(cls, packed: str) -> KeptIds:
        return cls(unpack_ids(packed))

    def add(self, record_id: str) -> None:
        if not self.full:
            self.ids.add(record_id)
            if len(self.ids) > MAX_KEPT_IDS:
                self.ids, self.full = set(), True

    def packed(self) -> str | None:
        return None if self.full else pack_ids(self.ids)


def gone_since(previous: str | None, current: KeptIds | None) -> list[str]:
    """The ids the previous complete read found (packed) that this one did not; none if either is unknown."""
    if previous is None or current is None or current.full:
        return []
    return sorted(unpack_ids(previous) - current.ids)


def deletion_record(id_field: str, record_id: str, at: str) -> dict[str, Any]:
    return {id_field: record_id, DELETED_AT: at, CURSOR_FIELD: at}
