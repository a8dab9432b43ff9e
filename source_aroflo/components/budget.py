"""AroFlo's daily call budget: end the sync instead of waiting for tomorrow (API notes §4.3-4.4).

2,000 calls a day are shared with the account's other integrations and reset at midnight
Australia/Melbourne. Waiting inside a sync for the reset is never right; ending it with a transient
error is: the state of everything finished has been emitted, and the next sync resumes there.

`DailyBudgetGuard` reads `X-RateLimit-Daily-Remaining` from every response and is asked before every
request leaves (the request signer is the hook both sides pass through):
* status 7 (daily limit reached), or no call left (`X-RateLimit-Daily-Remaining` 0), ends the sync at
  once, with the reset time;
* `daily_call_reserve`: a request that would take the remaining count below the reserve is never
  sent, so the account's other integrations keep their share. Requests run concurrently, so the count
  a response reports is already stale for the requests still under way: each of those is counted as
  spent until its own response arrives, and a header older than the lowest one seen today (responses
  overtake each other) never raises the count again.
LastUpdate does not count against the day, so it is never stopped. The short windows (3/s, 120/min)
are the backoff strategy's job (backoff.py).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_aroflo.components.backoff import body_status

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAILY_REMAINING = "X-RateLimit-Daily-Remaining"
FREE_ZONE = "lastupdate"


def next_reset(now: datetime) -> datetime:
    """AroFlo resets the daily count at 00:00 Australia/Melbourne (AEDT or AEST with the season)."""
    local = now.astimezone(MELBOURNE)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=MELBOURNE)


def reset_text(now: datetime) -> str:
    reset = next_reset(now)
    return (
        f"AroFlo resets the daily count at {reset:%Y-%m-%d %H:%M} {reset.tzname()} (Australia/Melbourne), "
        f"{reset.astimezone(UTC):%Y-%m-%d %H:%M} UTC; the next sync resumes from the saved state."
    )


def zone_of(url: str | None) -> str:
    return (parse_qs(urlsplit(url or "").query).get("zone") or [""])[0].lower()


class BudgetExhausted(AirbyteTracedException):
    def __init__(self, message: str) -> None:
        super().__init__(message=message, internal_message=message, failure_type=FailureType.transient_error)


class DailyBudgetGuard:
    """One per AroFlo account: every stream's requests draw on the same daily count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.remaining: int | None = None  # the lowest count AroFlo reported since its last reset
        self._reset: datetime | None = None  # the reset that count belongs to
        # Requests sent (or waiting in the throttle) whose response has not come back: spent already.
        # An attempt that ended in an exception stays here until it is retried, which errs on the safe side.
        self._under_way: set[requests.PreparedRequest] = set()

    def before_send(self, request: requests.PreparedRequest, reserve: int) -> None:
        if zone_of(request.url) == FREE_ZONE:
            return
        with self._lock:
            self._under_way.discard(request)  # a retry: the previous attempt is over
            remaining = self.remaining
            if remaining is None or remaining - len(self._under_way) - 1 >= max(reserve, 0):
                self._under_way.add(request)
                return
        now = datetime.now(UTC)
        if reserve <= 0:  # the last call of the day was spent: no need to be told so by a status 7
            raise BudgetExhausted(
                f"AroFlo's daily API limit is used up (0 calls left today). {reset_text(now)}"
            )
        raise BudgetExhausted(
            f"Stopping with {remaining} AroFlo API calls left today, to keep the configured reserve of "
            f"{reserve} calls for the account's other integrations. {reset_text(now)}"
        )

    def observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """A `requests` response hook."""
        request = response.request
        if request is not None:
            with self._lock:
                self._under_way.discard(request)
        now = datetime.now(UTC)
        if body_status(response) == "7":
            with self._lock:
                self.remaining = 0  # the other streams stop before sending, instead of asking again
                self._reset = next_reset(now)
            raise BudgetExhausted(f"AroFlo's daily API limit is used up (status 7). {reset_text(now)}")
        if zone_of(request.url if request else None) == FREE_ZONE:
            return
        try:
            reported = int(response.headers[DAILY_REMAINING])
        except (KeyError, ValueError, TypeError):
            return
        reset = next_reset(now)
        with self._lock:
            if self.remaining is None or self._reset != reset:
                self.remaining = reported  # the first count, or the first one of a new AroFlo day
            else:
                self.remaining = min(self.remaining, reported)
            self._reset = reset


_GUARDS: dict[tuple[str, str], DailyBudgetGuard] = {}
_GUARDS_LOCK = threading.Lock()


def guard_for(base_url: str, org_encoded: str) -> DailyBudgetGuard:
    """Each stream has its own authenticator; they share their account's guard (a process embedding the
    connector may sync several accounts, or a sandbox and a real one)."""
    with _GUARDS_LOCK:
        return _GUARDS.setdefault((base_url, org_encoded), DailyBudgetGuard())
