"""AroFlo's short rate limits and how long to wait for an answer: one definition for every connector.

AroFlo allows 3 calls a second and 120 a minute per account (AroFlo's API README, "Limits"). One moving
window holds both, with room for the time a request takes to reach AroFlo, whose windows follow its own
clock: a normal sync meets no rate-limit rejection. 3 per 1.5 s is the per-minute pace anyway, so the half
second of margin against jitter costs no throughput. The daily limit is deliberately not here: waiting a day
inside a sync is never right, it ends the sync instead (`budget.py`). Only AroFlo API calls count: the files
behind document links (`.../DocStorage/...`) are not API calls.

AroFlo ends a query after 60 seconds, so an answer that has not started after `DEFAULT_TIMEOUT` never will:
the request is abandoned and tried again (a read, or a write that never left) instead of holding a sync.

Tests that are not about the rate limits lift the call rate with `AROFLO_TEST_UNLIMITED_CALL_RATE=1` (their
sandbox lifts its own limits too; `aroflo_testing/harness.py`). It is an environment variable, not a config
field, so no Airbyte connection can set it; a connector run with it logs a warning saying AroFlo would refuse
its calls. Without it, nothing changes: the rates above.

>>> [(rate.limit, rate.interval.total_seconds()) for rate in call_rates()]
[(3, 1.5), (118, 60.0)]
>>> timeouts({"request_timeout_seconds": 45})
(30.0, 45.0)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from airbyte_cdk.sources.streams.call_rate import (
    BaseCallRatePolicy,
    HttpAPIBudget,
    HttpRequestRegexMatcher,
    MovingWindowCallRatePolicy,
    Rate,
    RequestMatcher,
    UnlimitedCallRatePolicy,
)

DEFAULT_TIMEOUT = 120.0
CONNECT_TIMEOUT = 30.0
NOT_API_CALLS = "^(?!.*/DocStorage/)"  # every path but the document links' storage
UNLIMITED_CALL_RATE_VARIABLE = "AROFLO_TEST_UNLIMITED_CALL_RATE"
UNLIMITED_CALL_RATE_WARNING = (
    f"TEST-ONLY SETTING {UNLIMITED_CALL_RATE_VARIABLE}=1: AroFlo's call rate (3 calls a second, 120 a "
    "minute) is NOT kept. AroFlo itself would refuse calls at this pace; unset the variable outside tests."
)
LOGGER = logging.getLogger("airbyte")


def call_rates() -> list[Rate]:
    return [Rate(limit=3, interval=timedelta(seconds=1.5)), Rate(limit=118, interval=timedelta(minutes=1))]


def call_rate_lifted() -> bool:
    """Whether a test lifted the call rate (`AROFLO_TEST_UNLIMITED_CALL_RATE=1`, and only "1")."""
    return os.environ.get(UNLIMITED_CALL_RATE_VARIABLE) == "1"


def api_budget() -> HttpAPIBudget:
    """The CDK's API budget holding AroFlo's short limits, for every requester of one connector run."""
    matchers: list[RequestMatcher] = [HttpRequestRegexMatcher(url_path_pattern=NOT_API_CALLS)]
    policy: BaseCallRatePolicy
    if call_rate_lifted():
        LOGGER.warning(UNLIMITED_CALL_RATE_WARNING)
        policy = UnlimitedCallRatePolicy(matchers=matchers)
    else:
        policy = MovingWindowCallRatePolicy(rates=call_rates(), matchers=matchers)
    return HttpAPIBudget(
        policies=[policy],
        ratelimit_remaining_header="X-RateLimit-Remaining",
        status_codes_for_ratelimit_hit=[429],
    )


def timeouts(config: Mapping[str, Any]) -> tuple[float, float]:
    """(connect, read) seconds: the configured `request_timeout_seconds` (120 by default), never more than
    30 s to connect."""
    read = float(config.get("request_timeout_seconds") or DEFAULT_TIMEOUT)
    return min(read, CONNECT_TIMEOUT), read
