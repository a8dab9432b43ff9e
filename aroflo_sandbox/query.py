"""The query engine: what one zone request selects and how the page of it looks.

The HTTP layer (``server.py``) authenticates, applies the limits and faults and then asks this module
for the answer: the WHERE clauses evaluated against each record (or, with no WHERE at all, the zone's
30-day default filter), the ``order`` applied, the requested page cut, the requested joins rendered into
the records, and the response refused with status 8 when it is too large. Example::

    ?zone=tasks&where=and|status|=|pending&order=jobnumber|desc&page=2&pageSize=100
      -> Answer("0", "Login OK", {"tasks": [<records 101-200>], "currentpageresults": 100,
                                  "maxpageresults": "100", "pagenumber": "2", ...})
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aroflo_sandbox import where_rules
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.where import Lookup, WhereError, parse_where
from aroflo_sandbox.zones import Zone

MAX_PAGE_SIZE = 500
SIZE_LIMIT_BYTES = 3_500_000
DEFAULT_FILTER_MESSAGE = "Login OK. No WHERE clause found, default filter applied"


@dataclass(frozen=True)
class ZoneQuery:
    """A request's query variables, read. ``ZoneQuery.parse`` raises ValueError when ``page`` or
    ``pageSize`` is not a number; out-of-range values are clamped (page >= 1, 1 <= pageSize <= 500)::

        {"where": ["and|jobnumber|>|0"], "join": ["notes,location"], "pageSize": ["900"]}
          -> ZoneQuery(clauses=["and|jobnumber|>|0"], orders=[], joins={"notes", "location"},
                       page=1, page_size=500)
    """

    clauses: list[str]
    orders: list[str]
    joins: frozenset[str]
    page: int
    page_size: int

    @classmethod
    def parse(cls, params: dict[str, list[str]]) -> ZoneQuery:
        page = int((params.get("page") or ["1"])[0] or 1)
        requested_size = int((params.get("pageSize") or [str(MAX_PAGE_SIZE)])[0] or MAX_PAGE_SIZE)
        return cls(
            clauses=params.get("where", []),
            orders=params.get("order", []),
            joins=join_values(params.get("join", [])),
            page=max(1, page),
            page_size=max(1, min(requested_size, MAX_PAGE_SIZE)),
        )


@dataclass(frozen=True)
class Answer:
    status: str
    message: str
    zone_response: dict[str, Any] | None = None
    detail: str | None = None  # why the sandbox refused (for its request log; AroFlo's message says no more)


def join_values(values: Iterable[str]) -> frozenset[str]:
    """``["notes,Location", " "]`` -> ``{"notes", "location"}``: the join names of one or more values."""
    return frozenset(j.strip().lower() for value in values for j in value.split(",") if j.strip())


def render(zone: Zone, record: StoredRecord, joins: frozenset[str] | set[str]) -> dict[str, Any]:
    """A record as sent: joinable keys stay placeholders (`[]`, `{}`) unless their join was asked for."""
    data = dict(record.data)
    for join in joins:
        key = zone.joins.get(join)
        # Extra keys a join brings along: `join=project` also fills `stage` (AroFlo's Tasks example "Get Task
        # with Project").
        for filled in (key, *zone.join_extras.get(join, ())) if key else ():
            if filled in record.joins:
                data[filled] = record.joins[filled]
    return data


def select(zone: Zone, records: list[StoredRecord], query: ZoneQuery, now: datetime) -> Answer:
    """The page of `records` (a zone's live records) that `query` asks for; `now` is the dataset's now,
    which the default filter counts its 30 days back from."""
    message = "Login OK"
    if query.clauses:
        try:
            expression = parse_where(query.clauses)
            where_rules.check(zone.param.lower(), expression.conditions)
            expression.check(lambda name: zone.where_fields[name].kind)
            records = [r for r in records if expression.evaluate(_lookup_for(zone, r))]
        except WhereError as error:
            return Answer("9", "Invalid WHERE Clause", detail=str(error))
    elif zone.default_filter is not None:
        records = [r for r in records if zone.default_filter(r, now)]
        message = DEFAULT_FILTER_MESSAGE

    for order in query.orders:
        name, _, direction = order.partition("|")
        records = sorted(
            records,
            key=lambda r: _order_key(r, name.strip().lower()),
            reverse=direction.strip().lower() == "desc",
        )

    page, size = query.page, query.page_size
    rendered = [render(zone, r, query.joins) for r in records[(page - 1) * size : page * size]]
    zone_response: dict[str, Any] = {
        zone.record_key: rendered,
        "currentpageresults": len(rendered),
        "maxpageresults": size if page % 2 else str(size),  # number or string, as in the wild
        "pagenumber": str(page),
        "queryresponsetimes": {zone.record_key: 3},
        "generatedisplayresponsetime": 1,
    }
    return Answer("0", message, zone_response)


def date_window(zone: Zone, clauses: list[str]) -> timedelta | None:
    """The narrowest window a (valid) WHERE puts on one of the zone's date or date-time fields, None when it
    bounds none of them on both sides::

        tasks, ["and|datetimerequested|>|2024-01-01 00:00:00", "and|datetimerequested|<|2024-01-08 00:00:00"]
          -> 7 days
        tasks, ["and|datetimerequested|>|1900-01-01 00:00:00"]  -> None
    """
    expression = parse_where(clauses)
    dated = (name for name, field in zone.where_fields.items() if field.kind in ("date", "datetime"))
    spans = [span for name in dated if (span := expression.span(name)) is not None]
    return min(spans, default=None)


def within_size(answer: Answer, limit: int = SIZE_LIMIT_BYTES) -> Answer:
    """The answer, or status 8 when its zoneresponse is over `limit` bytes of JSON."""
    if answer.zone_response is None:
        return answer
    if len(json.dumps(answer.zone_response, separators=(",", ":"))) > limit:
        return Answer("8", "Exceeded Size Rate Limit - Please try filtering your request down")
    return answer


def _lookup_for(zone: Zone, record: StoredRecord) -> Lookup:
    def lookup(name: str) -> tuple[str, Any]:
        where_field = zone.where_fields[name]
        return where_field.kind, where_field.get(record)

    return lookup


def _order_key(record: StoredRecord, field_name: str) -> str:
    value = record.data.get(field_name)
    return value if isinstance(value, str) else json.dumps(value)
