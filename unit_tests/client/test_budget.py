from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from aroflo_client.budget import (
    ALLOWANCE_HEADER,
    Allowance,
    BudgetExhausted,
    DailyBudget,
    allowance_of,
    next_reset,
    reset_text,
)


def _request(zone="tasks") -> requests.PreparedRequest:
    """A read as its requester plans it: LastUpdate marked free, any other zone unmarked (the daily one)."""
    headers = {ALLOWANCE_HEADER: Allowance.FREE} if zone == "lastupdate" else {}
    return requests.Request("GET", f"http://x/?zone={zone}&page=1", headers=headers).prepare()


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
        DailyBudget().observe(_response({"status": "7", "statusmessage": "Exceeded Rate Limit - Daily"}))
    assert "daily API limit" in raised.value.message and "UTC" in raised.value.message
    assert raised.value.failure_type.value == "transient_error"


def test_after_status_7_no_other_request_is_sent():
    guard = DailyBudget()
    with pytest.raises(BudgetExhausted):
        guard.observe(_response({"status": "7", "statusmessage": "Exceeded Rate Limit - Daily"}))
    with pytest.raises(BudgetExhausted):
        guard.before_send(_request("quotes"))
    guard.before_send(_request("lastupdate"))  # the free zone still works


def test_the_reserve_is_never_crossed():
    guard = DailyBudget(reserve=50)
    first, second = _request(), _request()
    guard.before_send(first)  # nothing known yet: go
    guard.observe(_response({"status": "0"}, remaining="51", request=first))
    guard.before_send(second)  # 51 -> 50: still at the reserve
    guard.observe(_response({"status": "0"}, remaining="50", request=second))
    with pytest.raises(BudgetExhausted) as raised:
        guard.before_send(_request())
    assert "reserve of 50" in raised.value.message


def test_lastupdate_is_free_and_never_stopped_or_counted():
    guard = DailyBudget(reserve=100)
    guard.observe(_response({"status": "0"}, remaining="3"))
    guard.before_send(_request("lastupdate"))
    guard.observe(_response({"status": "0"}, zone="lastupdate", remaining="2000"))
    assert guard.daily_remaining == 3


def test_without_a_reserve_the_sync_stops_when_no_call_is_left():
    guard = DailyBudget()
    guard.observe(_response({"status": "0"}, remaining="1"))
    last = _request()
    guard.before_send(last)  # the last call of the day may still go
    guard.observe(_response({"status": "0"}, remaining="0", request=last))
    with pytest.raises(BudgetExhausted) as raised:
        guard.before_send(_request())
    assert "0 calls left today" in raised.value.message


def test_requests_under_way_count_as_spent():
    """Two workers: the second request must not go on a count the first one has already used."""
    guard = DailyBudget(reserve=40)
    guard.observe(_response({"status": "0"}, remaining="42"))
    first, second, third = _request(), _request(), _request()
    guard.before_send(first)  # 42 -> 41
    guard.before_send(second)  # 41 -> 40
    with pytest.raises(BudgetExhausted):
        guard.before_send(third)  # would be 39, although no response has said so yet
    guard.observe(_response({"status": "0"}, remaining="41", request=first))
    with pytest.raises(BudgetExhausted):
        guard.before_send(third)  # `second` is still under way


def test_a_response_that_overtook_another_keeps_the_lower_count():
    guard = DailyBudget(reserve=40)
    guard.observe(_response({"status": "0"}, remaining="45"))
    first, second = _request(), _request()
    guard.before_send(first)
    guard.before_send(second)
    guard.observe(_response({"status": "0"}, remaining="43", request=second))
    guard.observe(_response({"status": "0"}, remaining="44", request=first))  # older news, arrived later
    assert guard.daily_remaining == 43


def test_a_retry_replaces_its_failed_attempt():
    """An attempt that ended in a connection error is counted until its retry goes out, not twice."""
    guard = DailyBudget(reserve=40)
    guard.observe(_response({"status": "0"}, remaining="42"))
    request = _request()
    guard.before_send(request)  # no response: the connection dropped
    guard.before_send(request)  # the retry, 42 -> 41 (counted twice, it would be 40 now)
    guard.before_send(_request())  # 41 -> 40: allowed, so the retry was counted once
    with pytest.raises(BudgetExhausted):
        guard.before_send(_request())  # 40 -> 39 would touch the reserve


def test_a_new_aroflo_day_raises_the_count_again(monkeypatch):
    from aroflo_client import budget

    days = iter([datetime(2026, 1, 15, 12, 59, tzinfo=UTC), datetime(2026, 1, 15, 13, 1, tzinfo=UTC)])

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return next(days)

    monkeypatch.setattr(budget, "datetime", Clock)
    guard = DailyBudget()
    guard.observe(_response({"status": "0"}, remaining="3"))  # 23:59 in Melbourne
    guard.observe(_response({"status": "0"}, remaining="2000"))  # 00:01: AroFlo reset the count
    assert guard.daily_remaining == 2000


def _single(record_id="a") -> requests.PreparedRequest:
    return requests.Request(
        "GET",
        f"http://x/?zone=tasks&where=and%7Ctaskid%7C%3D%7C{record_id}&page=1",
        headers={ALLOWANCE_HEADER: Allowance.SECONDARY},
    ).prepare()


@pytest.mark.parametrize("marked", [*Allowance, None])
def test_the_allowance_is_the_one_the_request_was_planned_with_and_the_marker_is_never_sent(marked):
    headers = {ALLOWANCE_HEADER: marked} if marked else {}
    # The text of the request says nothing: a single-id WHERE can be planned as daily and vice versa.
    request = requests.Request("GET", "http://x/?zone=tasks&where=and%7Ctaskid%7C%3D%7Ca", headers=headers)
    prepared = request.prepare()
    assert allowance_of(prepared) == (marked or Allowance.DAILY)
    assert ALLOWANCE_HEADER not in prepared.headers
    assert allowance_of(prepared) == (marked or Allowance.DAILY)  # a retry: the same allowance


def test_single_id_reads_spend_the_secondary_allowance_not_the_daily_one():
    guard = DailyBudget(reserve=40)
    guard.observe(_response({"status": "0"}, remaining="40"))  # the daily reserve is reached
    with pytest.raises(BudgetExhausted):
        guard.before_send(_request())
    guard.before_send(_single())  # a single-id read still goes: another allowance


def test_singles_are_taken_within_the_limit_and_above_the_secondary_floor():
    guard = DailyBudget()
    assert guard.take_singles(400, limit=500)
    assert not guard.take_singles(101, limit=500)  # over this sync's limit: batches instead
    assert guard.take_singles(100, limit=500)
    low = DailyBudget()
    response = _response({"status": "0"})
    response.headers["X-RateLimit-Secondary-Daily-Remaining"] = "1050"
    low.observe(response)
    assert not low.take_singles(60, limit=500)  # would leave fewer than 1,000 for other integrations
    assert low.take_singles(50, limit=500)
