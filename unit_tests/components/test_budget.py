from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from source_aroflo.components.budget import BudgetExhausted, DailyBudgetGuard, next_reset, reset_text


def _response(body, zone="tasks", remaining: str | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    response.request = requests.Request("GET", f"http://x/?zone={zone}&page=1").prepare()
    if remaining is not None:
        response.headers["X-RateLimit-Daily-Remaining"] = remaining
    return response


@pytest.mark.parametrize(
    "now,reset_utc",
    [
        (datetime(2026, 1, 15, 5, 0, tzinfo=UTC), "2026-01-15 13:00"),  # summer: AEDT, UTC+11
        (datetime(2026, 7, 15, 5, 0, tzinfo=UTC), "2026-07-15 14:00"),  # winter: AEST, UTC+10
        (datetime(2026, 7, 15, 15, 0, tzinfo=UTC), "2026-07-16 14:00"),  # already tomorrow in Melbourne
    ],
)
def test_reset_is_the_next_melbourne_midnight(now, reset_utc):
    assert f"{next_reset(now).astimezone(UTC):%Y-%m-%d %H:%M}" == reset_utc
    assert f"{reset_utc} UTC" in reset_text(now)


def test_status_7_stops_at_once_with_the_reset_time():
    with pytest.raises(BudgetExhausted) as raised:
        DailyBudgetGuard().observe(_response({"status": "7", "statusmessage": "Exceeded Rate Limit - Daily"}))
    assert "daily API limit" in raised.value.message and "UTC" in raised.value.message
    assert raised.value.failure_type.value == "transient_error"


def test_after_status_7_no_other_request_is_sent():
    guard = DailyBudgetGuard()
    with pytest.raises(BudgetExhausted):
        guard.observe(_response({"status": "7", "statusmessage": "Exceeded Rate Limit - Daily"}))
    with pytest.raises(BudgetExhausted):
        guard.before_send("http://x/?zone=quotes", reserve=0)
    guard.before_send("http://x/?zone=lastupdate", reserve=0)  # the free zone still works


def test_the_reserve_is_never_crossed():
    guard = DailyBudgetGuard()
    guard.before_send("http://x/?zone=tasks", reserve=50)  # nothing known yet: go
    guard.observe(_response({"status": "0"}, remaining="51"))
    guard.before_send("http://x/?zone=tasks", reserve=50)  # 51 -> 50: still at the reserve
    guard.observe(_response({"status": "0"}, remaining="50"))
    with pytest.raises(BudgetExhausted) as raised:
        guard.before_send("http://x/?zone=tasks", reserve=50)
    assert "reserve of 50" in raised.value.message


def test_lastupdate_is_free_and_never_stopped_or_counted():
    guard = DailyBudgetGuard()
    guard.observe(_response({"status": "0"}, remaining="3"))
    guard.before_send("http://x/?zone=lastupdate", reserve=100)
    guard.observe(_response({"status": "0"}, zone="lastupdate", remaining="2000"))
    assert guard.remaining == 3


def test_without_a_reserve_the_sync_stops_when_no_call_is_left():
    guard = DailyBudgetGuard()
    guard.observe(_response({"status": "0"}, remaining="1"))
    guard.before_send("http://x/?zone=tasks", reserve=0)  # the last call of the day may still go
    guard.observe(_response({"status": "0"}, remaining="0"))
    with pytest.raises(BudgetExhausted) as raised:
        guard.before_send("http://x/?zone=tasks", reserve=0)
    assert "0 calls left today" in raised.value.message
