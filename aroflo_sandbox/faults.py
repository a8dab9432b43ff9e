"""Seeded fault injection: what a flaky network and a busy AroFlo do to a sync.

Each injected fault happens *instead of* serving the request (the call is not counted against the
limits), except `slow` and `stall`, which delay a normal answer. A 429 "storm" rejects the next
`storm_length` requests in a row, as a shared account hammered by another integration would. A stalled
call (a proxy or load balancer holding the connection) is answered only after `stall_seconds`, or as soon
as the plan changes or the sandbox stops, so a test never waits for it at teardown. Two faults depend on
the query rather than on chance (server.py applies them): 888888 for pages larger than a zone's
`slow_query_page_size`, and 888888 for any query on a zone in `slow_query_window_days` whose WHERE does not
bound one of its date fields to a window of at most that many days. `expired_link_answers` makes the next
answers' document links arrive already expired (their files refused with 403).

Writes (POSTs) meet the same faults, drawn before anything is committed, so a client can tell "never
processed" from "processed, answer lost": only `lost_write_answers` commits first and then loses the next n
POSTs' answers, the way `lost_write_mode` says (`drop` the connection, answer an HTML `5xx`, or `stall` the
answer until the plan changes). `write_permission: false` makes the API user one who may read but not write.
Example::

    FaultPlan(stall_calls=[3], stall_seconds=600)  -> the 3rd API call after the plan is set answers after
                                                      10 minutes; every other call as usual
    FaultPlan(lost_write_answers=1, lost_write_mode="5xx")  -> the next POST is written, then answered 502/503
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field

# How a committed write's answer is lost: the connection closed without an answer, an HTML 502/503, or the
# answer held back like a stalled call (until `stall_seconds` pass, the plan changes or the sandbox stops).
LOST_WRITE_MODES = ("drop", "5xx", "stall")


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
    stall: float = 0.0  # chance the answer is held back `stall_seconds`, the connection kept open
    slow_seconds: float = 2.0
    stall_calls: list[int] = field(default_factory=list)  # these API calls stall (1 = the first one)
    stall_seconds: float = 600.0
    # zone (lower case) -> largest pageSize answered; bigger pages get 888888 (query too slow)
    slow_query_page_size: dict[str, int] = field(default_factory=dict)
    # zone (lower case) -> days: 888888 unless the WHERE bounds a date field to at most that many days
    slow_query_window_days: dict[str, float] = field(default_factory=dict)
    # zone (lower case) -> a documented WHERE field AroFlo refuses all the same (status 9)
    reject_where_fields: dict[str, str] = field(default_factory=dict)
    # zone (lower case) -> response byte limit for status 8 (response too large); default applies otherwise
    size_limit_bytes: dict[str, int] = field(default_factory=dict)
    # the next n answers that send document links send them already expired, as if their files were asked
    # for more than ten minutes later
    expired_link_answers: int = 0
    # the next n POSTs that are processed are committed, then their answer is lost (`lost_write_mode`)
    lost_write_answers: int = 0
    lost_write_mode: str = "drop"  # one of LOST_WRITE_MODES
    # false: the API user may read but not write (every POST answers status 4, nothing written)
    write_permission: bool = True

    def __post_init__(self) -> None:
        if self.lost_write_mode not in LOST_WRITE_MODES:
            raise ValueError(f"lost_write_mode is one of {LOST_WRITE_MODES}, not {self.lost_write_mode!r}")
        if not isinstance(self.write_permission, bool):  # a JSON "false" would read as permission
            raise ValueError(f"write_permission is true or false, not {self.write_permission!r}")

    def as_dict(self) -> dict:
        return asdict(self)


class FaultInjector:
    def __init__(self, plan: FaultPlan | None = None) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()
        self.configure(plan or FaultPlan())

    def configure(self, plan: FaultPlan) -> None:
        """A new plan: its call count starts at 0 and calls stalled under the old one are answered now."""
        with self._lock:
            self.plan = plan
            self._rng = random.Random(plan.seed)
            self._storm_left = 0
            self._calls = 0
            self._expired_links_left = plan.expired_link_answers
            self._lost_writes_left = plan.lost_write_answers
            self._release.set()
            self._release = threading.Event()

    def release(self) -> None:
        """Answer every stalled call now (the sandbox is stopping)."""
        with self._lock:
            self._release.set()

    def stall(self) -> None:
        """Hold the calling request until `stall_seconds` pass or the stall is released."""
        with self._lock:
            released, seconds = self._release, self.plan.stall_seconds
        released.wait(seconds)

    def draw(self) -> str | None:
        """The fault for the next request: "429", "6", "5xx", "drop", "slow", "expired", "stall" or None."""
        with self._lock:
            self._calls += 1
            if self._calls in self.plan.stall_calls:
                return "stall"
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
                ("stall", plan.stall),
            ):
                if roll < chance:
                    if name == "429":
                        self._storm_left = max(0, plan.storm_length - 1)
                    return name
                roll -= chance
            return None

    def expire_links(self) -> bool:
        """Should this answer's document links be sent already expired? (Counts down the plan's answers.)"""
        with self._lock:
            if self._expired_links_left <= 0:
                return False
            self._expired_links_left -= 1
            return True

    def lose_write_answer(self) -> str | None:
        """How this committed write's answer is lost (`lost_write_mode`), or None: counts down the plan's
        `lost_write_answers`."""
        with self._lock:
            if self._lost_writes_left <= 0:
                return None
            self._lost_writes_left -= 1
            return self.plan.lost_write_mode

    def server_error_code(self, codes: tuple[int, ...] = (500, 502, 503)) -> int:
        with self._lock:
            return self._rng.choice(codes)
