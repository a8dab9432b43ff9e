"""AroFlo's call rate and timeouts, defined once (aroflo_client/limits.py), used by the source."""

from __future__ import annotations

import pytest
import requests

from aroflo_client import limits
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


def test_the_source_requesters_share_the_one_budget():
    factory = SourceAroflo(config=CONFIG)._constructor
    budget = factory._api_budget  # the CDK hands this to every requester it builds
    [policy] = budget._policies
    assert [(rate.limit, rate.interval) for rate in policy._bucket.rates] == [(3, 1500), (118, 60_000)]


@pytest.mark.parametrize(
    "config,expected", [({}, (30.0, 120.0)), ({"request_timeout_seconds": 10}, (10.0, 10.0))]
)
def test_timeouts(config, expected):
    assert limits.timeouts(config) == expected
