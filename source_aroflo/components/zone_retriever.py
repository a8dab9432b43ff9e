"""A zone stream's retriever: the CDK's `SimpleRetriever`, which also delivers the partition's deletions.

Deletions are records (the primary key and `_ab_cdc_deleted_at`, `deletions.py`); the cursor knows them only
once a partition is read (a fetched record AroFlo no longer returns, ids a full read no longer finds) or from
the change log (a slice of deletions, which sends no request). They come out here, where every record comes
out, so the stream's transformations, schema normalization and record counts apply to them as to any other.

>>> class Cursor:
...     def deletions(self, stream_slice): return [{"taskid": "a", "_ab_cdc_deleted_at": "2026-11-30"}]
>>> retriever = ZoneRetriever.__new__(ZoneRetriever)
>>> retriever.deletions = Cursor()
>>> retriever._deletions({"read": "deleted", "partition": 1, "zone": "tasks"})
[{'taskid': 'a', '_ab_cdc_deleted_at': '2026-11-30'}]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from airbyte_cdk.sources.declarative.extractors.record_selector import RecordSelector
from airbyte_cdk.sources.declarative.retrievers.simple_retriever import SimpleRetriever
from airbyte_cdk.sources.streams.core import StreamData
from airbyte_cdk.sources.types import StreamSlice

from source_aroflo.components.zone_slice import ZoneSlice


class Deletions(Protocol):
    """What the retriever asks the stream's cursor (`sync.ZoneSync`) once a partition is read."""

    def deletions(self, stream_slice: StreamSlice) -> list[dict[str, Any]]: ...


class ZoneRetriever(SimpleRetriever):
    """Built by the component factory in place of the manifest's `SimpleRetriever` of a zone stream (the CDK
    builds a retriever's parts itself; a custom retriever would lose them), with the stream's cursor."""

    deletions: Deletions | None = None

    def read_records(
        self, records_schema: Mapping[str, Any], stream_slice: StreamSlice | None = None
    ) -> Iterable[StreamData]:
        if stream_slice is None or ZoneSlice.of(stream_slice).sends_requests:
            yield from super().read_records(records_schema, stream_slice)
        deleted = self._deletions(stream_slice)
        if deleted:
            assert isinstance(self.record_selector, RecordSelector)
            yield from self.record_selector.filter_and_transform(
                deleted, stream_state={}, records_schema=records_schema, stream_slice=stream_slice
            )

    def _deletions(self, stream_slice: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        if self.deletions is None or stream_slice is None:
            return []
        return self.deletions.deletions(stream_slice)  # type: ignore[arg-type]
