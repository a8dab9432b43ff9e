"""Records out of AroFlo's `zoneresponse` envelope (API notes §3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import InitVar, dataclass
from typing import Any

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.types import Config


def zone_records(body: Any, record_key: str) -> list[MutableMapping[str, Any]]:
    """The records of one response body.

    Only a successful envelope (`status` "0") yields records: an error envelope is never data, even if
    an error handler let it through. A lone object where a list is expected is one record; a missing,
    empty or non-object `zoneresponse` is an empty page.
    """
    if not isinstance(body, Mapping) or str(body.get("status", "0")).strip() != "0":
        return []
    zone_response = body.get("zoneresponse")
    if not isinstance(zone_response, Mapping):
        return []
    records = zone_response.get(record_key)
    if isinstance(records, Mapping):
        records = [records]
    if not isinstance(records, list):
        return []
    return [dict(record) for record in records if isinstance(record, Mapping)]


@dataclass
class ZoneRecordExtractor(RecordExtractor):
    """Reads `zoneresponse.<record_key>`; seven zones use a key that differs from the zone name (§5.1)."""

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    record_key: str = ""

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._record_key = self.record_key or str(parameters.get("record_key") or parameters["zone"]).lower()

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        try:
            body = response.json()
        except ValueError:
            return []
        return zone_records(body, self._record_key)
