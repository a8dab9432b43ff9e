"""Seeded fault injection: what a flaky network and a busy AroFlo do to a sync.

Each injected fault happens *instead of* serving the request (the call is not counted against the
limits), except `slow`, which delays a normal answer. A 429 "storm" rejects the next `storm_length`
requests in a row, as a shared account hammered by another integration would.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field


@dataclass
class FaultPlan:
    seed: int = 7
    storm_429: float = 0.0  # chance a request starts a storm of HTTP 429s
    storm_length: int = 4
    status_6: float = 0.0  # chance of a body status 6 (per-minute limit hit by someone else)
    server_error: float = 0.0  # chance of an HTTP 500/502/503 with an HTML body
    drop: float = 0.0  # chance the connection is closed without an answer
    slow: float = 0.0  # chance the answer is delayed by `slow_seconds`
    # chance a request is refused as "Payload has expired" (held too long before it left)
    expired: float = 0.0
    slow_seconds: float = 2.0
    # zone (lower case) -> largest pageSize answered; bigger pages get 888888 (query too slow)
    slow_query_page_size: dict[str, int] = field(default_factory=dict)
    # zone (lower case) -> response byte limit for status 8 (response too large); default applies otherwise
    size_limit_bytes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


class FaultInjector:
    def __init__(self, plan: FaultPlan | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(plan or FaultPlan())

    def configure(self, plan: FaultPlan) -> None:
        with self._lock:
            self.plan = plan
            self._rng = random.Random(plan.seed)
            self._storm_left = 0

    def draw(self) -> str | None:
        """The fault for the next request: "429", "6", "5xx", "drop", "slow", "expired" or None."""
        with self._lock:
            if self._storm_left > 0:
                self._storm_left -= 1
                return "429"
            roll = self._rng.random()
            plan = self.plan
            for name, chance in (
                ("429", plan.storm_429),
                ("6", plan.status_6),
                ("5xx", plan.server_error),
                ("drop", plan.drop),
                ("slow", plan.slow),
                ("expired", plan.expired),
            ):
                if roll < chance:
                    if name == "429":
                        self._storm_left = max(0, plan.storm_length - 1)
                    return name
                roll -= chance
            return None

    def server_error_code(self) -> int:
        with self._lock:
            return self._rng.choice([500, 502, 503])
