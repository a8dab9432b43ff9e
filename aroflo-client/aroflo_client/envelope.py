"""AroFlo's response envelope, read in one place (AroFlo's API README, "Responses").

Every answer is HTTP 200 with a JSON body `{"status": "0", "statusmessage": "...", "zoneresponse": {...}}`;
errors are a non-zero `status` in that body. A page of records sits under the zone's record key, with
`currentpageresults` (rows on this page), `maxpageresults` (the page size applied) and `pagenumber`, whose
types drift between numbers and strings.

>>> page = Envelope.of({"status": "0", "zoneresponse": {"tasks": [{"taskid": "a"}], "currentpageresults": 1,
...                                                          "maxpageresults": "500", "pagenumber": "1"}})
>>> page.ok, page.records("tasks"), page.rows, page.page_size
(True, [{'taskid': 'a'}], 1, 500)
>>> Envelope.of({"status": 9, "statusmessage": "Invalid WHERE Clause"}).meaning
<Meaning.INVALID_WHERE: 'invalid where'>
>>> Envelope.of("<html>Bad gateway</html>").is_envelope
False
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import requests

from aroflo_client.status import OK, Meaning, Status, status_of

DEFAULT_FILTER_APPLIED = "default filter applied"


@dataclass(frozen=True)
class Envelope:
    status: str
    message: str
    zone_response: Mapping[str, Any] = field(default_factory=dict)
    is_envelope: bool = True  # False: the body was not a JSON object (a proxy's HTML page, nothing at all)

    @classmethod
    def of(cls, body: Any) -> Envelope:
        """The envelope of a parsed body; anything that is not an AroFlo envelope reads as status ""."""
        if not isinstance(body, Mapping):
            return cls("", "", is_envelope=False)
        zone_response = body.get("zoneresponse")
        status = body.get("status")
        return cls(
            # AroFlo's Quotes examples carry no status at all (a trimmed sample): their records are data.
            str(OK if status is None else status).strip(),
            str(body.get("statusmessage") or "").strip(),
            zone_response if isinstance(zone_response, Mapping) else {},
        )

    @classmethod
    def read(cls, response: requests.Response | None) -> Envelope:
        """The envelope of an HTTP response (cached on it: the extractor, paginator and budget all ask)."""
        if response is None:
            return cls("", "", is_envelope=False)
        cached = getattr(response, "_aroflo_envelope", None)
        if cached is None:
            cached = cls.of(read_body(response))
            response._aroflo_envelope = cached  # type: ignore[attr-defined]
        return cached

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def reaction(self) -> Status:
        """This status's row of AroFlo's status table (aroflo_client/status.py)."""
        return status_of(self.status, self.message)

    @property
    def meaning(self) -> Meaning:
        return self.reaction.meaning

    @property
    def default_filter_applied(self) -> bool:
        """AroFlo says so when a request without WHERE got the zone's 30-day default filter."""
        return self.ok and DEFAULT_FILTER_APPLIED in self.message.lower()

    def records(self, record_key: str) -> list[MutableMapping[str, Any]]:
        """The records of a successful page; an error envelope is never data. A lone object is one record.
        Copies: what a caller changes in them stays out of the page (a page can have several readers)."""
        return [dict(record) for record in self.owned_records(record_key)]

    def owned_records(self, record_key: str) -> list[MutableMapping[str, Any]]:
        """`records` themselves, not copies, for the one reader that owns a page's records (a zone stream's
        extractor, whose typing changes them in place): a copy of every record less held per page."""
        if not self.ok:
            return []
        records = self.zone_response.get(record_key)
        if isinstance(records, Mapping):
            records = [records]
        if not isinstance(records, list):
            return []
        return [record for record in records if type(record) is dict or isinstance(record, MutableMapping)]

    @property
    def rows(self) -> int | None:
        """`currentpageresults`: rows on this page as AroFlo counted them."""
        return _as_int(self.zone_response.get("currentpageresults"))

    @property
    def page_size(self) -> int | None:
        """`maxpageresults`: the page size AroFlo applied (a number in some answers, a string in others)."""
        return _as_int(self.zone_response.get("maxpageresults"))

    @property
    def post_results(self) -> Mapping[str, Any]:
        """A write's `zoneresponse.postresults` (inserts, updates, errors, counts); else empty."""
        results = self.zone_response.get("postresults")
        return results if self.ok and isinstance(results, Mapping) else {}


def read_body(response: requests.Response) -> Any:
    """The response's JSON body, decoded once per response and cached on it (a 500-record page is the bulk of
    a read's CPU if every reader decodes it again); None if it is not JSON."""
    try:
        return response._aroflo_body  # type: ignore[attr-defined]
    except AttributeError:
        pass
    try:
        body = response.json()
    except ValueError:
        body = None
    response._aroflo_body = body  # type: ignore[attr-defined]
    return body


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
