"""What to ask AroFlo for next, given its answer (docs/aroflo.md#how-a-zone-is-read).

The first request of a partition is its slice (`zone`, `where`, `page`, `page_size`, from the stream's
cursor); each next one is a token of the same shape, read by the requester's `request_parameters`. AroFlo's
rules:
* **The true last page**: a page with fewer rows than the page size AroFlo applied (`maxpageresults`, which
  may be smaller than the one asked for) ends the read; an exactly full page is followed by one more request.
* **Too large (status 8) or too slow (888888)**: the same position again with half the page size (page N of
  size S starts at record (N-1)·S, so the page number is recomputed and nothing is read twice or skipped); at
  10 records a page the cursor is asked for narrower windows, where the zone has a date field.
* **Invalid WHERE (status 9)** on an always-true clause that only guards against an undocumented default
  filter: the same page without it. On any other clause: a clear error naming the zone and the clause.
* **A default filter applied** to a read that has no WHERE: an error, since the read would miss records. Every
  page of a full read is reported to the cursor before the next is asked for, so it is checkpointed.

The paging arithmetic is AroFlo's, shared with the destination (aroflo_client/paging.py).

>>> Ask(page=3, page_size=500, where=["w"]).smaller()
Ask(page=5, page_size=250, where=['w'])
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field, replace
from typing import Any, Protocol

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.pagination_strategy import (
    PaginationStrategy,
)
from airbyte_cdk.sources.streams.http.request_window_split_exception import (
    RequestWindowSplitRequiredException,
)
from airbyte_cdk.sources.types import Config, Record, StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from aroflo_client.envelope import Envelope
from aroflo_client.paging import MIN_PAGE_SIZE, Ask
from aroflo_client.status import Meaning
from source_aroflo.components.config import page_size
from source_aroflo.components.zone_slice import ZoneSlice

LOGGER = logging.getLogger("airbyte")


class ReadProgress(Protocol):
    """What the paginator tells the stream's cursor (`sync.ZoneSync`, given by the component factory)."""

    @property
    def reads_parents(self) -> bool:
        """The records are documents attached to the zone's records (a stream that delivers files)."""
        ...

    def page_read(
        self, stream_slice: StreamSlice, page: int, page_size: int, last: Record | None, answer: Envelope
    ) -> None:
        """A page is read (before the next is asked for): a full read checkpoints it."""

    def drop_optional_where(self, stream_slice: StreamSlice) -> bool:
        """AroFlo rejected the slice's optional clause: may the read go on without it?"""
        ...


@dataclass
class AroFloPaginator(PaginationStrategy):
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    sync: ReadProgress | None = (
        None  # the stream's cursor (given by the component factory); None for LastUpdate
    )
    _stream: str = field(init=False, default="")

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._stream = str(parameters.get("name", ""))
        # The config's page size; the zone streams' slices carry their own.
        self.page_size = page_size(self.config)

    @property
    def initial_token(self) -> Any | None:
        return None  # the first request is the slice's own

    def get_page_size(self) -> int | None:
        return int(self.page_size)

    def next_page_token(
        self,
        response: requests.Response,
        last_page_size: int,
        last_record: Record | None,
        last_page_token_value: Any | None = None,
        page_size_override: int | None = None,  # the CDK's page-size reduction is not used: see _ask_for_less
        stream_slice: StreamSlice | None = None,
    ) -> Any | None:
        ask = (
            Ask.of(last_page_token_value)
            if isinstance(last_page_token_value, Mapping)
            else Ask.first(stream_slice, int(self.page_size))
        )
        answer = Envelope.read(response)
        if answer.meaning in (Meaning.TOO_LARGE, Meaning.TOO_SLOW):
            return self._ask_for_less(ask, answer, stream_slice).token()
        if answer.meaning is Meaning.INVALID_WHERE:
            return self._without_optional_where(ask, stream_slice).token()
        if answer.default_filter_applied and not ask.where:
            raise AirbyteTracedException(
                message=(
                    f"AroFlo applied its 30-day default filter to {self._stream} although its documentation "
                    f"shows none for this zone, so the stream cannot be read completely. Please report it: "
                    f"the connector needs a documented WHERE field for this zone."
                ),
                failure_type=FailureType.system_error,
            )
        if self.sync is not None and stream_slice is not None:
            self.sync.page_read(stream_slice, ask.page, ask.page_size, last_record, answer)
        rows = answer.rows if answer.rows is not None else last_page_size
        return None if ask.is_last(rows, answer.page_size) else ask.next().token()

    def _ask_for_less(self, ask: Ask, answer: Envelope, stream_slice: StreamSlice | None) -> Ask:
        what = f"{answer.meaning.value} (status {answer.status})"
        if ask.page_size > MIN_PAGE_SIZE:
            less = ask.smaller()
            LOGGER.info(
                f"{self._stream}: AroFlo found page {ask.page} {what}; asking {less.page_size} a page."
            )
            return less
        zone_slice = ZoneSlice.of_any(stream_slice)
        if zone_slice is not None and zone_slice.splittable:
            raise RequestWindowSplitRequiredException(self._stream, f"AroFlo answered {what}")
        files = self.sync is not None and self.sync.reads_parents
        raise AirbyteTracedException(
            message=(
                f"AroFlo keeps finding {self._stream} {what} even at {MIN_PAGE_SIZE} records a page, and "
                + (
                    "a stream that delivers files cannot be read in narrower date windows: its parents carry "
                    "more documents than AroFlo answers at once. Please report it to AroFlo support."
                    if files
                    else f"zone {_zone(stream_slice)} has no documented date field to read it in narrower "
                    f"windows. Turn its joins off (Joined Detail) and retry, or contact AroFlo support."
                )
            ),
            failure_type=FailureType.transient_error,
        )

    def _without_optional_where(self, ask: Ask, stream_slice: StreamSlice | None) -> Ask:
        zone_slice = ZoneSlice.of_any(stream_slice)
        if (
            stream_slice is not None
            and zone_slice is not None
            and zone_slice.optional_where
            and ask.where
            and self.sync is not None
            and self.sync.drop_optional_where(stream_slice)
        ):
            return replace(ask, where=[])
        raise AirbyteTracedException(
            message=(
                f"AroFlo rejected the WHERE clause of {self._stream} (status 9, Invalid WHERE Clause): "
                f"{ask.where}. The connector only sends fields AroFlo documents for zone "
                f"{_zone(stream_slice)}; AroFlo may have changed the zone. Please report it "
                f"with this message; deselect the stream to sync the others meanwhile."
            ),
            failure_type=FailureType.system_error,
        )


def _zone(stream_slice: StreamSlice | None) -> str:
    zone_slice = ZoneSlice.of_any(stream_slice)
    return zone_slice.zone if zone_slice is not None else ""
