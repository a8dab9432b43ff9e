"""AroFlo's daily allowances: end the sync instead of waiting for tomorrow (docs/aroflo.md#daily-budget).

AroFlo counts calls per account per day, reset at midnight Australia/Melbourne: 2,000 (`X-RateLimit-Daily-*`,
shared with the account's other integrations) and, for GETs of a single record by its id, a secondary 20,000
(`X-RateLimit-Secondary-Daily-*`). LastUpdate counts against neither. `DailyBudget` is one per account (the
component factory gives the same one to every signer and cursor of a sync):
* every request passes `before_send` (the signer calls it) and every response `observe` (a response hook);
* status 7, or no call left, ends the sync at once with a transient error saying when AroFlo resets the count;
* `daily_call_reserve`: a request that would take the remaining count below it is never sent;
* requests under way count as spent until their own response arrives (workers send concurrently), and a count
  older than the lowest one seen today (responses overtake each other) never raises it again;
* `take_singles` says whether changed records may be fetched one per call on the secondary allowance.

Which allowance a request spends is decided where the request is planned, not read back from its text: the
requester marks it (`ALLOWANCE_HEADER`, e.g. from the slice's `allowance`), and `allowance_of` takes the
marker off before the request is signed, sent or logged; an unmarked request spends the daily allowance.

>>> budget = DailyBudget(reserve=0)
>>> budget.take_singles(300, limit=500), budget.take_singles(300, limit=500)
(True, False)
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from aroflo_client.envelope import Envelope
from aroflo_client.status import Meaning

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAILY_REMAINING = "X-RateLimit-Daily-Remaining"
SECONDARY_REMAINING = "X-RateLimit-Secondary-Daily-Remaining"
# An internal marker naming a request's allowance, set by its requester and never sent (`allowance_of`).
ALLOWANCE_HEADER = "X-AroFlo-Allowance"
_MARKED = "aroflo_allowance"  # where the allowance stays on the request once the marker is off (retries)
# Single-id reads stop well before the secondary allowance runs out: it is shared with other integrations.
SECONDARY_FLOOR = 1_000


def next_reset(now: datetime) -> datetime:
    """AroFlo resets the daily counts at 00:00 Australia/Melbourne (AEDT or AEST with the season)."""
    local = now.astimezone(MELBOURNE)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=MELBOURNE)


def reset_text(now: datetime) -> str:
    reset = next_reset(now)
    return (
        f"AroFlo resets the daily count at {reset:%Y-%m-%d %H:%M} {reset.tzname()} (Australia/Melbourne), "
        f"{reset.astimezone(UTC):%Y-%m-%d %H:%M} UTC; the next sync resumes from the saved state."
    )


class Allowance(StrEnum):
    """The allowance a request spends."""

    DAILY = "daily"  # the 2,000 calls a day
    SECONDARY = "secondary"  # a single record by its id: the 20,000 a day
    FREE = "free"  # LastUpdate: neither


def allowance_of(request: requests.PreparedRequest) -> Allowance:
    """The allowance its requester marked the request with; the marker is taken off, never sent.

    >>> request = requests.Request("GET", "https://x/", headers={ALLOWANCE_HEADER: "free"}).prepare()
    >>> allowance_of(request), ALLOWANCE_HEADER in request.headers, allowance_of(request)
    (<Allowance.FREE: 'free'>, False, <Allowance.FREE: 'free'>)
    """
    marked = request.headers.pop(ALLOWANCE_HEADER, None)
    if marked is not None:
        setattr(request, _MARKED, Allowance(marked))
    allowance: Allowance = getattr(request, _MARKED, Allowance.DAILY)
    return allowance


class BudgetExhausted(AirbyteTracedException):
    def __init__(self, message: str) -> None:
        super().__init__(message=message, internal_message=message, failure_type=FailureType.transient_error)


@dataclass
class _Count:
    """One allowance: the lowest count AroFlo reported since its last reset, and the calls under way."""

    remaining: int | None = None
    reset: datetime | None = None
    under_way: set[requests.PreparedRequest] = field(default_factory=set)

    def left(self) -> int | None:
        return None if self.remaining is None else self.remaining - len(self.under_way)

    def report(self, value: int, now: datetime) -> None:
        reset = next_reset(now)
        if self.remaining is None or self.reset != reset:
            self.remaining = value  # the first count, or the first of a new AroFlo day
        else:
            self.remaining = min(self.remaining, value)
        self.reset = reset


@dataclass
class DailyBudget:
    reserve: int = 0  # calls of the 2,000 to leave for the account's other integrations
    _daily: _Count = field(default_factory=_Count)
    _secondary: _Count = field(default_factory=_Count)
    _singles: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def daily_remaining(self) -> int | None:
        return self._daily.remaining

    def before_send(self, request: requests.PreparedRequest) -> None:
        allowance = allowance_of(request)
        if allowance is Allowance.FREE:
            return
        single = allowance is Allowance.SECONDARY
        count = self._secondary if single else self._daily
        floor = 0 if single else max(self.reserve, 0)  # single fetches are planned to keep theirs
        with self._lock:
            count.under_way.discard(request)  # a retry: the previous attempt is over
            left = count.left()
            if left is None or left - 1 >= floor:
                count.under_way.add(request)
                return
        now = datetime.now(UTC)
        if single:
            raise BudgetExhausted(f"AroFlo's secondary daily allowance is used up. {reset_text(now)}")
        if self.reserve <= 0:
            raise BudgetExhausted(
                f"AroFlo's daily API limit is used up (0 calls left today). {reset_text(now)}"
            )
        raise BudgetExhausted(
            f"Stopping with {count.remaining} AroFlo API calls left today, to keep the configured reserve of "
            f"{self.reserve} calls for the account's other integrations. {reset_text(now)}"
        )

    def observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """A `requests` response hook."""
        request = response.request
        now = datetime.now(UTC)
        with self._lock:
            self._daily.under_way.discard(request)
            self._secondary.under_way.discard(request)
        if Envelope.read(response).meaning is Meaning.DAILY_LIMIT:
            with self._lock:
                self._daily.remaining, self._daily.reset = 0, next_reset(now)
            raise BudgetExhausted(f"AroFlo's daily API limit is used up (status 7). {reset_text(now)}")
        with self._lock:
            for header, count in ((DAILY_REMAINING, self._daily), (SECONDARY_REMAINING, self._secondary)):
                try:
                    value = int(response.headers[header])
                except (KeyError, ValueError, TypeError):
                    continue
                if header == DAILY_REMAINING and request and allowance_of(request) is Allowance.FREE:
                    continue  # LastUpdate answers may carry a count it did not spend
                count.report(value, now)

    def take_singles(self, count: int, limit: int) -> bool:
        """May `count` more records be fetched one per call? Yes while this sync stays within `limit` single
        fetches and the secondary allowance (as last reported) keeps its floor."""
        with self._lock:
            left = self._secondary.left()
            if self._singles + count > limit or (left is not None and left - count < SECONDARY_FLOOR):
                return False
            self._singles += count
            return True
