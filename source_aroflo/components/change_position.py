"""The change-log position each record is current as of: the stream's cursor, `_ab_cdc_updated_at`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from typing import Any

from airbyte_cdk.sources.types import Config, StreamSlice

from source_aroflo.components.record_step import RecordStep
from source_aroflo.components.stream_parameters import record_id_field
from source_aroflo.components.sync_state import CURSOR_FIELD
from source_aroflo.components.zone_slice import ZoneSlice


@dataclass
class StampChangePosition(RecordStep):
    """A fetched record gets the time of its change-log entry; every other read, the time it started.

    Slice `{"changes": {"a": "2026-11-30T09:15:02Z"}}`: `{"taskid": "a"}` -> `{..., "_ab_cdc_updated_at":
    "2026-11-30T09:15:02Z"}`. Slice `{"as_of": "2026-11-30T09:00:00Z"}`: every record gets that time.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    _id_field: str = field(init=False, default="")
    # The last slice seen and what it says (its changes, its as_of): a page's records share one slice object,
    # so it is read once per slice, not once per record. One tuple, swapped whole: worker threads share it.
    _last: tuple[object, Mapping[str, str] | None, str | None] | None = field(init=False, default=None)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._id_field = record_id_field(parameters) or ""

    def apply(self, record: dict[str, Any], stream_slice: StreamSlice | None) -> None:
        if stream_slice is None:
            return
        last = self._last
        if last is None or last[0] is not stream_slice:
            read = ZoneSlice.of(stream_slice)
            last = self._last = (stream_slice, read.changes or None, read.as_of)
        _, changes, as_of = last
        at = changes.get(str(record.get(self._id_field))) if changes else None
        record[CURSOR_FIELD] = at or as_of
