"""Reads and writes outside the declarative streams (aroflo_client/client.py): a read is retried like the
source's requests; a write is sent again only when it cannot have been applied."""

from __future__ import annotations

import json
import logging
import time

import pytest
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from urllib3.exceptions import MaxRetryError, NewConnectionError

from aroflo_client.budget import BudgetExhausted
from aroflo_client.client import AroFloClient, never_left
from aroflo_client.paging import Ask

URL = "https://aroflo.example/"
CONFIG = {"u_encoded": "u", "p_encoded": "p", "org_encoded": "o", "secret_key": "s", "base_url": URL}
OK = {"status": "0", "statusmessage": "Login OK"}


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)


@pytest.fixture
def client() -> AroFloClient:
    return AroFloClient(CONFIG, logging.getLogger("test"))


def page(records: list, size: int = 500, key: str = "tasks") -> dict:
    return {**OK, "zoneresponse": {key: records, "currentpageresults": len(records), "maxpageresults": size}}


def posted(**results) -> dict:
    return {**OK, "zoneresponse": {"postresults": {"errors": [], **results}}}


def test_a_read_is_signed_and_asks_exactly_what_it_is_given(client, requests_mock):
    requests_mock.get(URL, json=page([{"taskid": "a"}]))
    answer = client.read(
        "tasks", ["and|jobnumber|IN|1050*1051"], join="notes", ask=Ask(page=2, page_size=100)
    )
    sent = requests_mock.last_request
    assert answer.records("tasks") == [{"taskid": "a"}]
    assert (
        sent.url.split("?")[1]
        == "zone=tasks&where=and%7Cjobnumber%7CIN%7C1050*1051&join=notes&page=2&pageSize=100"
    )
    assert sent.headers["Authentication"].startswith("HMAC ")


def test_read_all_pages_to_the_true_last_page_and_asks_again_in_smaller_pages(client, requests_mock):
    requests_mock.get(
        URL,
        [
            {"json": page([{"n": i} for i in range(500)])},
            {"json": {"status": "8", "statusmessage": "Exceeded Size Limit"}},
            {"json": page([{"n": 500 + i} for i in range(250)], 250)},
            {"json": page([{"n": 750}], 250)},
        ],
    )
    records = list(client.read_all("tasks", "tasks", ["and|w|=|1"]))
    assert [r["n"] for r in records] == list(range(751))
    pages = [(r.qs["page"], r.qs["pagesize"]) for r in requests_mock.request_history]
    assert pages == [(["1"], ["500"]), (["2"], ["500"]), (["3"], ["250"]), (["4"], ["250"])]


def test_a_read_refused_for_the_credentials_fails_saying_what_to_fix(client, requests_mock):
    requests_mock.get(URL, json={"status": "3", "statusmessage": "Login Failed - Permission Denied"})
    with pytest.raises(AirbyteTracedException) as failure:
        client.read("lastupdate", [])
    assert failure.value.failure_type == FailureType.config_error
    assert "AroFlo denied access" in failure.value.message


def test_a_dropped_read_is_tried_again(client, requests_mock):
    requests_mock.get(URL, [{"exc": requests.exceptions.ConnectionError("reset")}, {"json": page([])}])
    assert client.read("tasks", []).ok and requests_mock.call_count == 2


def test_a_write_posts_its_form_body_signed(client, requests_mock):
    requests_mock.post(URL, json=posted(inserttotal=1, inserts={"clients": [{"clientid": "N"}]}))
    answer = client.write(
        "clients", "<clients><client><clientname><![CDATA[A B]]></clientname></client></clients>"
    )
    sent = requests_mock.last_request
    assert answer.known and answer.results["inserts"] == {"clients": [{"clientid": "N"}]}
    assert sent.text.startswith(
        "zone=clients&postxml=%3Cclients%3E%3Cclient%3E%3Cclientname%3E%3C!%5BCDATA%5BA%20B"
    )
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    "failure",
    [
        {"exc": requests.exceptions.ReadTimeout("read timed out")},
        {"exc": requests.exceptions.ConnectionError("Connection aborted: RemoteDisconnected")},
        {"status_code": 502, "text": "<html>Bad gateway</html>"},
        {"json": {"status": "888888", "statusmessage": "IMSAPI request has timed out"}},
        {"json": {"status": "8", "statusmessage": "Exceeded Size Limit"}},
        {"json": {"status": "42", "statusmessage": "Something new"}},
        {"text": "not json"},
    ],
)
def test_a_write_that_may_have_been_applied_is_never_sent_again(client, requests_mock, failure):
    requests_mock.post(URL, [failure, {"json": posted()}])
    answer = client.write("clients", "<clients/>")
    assert not answer.known and answer.why_unknown
    assert requests_mock.call_count == 1


@pytest.mark.parametrize(
    "refusal",
    [
        {"exc": requests.exceptions.ConnectTimeout("connect timeout")},
        {
            "exc": requests.exceptions.ConnectionError(
                MaxRetryError(None, URL, NewConnectionError(None, "refused"))
            )
        },
        {"status_code": 429, "text": "Too Many Requests"},
        {"json": {"status": "429", "statusmessage": "Too Many Requests Per Second (max x3)"}},
        {"json": {"status": "-99999", "statusmessage": "Authentication Failed - Payload has expired"}},
    ],
)
def test_a_write_that_never_reached_aroflo_or_was_refused_before_processing_is_sent_again(
    client, requests_mock, refusal
):
    requests_mock.post(URL, [refusal, {"json": posted(updatetotal=1)}])
    assert client.write("clients", "<clients/>").known
    assert requests_mock.call_count == 2


def test_a_write_refused_for_permission_fails_at_once_as_a_configuration_error(client, requests_mock):
    requests_mock.post(URL, json={"status": "4", "statusmessage": "Login Failed - Permission Denied"})
    with pytest.raises(AirbyteTracedException) as failure:
        client.write("clients", "<clients/>")
    assert failure.value.failure_type == FailureType.config_error
    assert "this API user may read but not write" in failure.value.message
    assert requests_mock.call_count == 1


def test_the_daily_limit_ends_a_write_with_the_reset_time(client, requests_mock):
    requests_mock.post(URL, json={"status": "7", "statusmessage": "Exceeded Rate Limit - Daily"})
    with pytest.raises(BudgetExhausted, match="resets the daily count"):
        client.write("clients", "<clients/>")


def test_a_write_below_the_daily_reserve_is_never_sent(requests_mock):
    client = AroFloClient({**CONFIG, "daily_call_reserve": 100}, logging.getLogger("test"))
    requests_mock.get(URL, json=page([]), headers={"X-RateLimit-Daily-Remaining": "100"})
    requests_mock.post(URL, json=posted())
    client.read("tasks", [])
    with pytest.raises(BudgetExhausted, match="reserve of 100"):
        client.write("clients", "<clients/>")
    assert [r.method for r in requests_mock.request_history] == ["GET"]


def test_never_left_reads_the_chain_requests_builds():
    refused = requests.exceptions.ConnectionError(
        MaxRetryError(None, URL, NewConnectionError(None, "refused"))
    )
    assert never_left(refused) and never_left(requests.exceptions.ConnectTimeout())
    assert not never_left(requests.exceptions.ReadTimeout()) and not never_left(
        requests.exceptions.ChunkedEncodingError()
    )
    assert json.dumps(OK)  # (the answers above are AroFlo's envelopes)
