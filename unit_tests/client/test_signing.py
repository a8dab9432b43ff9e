"""The HMAC signer against other AroFlo clients' test vectors (AdrianAFPlumbing/aroflo-mcp
`tests/fixtures/auth-vectors.json`, DaKingKong/app-connect-aroflo `test/arofloClient.test.ts`), two computed
independently with Python `hmac` and Node `crypto`, and on real prepared requests."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from unittest import mock

import pytest
import requests

from aroflo_client import signing
from aroflo_client.budget import DailyBudget
from aroflo_client.signing import (
    Credentials,
    Signer,
    authorization_value,
    canonical_payload,
    encode_component,
    sign,
    utc_timestamp,
)
from source_aroflo.components.auth import AroFloHmacAuthenticator

MCP_AUTHORIZATION = "uencoded=test-user&pencoded=test-pass&orgEncoded=test-org"
MCP_TIMESTAMP = "2024-05-13T23:14:15.000Z"

# (name, method, secret, authorization, timestamp, var_string, host_ip, expected payload prefix, signature)
VECTORS = [
    (
        "mcp get_with_hostip",
        "GET",
        "top-secret",
        MCP_AUTHORIZATION,
        MCP_TIMESTAMP,
        "zone=lastupdate&where=and%7Czonename%7C%3D%7Ctasks&order=lastupdateutc%7Casc&page=1",
        "203.0.113.10",
        "GET+203.0.113.10++text/json+uencoded=test-user",
        "92b116903c261939c95edf99be9dcc9d0875cadbcfe4ea39eb1610a23150eb66"
        "c978552e0a3b7f35e532120cec474decf08056d906bafea9d0347eee1fdb7ec4",
    ),
    (
        "mcp get_without_hostip_multiple_where",
        "GET",
        "top-secret",
        MCP_AUTHORIZATION,
        MCP_TIMESTAMP,
        "zone=lastupdate&where=and%7Czonename%7C%3D%7Cquotes&where=and%7Clastupdateutc%7C%3E%7C2022%2F02%2F01"
        "&order=lastupdateutc%7Casc&page=2&pageSize=250",
        None,
        "GET++text/json+uencoded=test-user",
        "44b846cb9789c4bdc867f360b81e9713dde09770e92f0dd14f8ade11048c3894"
        "a8a5d92afda10818d2d63dfca4ba79817d91c0837f61fcb7217676bf2619db98",
    ),
    (
        "mcp post_without_hostip",
        "POST",
        "top-secret",
        MCP_AUTHORIZATION,
        MCP_TIMESTAMP,
        "zone=tasks&postxml=%3Cimsapi%3E%3Ctasks%3E%3Ctask%3E%3Ctaskname%3EInstall%20AC%3C%2Ftaskname%3E"
        "%3C%2Ftask%3E%3C%2Ftasks%3E%3C%2Fimsapi%3E",
        None,
        "POST++text/json+",
        "cc1268307616344cb0986335ec1f5f73a7c562359532020a1f0a07cff8827cda"
        "ac40d246ca794aa933211c10453323557ad93c04572cf5659cb195ec597ec0b7",
    ),
    (
        "dkk contacts",
        "GET",
        "secret",
        authorization_value("user+encoded", "pass/encoded", "org=encoded"),
        "2026-01-02T03:04:05.000Z",
        "zone=contacts&where=and%7Carchived%7C%3D%7Cfalse",
        None,
        "GET++text/json+uencoded=user%2Bencoded&pencoded=pass%2Fencoded&orgEncoded=org%3Dencoded+",
        "d60ebd65a9281c5b4f6ae9a1c665302a9850aef96c4906b43473197ff156a515"
        "6b864fa8fbdfee89368f29af028ccdec71991071abdcb09cb5982f8fa5107c57",
    ),
    (
        "computed tasks without HostIP",
        "GET",
        "example-secret-key",
        authorization_value("PjZP+Qj/x==", "cTdod3Fk", "JSc6TyBQ=="),
        "2024-01-02T03:04:05.678Z",
        "zone=tasks&where=and%7Clastupdateddatetimeutc%7C%3E%7C2024-01-01%2000%3A00%3A00"
        "&order=lastupdated%7Casc&page=1&pageSize=100",
        None,
        "GET++text/json+uencoded=PjZP%2BQj%2Fx%3D%3D&pencoded=cTdod3Fk&orgEncoded=JSc6TyBQ%3D%3D+",
        "1cfdcb57c5666afd0aebe9adaa47fa9760e421d8e3c0d39550f392e603f66655"
        "35bc968c7469bdc689c763091e204d45d25bf15a070f15b1601555f4fb5982e8",
    ),
    (
        "computed tasks with HostIP",
        "GET",
        "example-secret-key",
        authorization_value("PjZP+Qj/x==", "cTdod3Fk", "JSc6TyBQ=="),
        "2024-01-02T03:04:05.678Z",
        "zone=tasks&where=and%7Clastupdateddatetimeutc%7C%3E%7C2024-01-01%2000%3A00%3A00"
        "&order=lastupdated%7Casc&page=1&pageSize=100",
        "203.0.113.7",
        "GET+203.0.113.7++text/json+",
        "4527800dfe8de05ef87a6d3d3d3bc0f4700c8509541ebcb56298d7feb07d47cb"
        "a505984c94a461d332281c2d0292c70e0de13429d65ce38ec0661b0c09abcf2a",
    ),
]


@pytest.mark.parametrize(
    "method,secret,authorization,timestamp,var_string,host_ip,payload_prefix,signature",
    [v[1:] for v in VECTORS],
    ids=[v[0] for v in VECTORS],
)
def test_published_vectors(
    method, secret, authorization, timestamp, var_string, host_ip, payload_prefix, signature
):
    payload = canonical_payload(method, "text/json", authorization, timestamp, var_string, host_ip)
    assert payload.startswith(payload_prefix)
    assert payload.endswith("+" + timestamp + "+" + var_string)
    assert sign(secret, payload) == signature


def test_authorization_value_encodes_base64_characters():
    assert authorization_value("PjZP+Qj/x==", "cTdod3Fk", "JSc6TyBQ==") == (
        "uencoded=PjZP%2BQj%2Fx%3D%3D&pencoded=cTdod3Fk&orgEncoded=JSc6TyBQ%3D%3D"
    )


def test_timestamp_has_milliseconds_and_z():
    assert utc_timestamp(datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)) == "2024-01-02T03:04:05.678Z"


def _config(**extra):
    return {
        "u_encoded": " PjZP+Qj/x== ",
        "p_encoded": "cTdod3Fk\n",
        "org_encoded": "JSc6TyBQ==",
        "secret_key": " example-secret-key ",
        **extra,
    }


def _prepared(params):
    return requests.Request("GET", "https://api.aroflo.com/", params=params).prepare()


# The request behind the first computed vector, as the connector builds it.
COMPUTED_VECTOR_PARAMS = [
    ("zone", "tasks"),
    ("where", "and|lastupdateddatetimeutc|>|2024-01-01 00:00:00"),
    ("order", "lastupdated|asc"),
    ("page", "1"),
    ("pageSize", "100"),
]


def test_signs_the_exact_query_sent_and_reproduces_the_computed_vector():
    """The computed vector without HostIP end to end: the authenticator's output equals its signature."""
    signer = AroFloHmacAuthenticator(config=_config(), parameters={})
    request = _prepared(COMPUTED_VECTOR_PARAMS)
    with mock.patch.object(signing, "utc_timestamp", return_value="2024-01-02T03:04:05.678Z"):
        signed = signer(request)
    assert signed.url == (
        "https://api.aroflo.com/?zone=tasks&where=and%7Clastupdateddatetimeutc%7C%3E%7C2024-01-01%2000%3A00%3A00"
        "&order=lastupdated%7Casc&page=1&pageSize=100"
    )
    assert signed.headers["Authentication"] == "HMAC " + VECTORS[4][-1]
    assert (
        signed.headers["Authorization"]
        == "uencoded=PjZP%2BQj%2Fx%3D%3D&pencoded=cTdod3Fk&orgEncoded=JSc6TyBQ%3D%3D"
    )
    assert signed.headers["Accept"] == "text/json"
    assert signed.headers["afdatetimeutc"] == "2024-01-02T03:04:05.678Z"
    assert "HostIP" not in signed.headers


def test_host_ip_goes_into_header_and_signature():
    signer = AroFloHmacAuthenticator(config=_config(host_ip=" 203.0.113.7 "), parameters={})
    request = _prepared(COMPUTED_VECTOR_PARAMS)
    with mock.patch.object(signing, "utc_timestamp", return_value="2024-01-02T03:04:05.678Z"):
        signed = signer(request)
    assert signed.headers["HostIP"] == "203.0.113.7"
    assert signed.headers["Authentication"] == "HMAC " + VECTORS[5][-1]


def test_repeated_where_is_kept_in_order_and_signed():
    signer = AroFloHmacAuthenticator(config=_config(), parameters={})
    signed = signer(_prepared([("zone", "quotes"), ("where", "and|a|=|1"), ("where", "or|b|>|x y")]))
    assert signed.url.endswith("?zone=quotes&where=and%7Ca%7C%3D%7C1&where=or%7Cb%7C%3E%7Cx%20y")


def test_every_attempt_gets_a_fresh_timestamp_and_signature():
    signer = AroFloHmacAuthenticator(config=_config(), parameters={})
    stamps = iter(["2024-01-02T03:04:05.678Z", "2024-01-02T03:04:07.001Z"])
    request = _prepared([("zone", "tasks")])
    with mock.patch.object(signing, "utc_timestamp", side_effect=lambda: next(stamps)):
        first = dict(signer(request).headers)
        second = dict(signer(request).headers)  # the CDK re-runs session.auth before each retry
    assert first["afdatetimeutc"] != second["afdatetimeutc"]
    assert first["Authentication"] != second["Authentication"]
    assert re.fullmatch(r"HMAC [0-9a-f]{128}", second["Authentication"])


def test_no_static_auth_header_is_exposed():
    signer = AroFloHmacAuthenticator(config=_config(), parameters={})
    assert signer.get_auth_header() == {}


def test_every_request_is_checked_and_watched_by_the_daily_budget_it_was_given():
    budget = DailyBudget(reserve=10)
    signer = AroFloHmacAuthenticator(config=_config(), parameters={}, budget=budget)
    request = signer(requests.Request("GET", "https://api.aroflo.com/?zone=tasks&page=1").prepare())
    assert budget.observe in request.hooks["response"]


def test_a_write_signs_its_form_body_and_sends_it_unchanged():
    """POST: the form body `zone=...&postxml=...` is the signed var string (AroFlo's POST examples); the
    vendor's MCP vector above reproduces the payload form."""
    body = "zone=clients&postxml=" + encode_component(
        "<clients><client><clientname>A B</clientname></client></clients>"
    )
    request = requests.Request(
        "POST",
        "https://api.aroflo.com/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ).prepare()
    with mock.patch.object(signing, "utc_timestamp", return_value="2024-01-02T03:04:05.678Z"):
        signed = Signer(Credentials.from_config(_config()))(request)
    payload = canonical_payload(
        "POST", "text/json", signed.headers["Authorization"], "2024-01-02T03:04:05.678Z", body, None
    )
    assert signed.body == body
    assert signed.headers["Authentication"] == "HMAC " + sign("example-secret-key", payload)


def test_the_source_authenticator_is_the_shared_signer():
    authenticator = AroFloHmacAuthenticator(config=_config(), parameters={})
    request = _prepared(COMPUTED_VECTOR_PARAMS)
    with mock.patch.object(signing, "utc_timestamp", return_value="2024-01-02T03:04:05.678Z"):
        ours = authenticator(_prepared(COMPUTED_VECTOR_PARAMS)).headers["Authentication"]
        shared = Signer.from_config(_config())(request).headers["Authentication"]
    assert ours == shared


@pytest.mark.parametrize("budget", [None, DailyBudget()])
def test_the_allowance_marker_is_taken_off_before_the_request_leaves(budget):
    from aroflo_client.budget import ALLOWANCE_HEADER, Allowance, allowance_of

    marked = {ALLOWANCE_HEADER: Allowance.SECONDARY}
    request = requests.Request("GET", "https://api.aroflo.com/?zone=tasks", headers=marked).prepare()
    signed = Signer(Credentials("u", "p", "o", "secret"), budget)(request)
    assert ALLOWANCE_HEADER not in signed.headers and ALLOWANCE_HEADER not in str(signed.headers)
    assert allowance_of(signed) is Allowance.SECONDARY  # the budget still knows what it spends
