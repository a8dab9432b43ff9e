"""AroFlo's call rate and timeouts, defined once (aroflo_client/limits.py), used by the source; the call rate
kept unless a test lifts it (AROFLO_TEST_UNLIMITED_CALL_RATE=1)."""

from __future__ import annotations

import logging
import os

import pytest
import requests
from airbyte_cdk.sources.streams.call_rate import MovingWindowCallRatePolicy, UnlimitedCallRatePolicy

from aroflo_client import limits
from aroflo_testing.harness import call_rate_in_process, connector_environment
from source_aroflo import SourceAroflo

CONFIG = {"u_encoded": "u", "p_encoded": "p", "org_encoded": "o", "secret_key": "s"}
LINK = "https://office.aroflo.com/DocStorage/BGRF-BTUK-original?expires=1700000000&signature=ABCDEF"


@pytest.mark.parametrize(
    "url,api_call",
    [
        ("https://api.aroflo.com/?zone=tasks&page=1", True),
        ("https://proxy.example.com/aroflo/?zone=lastupdate", True),
        (LINK, False),
        ("http://127.0.0.1:8765/DocStorage/BGRF-BTUK-original?expires=1&signature=AB", False),
    ],
)
def test_only_api_calls_share_the_rate_window(url: str, api_call: bool):
    """AroFlo's 3 calls a second and 120 a minute are API calls; a file's download is not one."""
    policy = limits.api_budget().get_matching_policy(requests.Request("GET", url).prepare())
    assert (policy is not None) is api_call


AROFLO_RATES = [(3, 1500), (118, 60_000)]  # (calls, milliseconds)


def rates(budget) -> list[tuple[int, int]]:
    [policy] = budget._policies
    assert isinstance(policy, MovingWindowCallRatePolicy), policy
    return [(rate.limit, rate.interval) for rate in policy._bucket.rates]


@pytest.mark.parametrize("value", [None, "", "0", "true", "yes"])
def test_aroflos_call_rate_is_kept_unless_a_test_sets_the_variable_to_1(
    value: str | None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    if value is None:
        monkeypatch.delenv(limits.UNLIMITED_CALL_RATE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(limits.UNLIMITED_CALL_RATE_VARIABLE, value)
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        assert rates(limits.api_budget()) == AROFLO_RATES
        assert rates(SourceAroflo(config=CONFIG)._constructor._api_budget) == AROFLO_RATES
    assert limits.UNLIMITED_CALL_RATE_WARNING not in caplog.messages


def test_a_test_that_lifts_the_call_rate_gets_no_pacing_and_a_loud_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setenv(limits.UNLIMITED_CALL_RATE_VARIABLE, "1")
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        budget = SourceAroflo(config=CONFIG)._constructor._api_budget
    [policy] = budget._policies
    assert isinstance(policy, UnlimitedCallRatePolicy)
    assert caplog.messages.count(limits.UNLIMITED_CALL_RATE_WARNING) == 1
    assert (
        "TEST-ONLY" in limits.UNLIMITED_CALL_RATE_WARNING and "NOT kept" in limits.UNLIMITED_CALL_RATE_WARNING
    )
    # Still only API calls: a file's download is not one, lifted or not.
    assert budget.get_matching_policy(requests.Request("GET", LINK).prepare()) is None


def test_the_harness_lifts_the_call_rate_only_for_the_runs_that_ask(monkeypatch: pytest.MonkeyPatch):
    """A connector run is paced as shipped even if the test process has the variable set; only a run asked
    to be unlimited gets it."""
    variable = limits.UNLIMITED_CALL_RATE_VARIABLE
    monkeypatch.setenv(variable, "1")
    assert variable not in connector_environment()
    assert connector_environment(unlimited_call_rate=True)[variable] == "1"
    with call_rate_in_process(unlimited_call_rate=False):
        assert not limits.call_rate_lifted()
    assert limits.call_rate_lifted()  # restored
    monkeypatch.delenv(variable)
    with call_rate_in_process(unlimited_call_rate=True):
        assert limits.call_rate_lifted()
    assert variable not in os.environ


def test_the_source_requesters_share_the_one_budget(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(limits.UNLIMITED_CALL_RATE_VARIABLE, raising=False)
    factory = SourceAroflo(config=CONFIG)._constructor
    budget = factory._api_budget  # the CDK hands this to every requester it builds
    [policy] = budget._policies
    assert [(rate.limit, rate.interval) for rate in policy._bucket.rates] == [(3, 1500), (118, 60_000)]


@pytest.mark.parametrize(
    "config,expected", [({}, (30.0, 120.0)), ({"request_timeout_seconds": 10}, (10.0, 10.0))]
)
def test_timeouts(config, expected):
    assert limits.timeouts(config) == expected
