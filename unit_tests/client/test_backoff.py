from __future__ import annotations

import json

import pytest
import requests

from aroflo_client.backoff import AroFloRateLimitBackoff


def _response(code: int, body) -> requests.Response:
    response = requests.Response()
    response.status_code = code
    response._content = json.dumps(body).encode() if not isinstance(body, bytes) else body
    return response


def _backoff(now: float) -> AroFloRateLimitBackoff:
    return AroFloRateLimitBackoff(config={}, parameters={}, clock=lambda: now)


def test_per_second_rejection_waits_about_a_second():
    assert _backoff(1000.0).backoff_time(_response(429, b"<html>Too Many</html>"), 1) == 1.0
    assert _backoff(1000.0).backoff_time(_response(200, {"status": "429"}), 1) == 1.0


@pytest.mark.parametrize("now,expected", [(120.0, 60.0), (130.5, 49.5), (179.0, 1.0)])
def test_per_minute_rejection_waits_for_the_minute_to_turn(now, expected):
    body = {"status": "6", "statusmessage": "Exceeded Rate Limit - Requests per Minute"}
    assert _backoff(now).backoff_time(_response(200, body), 1) == pytest.approx(expected)


def test_other_failures_are_left_to_the_default_exponential_backoff():
    assert _backoff(0).backoff_time(_response(503, b"<html>down</html>"), 1) is None
    assert _backoff(0).backoff_time(requests.ConnectionError("reset"), 1) is None
    assert _backoff(0).backoff_time(None, 1) is None
