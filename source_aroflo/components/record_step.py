"""The CDK's record transformation, for the connector's own: a step that changes a record in place, given the
slice it was read with (the change position, the joins asked for); the CDK's signature is written once here.

>>> class Mark(RecordStep):
...     def apply(self, record, stream_slice): record["marked"] = True
>>> record = {}; Mark().transform(record, stream_slice=None); record
{'marked': True}
"""

from __future__ import annotations

from typing import Any

from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState


class RecordStep(RecordTransformation):
    def transform(
        self,
        record: dict[str, Any],
        config: Config | None = None,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> None:
        self.apply(record, stream_slice)

    def apply(self, record: dict[str, Any], stream_slice: StreamSlice | None) -> None:
        raise NotImplementedError
