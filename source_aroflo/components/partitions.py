"""The partitions of one zone stream's sync, keyed by the number each slice carries (`ZoneSlice.partition`):
a split window's child slices carry their partition's number, so they are found, and closed, with it.

>>> registry = PartitionRegistry()
>>> first = registry.open(Read(FULL))
>>> registry.get(first) is registry.get(first), registry.all_closed()
(True, False)
>>> registry.done_generating(); registry.close(first).kind, registry.all_closed()
('full', True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from source_aroflo.components.sync_state import Window
from source_aroflo.components.zone_slice import FULL

__all__ = ["FULL", "PartitionRegistry", "Read"]


@dataclass
class Read:
    """One partition of this sync in progress."""

    kind: str  # the slices' `read`
    windows: list[Window] | None = None  # a full read in narrower windows: the ones this partition covers
    changes: dict[str, str] = field(default_factory=dict)  # FETCH/DELETED: record id -> its change time
    seen: set[str] = field(default_factory=set)  # FETCH: the ids AroFlo returned
    deleted: list[tuple[str, str]] = field(default_factory=list)  # (id, time) delivered as deletions


@dataclass
class PartitionRegistry:
    _reads: dict[int, Read] = field(default_factory=dict)
    _next: int = 0
    _open: int = 0
    _generated_all: bool = False
    _finished: bool = False

    def open(self, read: Read) -> int:
        """A new partition: its number, for its slice."""
        self._next += 1
        self._reads[self._next] = read
        self._open += 1
        return self._next

    def get(self, partition: int | None) -> Read | None:
        return self._reads.get(partition) if partition is not None else None

    def close(self, partition: int | None) -> Read | None:
        read = self._reads.pop(partition, None) if partition is not None else None
        self._open -= 1
        return read

    def done_generating(self) -> None:
        self._generated_all = True

    def all_closed(self) -> bool:
        return self._generated_all and self._open == 0

    def finished(self) -> bool:
        """True once, when every partition of the sync is generated and closed."""
        if self.all_closed() and not self._finished:
            self._finished = True
            return True
        return False
