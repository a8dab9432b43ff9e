"""Page-number pagination that only stops on AroFlo's true last page (API notes §3.2, quirk 3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar, dataclass
from typing import Any

import requests
from airbyte_cdk.sources.declarative.extractors.record_selector import extracted_record_count
from airbyte_cdk.sources.declarative.interpolation import InterpolatedString
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.pagination_strategy import (
    PaginationStrategy,
)
from airbyte_cdk.sources.types import Config, Record, StreamSlice

AROFLO_MAX_PAGE_SIZE = 500


def server_page_size(response: requests.Response) -> int | None:
    """`maxpageresults`: the page size the server applied (a number in some responses, a string in others)."""
    try:
        value = response.json().get("zoneresponse", {}).get("maxpageresults")
        return int(value) if value not in (None, "") else None
    except (ValueError, AttributeError, TypeError):
        return None


def page_record_count(response: requests.Response, default: int) -> int:
    """`currentpageresults`: rows on the page as the server counted them (a LastUpdate page yields other
    records than its rows, so the extracted count is not the page's size there)."""
    try:
        return int(response.json()["zoneresponse"]["currentpageresults"])
    except (ValueError, KeyError, TypeError):
        return default


@dataclass
class AroFloPageNumber(PaginationStrategy):
    """`page=1, 2, …` until a page holds fewer records than the server's page size.

    * A page that is exactly full is not the end: the next (possibly empty) page is requested.
    * The stop rule uses the page size the server applied (`maxpageresults`), so a server that caps the
      page size below the one asked for does not end the read early.
    * After a REDUCE_PAGE_SIZE (status 8), the same page number is re-issued with a smaller size. With a
      smaller size, page N starts *before* the records already read, never after them, so nothing is
      skipped; the few re-read records are de-duplicated by primary key downstream.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    page_size: int | str = AROFLO_MAX_PAGE_SIZE

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._page_size = InterpolatedString.create(str(self.page_size), parameters=parameters)

    @property
    def initial_token(self) -> Any | None:
        return 1  # always send page=1: some clients claim a request without `page` returns everything

    def next_page_token(
        self,
        response: requests.Response,
        last_page_size: int,
        last_record: Record | None,
        last_page_token_value: Any | None = None,
        page_size_override: int | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> Any | None:
        records_on_page = page_record_count(
            response, default=extracted_record_count(response, last_page_size)
        )
        requested = page_size_override or self.get_page_size() or AROFLO_MAX_PAGE_SIZE
        applied = min(requested, server_page_size(response) or requested)
        if records_on_page == 0 or records_on_page < applied:
            return None
        return int(last_page_token_value or 1) + 1

    def get_page_size(self) -> int | None:
        value = self._page_size.eval(self.config)
        return int(value) if value not in (None, "") else AROFLO_MAX_PAGE_SIZE
