"""Records out of AroFlo's `zoneresponse` envelope (docs/aroflo.md#responses)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import InitVar, dataclass
from typing import Any

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.types import Config

from aroflo_client.envelope import Envelope
from source_aroflo.components import stream_parameters


@dataclass
class ZoneRecordExtractor(RecordExtractor):
    """Reads `zoneresponse.<record_key>`; seven zones use a key that differs from the zone name.

    `{"status": "0", "zoneresponse": {"materials": [{"lineid": "a"}]}}` with record key `materials` gives
    `[{"lineid": "a"}]`; an error envelope (`status` not "0") gives no record, ever.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    record_key: str = ""

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._record_key = self.record_key or stream_parameters.record_key(parameters)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        # The only reader of a zone page's records (a documents stream reads its parents with its own
        # extractor): they are typed in place, not copied.
        return Envelope.read(response).owned_records(self._record_key)
