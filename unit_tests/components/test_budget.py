from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from source_aroflo.components.budget import BudgetExhausted, DailyBudgetGuard, next_reset, reset_text


def _request(zone="tasks") -> requests.PreparedRequest:
    return requests.Request("GET", f"http://x/?zone={zone}&page=1").prepare()


def _response(body, zone="tasks", remaining: str | None = None, request=None) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    response.request = request or _request(zone)
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
        guard.before_send(_request("quotes"), reserve=0)
    guard.before_send(_request("lastupdate"), reserve=0)  # the free zone still works


def test_the_reserve_is_never_crossed():
    guard = DailyBudgetGuard()
    first, second = _request(), _request()
    guard.before_send(first, reserve=50)  # nothing known yet: go
    guard.observe(_response({"status": "0"}, remaining="51", request=first))
    guard.before_send(second, reserve=50)  # 51 -> 50: still at the reserve
    guard.observe(_response({"status": "0"}, remaining="50", request=second))
    with pytest.raises(BudgetExhausted) as raised:
        guard.before_send(_request(), reserve=50)
    assert "reserve of 50" in raised.value.message


def test_lastupdate_is_free_and_never_stopped_or_counted():
    guard = DailyBudgetGuard()
    guard.observe(_response({"status": "0"}, remaining="3"))
    guard.before_send(_request("lastupdate"), reserve=100)
    guard.observe(_response({"status": "0"}, zone="lastupdate", remaining="2000"))
    assert guard.remaining == 3


def test_without_a_reserve_the_sync_stops_when_no_call_is_left():
    guard = DailyBudgetGuard()
    guard.observe(_response({"status": "0"}, remaining="1"))
    last = _request()
    guard.before_send(last, reserve=0)  # the last call of the day may still go
    guard.observe(_response({"status": "0"}, remaining="0", request=last))
    with pytest.raises(BudgetExhausted) as raised:
        guard.before_send(_request(), reserve=0)
    assert "0 calls left today" in raised.value.message


def test_requests_under_way_count_as_spent():
    """Two workers: the second request must not go on a count the first one has already used."""
    guard = DailyBudgetGuard()
    guard.observe(_response({"status": "0"}, remaining="42"))
    first, second, third = _request(), _request(), _request()
    guard.before_send(first, reserve=40)  # 42 -> 41
    guard.before_send(second, reserve=40)  # 41 -> 40
    with pytest.raises(BudgetExhausted):
        guard.before_send(third, reserve=40)  # would be 39, although no response has said so yet
    guard.observe(_response({"status": "0"}, remaining="41", request=first))
    with pytest.raises(BudgetExhausted):
        guard.before_send(third, reserve=40)  # `second` is still under way


def test_a_response_that_overtook_another_keeps_the_lower_count():
    guard = DailyBudgetGuard()
    guard.observe(_response({"status": "0"}, remaining="45"))
    first, second = _request(), _request()
    guard.before_send(first, reserve=40)
    guard.before_send(second, reserve=40)
    guard.observe(_response({"status": "0"}, remaining="43", request=second))
    guard.observe(_response({"status": "0"}, remaining="44", request=first))  # older news, arrived later
    assert guard.remaining == 43


def test_a_retry_replaces_its_failed_attempt():
    """An attempt that ended in a connection error is counted until its retry goes out, not twice."""
    guard = DailyBudgetGuard()
    guard.observe(_response({"status": "0"}, remaining="42"))
    request = _request()
    guard.before_send(request, reserve=40)  # no response: the connection dropped
    guard.before_send(request, reserve=40)  # the retry, 42 -> 41
    guard.before_send(_request(), reserve=40)  # 41 -> 40


def test_a_new_aroflo_day_raises_the_count_again(monkeypatch):
    from source_aroflo.components import budget

    days = iter([datetime(2026, 1, 15, 12, 59, tzinfo=UTC), datetime(2026, 1, 15, 13, 1, tzinfo=UTC)])

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return next(days)

    monkeypatch.setattr(budget, "datetime", Clock)
    guard = DailyBudgetGuard()
    guard.observe(_response({"status": "0"}, remaining="3"))  # 23:59 in Melbourne
    guard.observe(_response({"status": "0"}, remaining="2000"))  # 00:01: AroFlo reset the count
    assert guard.remaining == 2000
