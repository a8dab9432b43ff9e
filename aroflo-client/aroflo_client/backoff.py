"""How long to wait after AroFlo says "too many requests" (AroFlo's API README, "Limits").

AroFlo has two short windows: 3 calls a second and 120 a minute. A per-second rejection (HTTP 429 or
body status 429) frees itself within a second; a per-minute one (body status 6) frees when the minute
does, so waiting for the minute to turn is both shorter than a blind exponential series and enough.
Everything else (5xx, dropped connections) gets no opinion here and falls back to the CDK's
exponential backoff.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import InitVar, dataclass, field
from typing import Any

import requests
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.sources.types import Config

from aroflo_client.envelope import Envelope
from aroflo_client.status import Meaning

PER_SECOND_WAIT = 1.0
MINUTE = 60.0


def seconds_to_next_minute(now: float) -> float:
    return MINUTE - (now % MINUTE)


@dataclass
class AroFloRateLimitBackoff(BackoffStrategy):
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    clock: Callable[[], float] = field(default=time.time)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        pass

    def backoff_time(
        self,
        response_or_exception: requests.Response | requests.RequestException | None,
        attempt_count: int,
    ) -> float | None:
        if not isinstance(response_or_exception, requests.Response):
            return None
        answer = Envelope.read(response_or_exception)
        if answer.meaning is Meaning.PER_MINUTE_LIMIT:
            # The CDK adds one second to every custom backoff, which doubles as the safety margin.
            return seconds_to_next_minute(self.clock())
        if response_or_exception.status_code == 429 or answer.meaning is Meaning.PER_SECOND_LIMIT:
            return PER_SECOND_WAIT
        return None
