"""The `last_update` stream's cursor: the CDK's own, without its cost per record.

The CDK's `ConcurrentCursor.observe` looks the record's slice up in a dict keyed by the slice (hashing it
twice: `StreamSlice.__hash__` serialises and hashes the whole slice) and parses the record's date with
`strptime`, for every record; the change log is half the records of a full read. This cursor keeps, per
partition (by the slice's identity: every record of a partition carries the same slice object), the newest
value as the text the normalizer wrote, `YYYY-MM-DDTHH:MM:SSZ`, which orders as the moments it names; it
hands the CDK's cursor that one record when the partition closes. A value of any other shape goes to the
CDK's cursor at once, as before. So the state, its format, the lookback window and the slices are the CDK's
own: only `observe` and `close_partition` are overridden, both public.

>>> newer("2026-11-30T09:15:02Z", "2026-11-30T09:15:01Z"), newer("2026/11/30 09:15:03", None)
(True, None)
"""

from __future__ import annotations

import threading
from typing import Any

from airbyte_cdk.sources.streams.concurrent.cursor import ConcurrentCursor
from airbyte_cdk.sources.streams.concurrent.partitions.partition import Partition
from airbyte_cdk.sources.types import Record


def iso_shaped(value: Any) -> bool:
    """`YYYY-MM-DDTHH:MM:SSZ`: what the normalizer writes for a UTC date-time (compared as text)."""
    return isinstance(value, str) and len(value) == 20 and value[10] == "T" and value[19] == "Z"


def newer(value: Any, newest: str | None) -> bool | None:
    """Whether `value` is newer than `newest` (None: `value` cannot be compared as text)."""
    if not iso_shaped(value):
        return None
    return newest is None or value > newest


class ChangeLogCursor(ConcurrentCursor):
    """Built by the CDK as a `ConcurrentCursor`, then given this class (`factory.py`)."""

    _newest: dict[int, Record]  # id(slice) -> the partition's newest record so far
    _newest_lock: threading.Lock

    @classmethod
    def adopt(cls, cursor: ConcurrentCursor) -> ChangeLogCursor:
        cursor.__class__ = cls
        assert isinstance(cursor, ChangeLogCursor)
        cursor._newest, cursor._newest_lock = {}, threading.Lock()
        return cursor

    def observe(self, record: Record) -> None:
        key = id(record.associated_slice)
        held = self._newest.get(key)
        value = record.data.get(self.cursor_field.cursor_field_key)
        is_newer = newer(value, held.data.get(self.cursor_field.cursor_field_key) if held else None)
        if is_newer is None:
            super().observe(record)  # another shape, or no value: the CDK's cursor parses (or logs) it
        elif is_newer:
            self._newest[key] = record  # a partition's records are read by one thread: no lock needed

    def close_partition(self, partition: Partition) -> None:
        with self._newest_lock:
            newest = self._pop(partition)
        if newest is not None:
            super().observe(newest)
        super().close_partition(partition)

    def _pop(self, partition: Partition) -> Record | None:
        """The partition's newest record: its slice is the one the records carried, or equal to it."""
        stream_slice = partition.to_slice()
        found = self._newest.pop(id(stream_slice), None)
        if found is None:
            for key, record in list(self._newest.items()):
                if record.associated_slice == stream_slice:
                    return self._newest.pop(key)
        return found
