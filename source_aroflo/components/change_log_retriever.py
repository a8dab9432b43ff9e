"""The `last_update` stream's retriever: the CDK's, answering from the sync's one read of LastUpdate when
that read holds the stream's window (docs/architecture.md#one-read-of-the-change-log-per-sync).

The zone streams' cursors read every zone's LastUpdate entries once per sync (`shared_log.py`); the
`last_update` stream's window (its state minus its ten-minute lookback, up to when the CDK made its slice)
is usually inside that read. Its rows, as AroFlo sent them, then go through the stream's own record
selector (`RecordSelector.filter_and_transform`, public in the CDK for retrievers that do not read HTTP
responses): filtered, transformed and normalized exactly as a page would be. A window the shared read does
not hold (a first sync, from `start_date`; a stream far behind) is read as before.

>>> window({"start_time": "2026-11-30T09:00:00Z", "end_time": "2026-11-30T10:00:00Z"})[0].isoformat()
'2026-11-30T09:00:00+00:00'
>>> window({"start_time": "2026-11-30"}) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from airbyte_cdk.sources.declarative.extractors.record_selector import RecordSelector
from airbyte_cdk.sources.declarative.retrievers.simple_retriever import SimpleRetriever
from airbyte_cdk.sources.streams.core import StreamData
from airbyte_cdk.sources.types import StreamSlice

ISO = "%Y-%m-%dT%H:%M:%SZ"  # the manifest's `datetime_format` of the stream's cursor: its slices' bounds
CURSOR_FIELD = "lastupdateutc"
# The manifest's lookback (PT10M) and a minute: where the stream's next window starts, for the shared read
# to hold it (if the manifest's lookback grows, the window is read as before: `rows` says it is not held).
LOOKBACK = timedelta(minutes=11)


class SharedRows(Protocol):
    """The sync's one LastUpdate read (`shared_log.SharedChangeLog`)."""

    def need(self, stream: str, after: datetime | None) -> None: ...

    def rows(self, start: datetime, end: datetime) -> list[Mapping[str, Any]] | None: ...


def needed_from(state: Mapping[str, Any] | None) -> datetime | None:
    """Where the stream's window will start, from its state (None: a first sync, from `start_date`)."""
    try:
        return datetime.strptime(str((state or {})[CURSOR_FIELD]), ISO).replace(tzinfo=UTC) - LOOKBACK
    except (KeyError, ValueError):
        return None


def window(stream_slice: Mapping[str, Any] | None) -> tuple[datetime, datetime] | None:
    """The slice's bounds (both included), if it has both in the cursor's format."""
    try:
        start, end = (stream_slice or {})["start_time"], (stream_slice or {})["end_time"]
        return datetime.strptime(start, ISO).replace(tzinfo=UTC), datetime.strptime(end, ISO).replace(
            tzinfo=UTC
        )
    except (KeyError, TypeError, ValueError):
        return None


class ChangeLogRetriever(SimpleRetriever):
    """Built by the CDK as a `SimpleRetriever`, then given this class and the sync's shared read
    (`factory.py`)."""

    shared: SharedRows

    @classmethod
    def adopt(
        cls, retriever: SimpleRetriever, shared: SharedRows, state: Mapping[str, Any] | None
    ) -> ChangeLogRetriever:
        """The retriever, reading from `shared`, which is told from when the stream's window starts."""
        retriever.__class__ = cls
        assert isinstance(retriever, ChangeLogRetriever)
        retriever.shared = shared
        shared.need(retriever.name, needed_from(state))
        return retriever

    def read_records(
        self, records_schema: Mapping[str, Any], stream_slice: StreamSlice | None = None
    ) -> Iterable[StreamData]:
        bounds, selector = window(stream_slice), self.record_selector
        rows = self.shared.rows(*bounds) if bounds is not None else None
        if rows is None or not isinstance(selector, RecordSelector):
            yield from super().read_records(records_schema, stream_slice)
            return
        yield from selector.filter_and_transform(rows, {}, records_schema, stream_slice, None)
