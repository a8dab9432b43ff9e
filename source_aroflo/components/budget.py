"""AroFlo's daily call budget: end the sync instead of waiting for tomorrow (API notes §4.3-4.4).

2,000 calls a day are shared with the account's other integrations and reset at midnight
Australia/Melbourne. Waiting inside a sync for the reset is never right; ending it with a transient
error is: the state of everything finished has been emitted, and the next sync resumes there.

`DailyBudgetGuard` reads `X-RateLimit-Daily-Remaining` from every response and is asked before every
request leaves (the request signer is the hook both sides pass through):
* status 7 (daily limit reached), or no call left (`X-RateLimit-Daily-Remaining` 0), ends the sync at
  once, with the reset time;
* `daily_call_reserve`: a request that would take the remaining count below the reserve is never
  sent, so the account's other integrations keep their share.
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
    """One per process: every stream's requests draw on the same daily count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.remaining: int | None = None

    def before_send(self, url: str | None, reserve: int) -> None:
        if zone_of(url) == FREE_ZONE:
            return
        with self._lock:
            remaining = self.remaining
        if remaining is None or remaining - 1 >= max(reserve, 0):
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
        if body_status(response) == "7":
            with self._lock:
                self.remaining = 0  # the other streams stop before sending, instead of asking again
            raise BudgetExhausted(
                f"AroFlo's daily API limit is used up (status 7). {reset_text(datetime.now(UTC))}"
            )
        if zone_of(response.request.url if response.request else None) == FREE_ZONE:
            return
        try:
            remaining = int(response.headers[DAILY_REMAINING])
        except (KeyError, ValueError, TypeError):
            return
        with self._lock:
            self.remaining = remaining


GUARD = DailyBudgetGuard()
