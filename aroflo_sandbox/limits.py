"""AroFlo's call limits (docs/aroflo.md#daily-budget): 3 a second, 120 a minute, 2,000 a day.

The short limits are fixed windows on the server clock (the `X-RateLimit-Remaining` header means
"calls left this minute"). The daily count resets at midnight Australia/Melbourne. LastUpdate is
free of the daily count; a GET of one record by id uses the secondary 20,000/day allowance.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aroflo_sandbox.values import MELBOURNE


@dataclass
class Limits:
    per_second: int = 3
    per_minute: int = 120
    daily: int = 2000
    secondary_daily: int = 20000


def melbourne_day(at: datetime) -> str:
    return at.astimezone(MELBOURNE).date().isoformat()


def next_melbourne_midnight(at: datetime) -> datetime:
    local = at.astimezone(MELBOURNE)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=MELBOURNE)
    return midnight.astimezone(UTC)


@dataclass
class Verdict:
    status: str | None  # None = allowed; "429" per second, "6" per minute, "7" daily
    headers: dict[str, str] = field(default_factory=dict)


class RateLimiter:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._second: tuple[int, int] = (0, 0)  # (window index, calls)
        self._minute: tuple[int, int] = (0, 0)
        self._day = ""
        self.daily_used = 0
        self.secondary_used = 0

    def reset_windows(self) -> None:
        with self._lock:
            self._second, self._minute = (0, 0), (0, 0)

    def reset_day(self) -> None:
        with self._lock:
            self.daily_used = 0
            self.secondary_used = 0

    def admit(self, now: datetime, *, counts_daily: bool, secondary: bool) -> Verdict:
        """Count one call; say which limit (if any) rejects it. Rejected calls do not count."""
        with self._lock:
            stamp = now.timestamp()
            second, minute = math.floor(stamp), math.floor(stamp / 60)
            if self._second[0] != second:
                self._second = (second, 0)
            if self._minute[0] != minute:
                self._minute = (minute, 0)
            day = melbourne_day(now)
            if day != self._day:
                self._day, self.daily_used, self.secondary_used = day, 0, 0

            status: str | None = None
            if self._second[1] >= self.limits.per_second:
                status = "429"
            elif self._minute[1] >= self.limits.per_minute:
                status = "6"
            elif counts_daily and self._day_exhausted(secondary):
                status = "7"
            if status is None:
                self._second = (second, self._second[1] + 1)
                self._minute = (minute, self._minute[1] + 1)
                if counts_daily and secondary:
                    self.secondary_used += 1
                elif counts_daily:
                    self.daily_used += 1
            return Verdict(status, self._headers())

    def _day_exhausted(self, secondary: bool) -> bool:
        if secondary:
            return self.secondary_used >= self.limits.secondary_daily
        return self.daily_used >= self.limits.daily

    def _headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limits.per_minute),
            "X-RateLimit-Remaining": str(max(0, self.limits.per_minute - self._minute[1])),
            "X-RateLimit-Daily-Limit": str(self.limits.daily),
            "X-RateLimit-Daily-Remaining": str(max(0, self.limits.daily - self.daily_used)),
            "X-RateLimit-Secondary-Daily-Limit": str(self.limits.secondary_daily),
            "X-RateLimit-Secondary-Daily-Remaining": str(
                max(0, self.limits.secondary_daily - self.secondary_used)
            ),
        }
