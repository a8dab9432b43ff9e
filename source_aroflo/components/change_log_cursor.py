"""The `last_update` stream's cursor: the CDK's own `ConcurrentCursor`, without its cost per record.

The CDK's `observe` looks the record's slice up in a dict keyed by the slice, then stores it there (two
hashes of the whole slice: `StreamSlice.__hash__` serialises it), and parses the record's date with
`strptime`, for every record; the change log can be half the records of a sync. This cursor keeps, per
partition (by the identity of the slice its records carry), the record with the newest value written the
way the normalizer writes a UTC date-time, `YYYY-MM-DDTHH:MM:SSZ` (such values order as text as the
moments they name), and hands the CDK's cursor that one record when the partition closes. Every other
record goes to the CDK's cursor at once: a value of another shape, or none (parsed or logged as before), and
a record older than the partition's newest (the CDK notes that records are not in order). So the state, its
format, the lookback window and the slices are the CDK's own: only public methods are overridden (`observe`,
`close_partition`, and `reduce_slice_range`, which must see the newest value so far).

>>> fast("2026-11-30T09:15:02Z"), fast("2026/11/30 09:15:02"), fast("2026-02-30T09:15:02Z")
(True, False, False)
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeGuard

from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor
from airbyte_cdk.sources.streams.concurrent.partitions.partition import Partition
from airbyte_cdk.sources.types import Record, StreamSlice

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # the format whose values are compared as text; the first the cursor parses
_SEPARATORS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "Z"))
_DIGITS = (slice(0, 4), slice(5, 7), slice(8, 10), slice(11, 13), slice(14, 16), slice(17, 19))


def fast(value: Any) -> TypeGuard[str]:
    """Whether `value` is a date-time that `strptime(value, ISO_FORMAT)` accepts, told without it: ASCII
    digits and separators in place, and a real moment (`fromisoformat`, in C, rejects what strptime would)."""
    if not isinstance(value, str) or len(value) != 20 or not value.isascii():
        return False
    if any(value[i] != c for i, c in _SEPARATORS) or not all(value[s].isdigit() for s in _DIGITS):
        return False
    try:
        datetime.fromisoformat(value[:19])
    except ValueError:
        return False
    return True


class ChangeLogCursor(ConcurrentCursor):
    """Built by the CDK as a `ConcurrentCursor`, then given this class (`factory.py`) when its cursor
    parses `ISO_FORMAT` first; a copy the CDK makes (`copy_without_state`) is one too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._hold()

    @classmethod
    def adopt(cls, cursor: ConcurrentCursor) -> ChangeLogCursor:
        cursor.__class__ = cls
        assert isinstance(cursor, ChangeLogCursor)
        cursor._hold()
        return cursor

    def _hold(self) -> None:
        # id(slice) -> (the partition's newest record so far, its value). A partition is read by one thread,
        # and each writes only its own key: no lock, as in the CDK's `observe`.
        self._newest: dict[int, tuple[Record, str]] = {}
        self._newest_lock = threading.Lock()

    def observe(self, record: Record) -> None:
        value = record.data.get(self.cursor_field.cursor_field_key)
        if not fast(value):
            super().observe(record)  # another shape, or no value: the CDK's cursor parses (or logs) it
            return
        key = id(record.associated_slice)
        held = self._newest.get(key)
        if held is None or value > held[1]:
            self._newest[key] = (record, value)
        elif value < held[1]:  # out of order: the CDK's cursor sees both, and notes it
            super().observe(held[0])
            super().observe(record)

    def close_partition(self, partition: Partition) -> None:
        newest = self._pop(partition.to_slice())
        if newest is not None:
            super().observe(newest)
        super().close_partition(partition)

    def reduce_slice_range(self, stream_slice: StreamSlice) -> StreamSlice:
        """The CDK narrows the slice to its newest record so far: it is told it first."""
        newest = self._pop(stream_slice)
        if newest is not None:
            super().observe(newest)
        return super().reduce_slice_range(stream_slice)

    def _pop(self, stream_slice: Mapping[str, Any] | None) -> Record | None:
        """The newest record held for a slice: the slice its records carried, or any equal to it (the CDK's
        own lookup is by equality)."""
        with self._newest_lock:
            found = self._newest.pop(id(stream_slice), None)
            if found is None:
                equal = [
                    k
                    for k, (record, _) in self._newest.copy().items()
                    if record.associated_slice == stream_slice
                ]
                held = [self._newest.pop(key) for key in equal]
                found = max(held, key=lambda pair: pair[1]) if held else None
        return found[0] if found is not None else None
