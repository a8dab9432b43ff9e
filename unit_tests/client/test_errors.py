"""AroFlo's answers mapped to the CDK's actions by the one status table (aroflo_client/status.py).

The expected rows are what the manifest's ten response filters decided before the table replaced them
(recorded on 2026-12-06 by running the CDK's DefaultErrorHandler with those filters over these answers),
with two deliberate differences, marked: rate limits and retries are `transient_error` (the filters left the
CDK's default `system_error`), and a 2xx answer that is not an AroFlo envelope is retried instead of read as
an empty page (which ended a zone's read early, silently).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import yaml
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.models.declarative_component_schema import CustomErrorHandler
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction

from aroflo_client.envelope import Envelope
from aroflo_client.errors import AroFloErrorHandler
from aroflo_client.status import STATUSES, Meaning, status_of

MANIFEST = Path(__file__).parents[2] / "source_aroflo" / "manifest.yaml"
CONFIG_ERROR, SYSTEM_ERROR, TRANSIENT = (
    FailureType.config_error,
    FailureType.system_error,
    FailureType.transient_error,
)
A = ResponseAction


@pytest.fixture(scope="module")
def handler() -> AroFloErrorHandler:
    """The manifest's own error handler, built by the CDK's factory."""
    definitions = ManifestReferenceResolver().preprocess_manifest(yaml.safe_load(MANIFEST.read_text()))
    built = ModelToComponentFactory().create_component(
        CustomErrorHandler, definitions["definitions"]["error_handler"], config={}
    )
    assert isinstance(built, AroFloErrorHandler)
    return built


def _response(body, http_status: int = 200) -> requests.Response:
    response = requests.Response()
    response.status_code = http_status
    response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response.url = "https://api.aroflo.com/?zone=tasks"
    return response


PAGE = {"status": "0", "statusmessage": "Login OK", "zoneresponse": {"tasks": [{"taskid": "a"}]}}
SIGNATURE = " ".join(
    [
        'AroFlo rejected the request signature ("Invalid signature"). Check the API Secret Key (Site',
        "Administration > Settings > General > AroFlo API) and, if set, that Host IP is the public IP this",
        "connector's requests leave from.",
    ]
)
CREDENTIALS = " ".join(
    [
        'AroFlo refused the API credentials ("Unauthorised"). In AroFlo, open Site Administration >',
        "Settings > General > AroFlo API, make sure the API key was generated and the settings saved, then",
        "copy uEncoded, pEncoded, orgEncoded and the API Secret Key again.",
    ]
)
LOGIN = " ".join(
    [
        'AroFlo could not log in ("Login failed"). uEncoded, pEncoded and orgEncoded must all be filled in',
        "exactly as shown in Site Administration > Settings > General > AroFlo API.",
    ]
)
PERMISSION = " ".join(
    [
        'AroFlo denied access ("No access", status 20). Check that uEncoded, pEncoded and orgEncoded',
        "belong to the same user and organisation (uEncoded changes when the username changes) and that",
        "this user has AroFlo API access enabled.",
    ]
)
DAILY = " ".join(
    [
        "AroFlo's daily API limit is used up. It resets at midnight Australia/Melbourne; the next sync",
        "resumes from the saved state.",
    ]
)
NOT_ENVELOPE = "AroFlo answered HTTP 200 without its JSON envelope (a proxy or an outage page?)"

# (body, HTTP status) -> (action, failure type, message)
ANSWERS = [
    ((PAGE, 200), (A.SUCCESS, None, None)),
    (({**PAGE, "status": 0}, 200), (A.SUCCESS, None, None)),
    (
        ({"zoneresponse": {"quotes": []}}, 200),
        (A.SUCCESS, None, None),
    ),  # no status (AroFlo's Quotes examples)
    (({**PAGE, "status": None}, 200), (A.SUCCESS, None, None)),
    # The filters failed " 0" while the record extractor read it as "0": now both read it as "0".
    (({**PAGE, "status": " 0"}, 200), (A.SUCCESS, None, None)),
    (({**PAGE, "status": "0.0"}, 200), (A.FAIL, SYSTEM_ERROR, "AroFlo answered status 0.0: Login OK")),
    (({"status": "6", "statusmessage": "Rate limit exceeded"}, 200), (A.RATE_LIMITED, TRANSIENT, "")),
    (({"status": "429"}, 200), (A.RATE_LIMITED, TRANSIENT, "")),
    (({"status": "7", "statusmessage": "Daily limit"}, 200), (A.FAIL, TRANSIENT, DAILY)),
    (({"status": "7", "statusmessage": "Daily limit"}, 429), (A.FAIL, TRANSIENT, DAILY)),
    (({"status": "8", "statusmessage": "Too large"}, 200), (A.IGNORE, None, "")),
    (({"status": "888888"}, 200), (A.IGNORE, None, "")),
    (({"status": 9, "statusmessage": "Invalid WHERE Clause"}, 200), (A.IGNORE, None, "")),
    (({"status": "-99999", "statusmessage": "Request expired"}, 200), (A.RETRY, TRANSIENT, "")),
    (({"status": "-99999", "statusmessage": "Invalid signature"}, 200), (A.FAIL, CONFIG_ERROR, SIGNATURE)),
    (({"status": "-99999", "statusmessage": "Unauthorised"}, 200), (A.FAIL, CONFIG_ERROR, CREDENTIALS)),
    (({"status": "1", "statusmessage": "Login failed"}, 200), (A.FAIL, CONFIG_ERROR, LOGIN)),
    (({"status": "20", "statusmessage": "No access"}, 200), (A.FAIL, CONFIG_ERROR, PERMISSION)),
    (
        ({"status": "42", "statusmessage": "Something new"}, 200),
        (A.FAIL, SYSTEM_ERROR, "AroFlo answered status 42: Something new"),
    ),
    ((PAGE, 429), (A.RATE_LIMITED, TRANSIENT, "HTTP Status Code: 429. Error: Too many requests.")),
    ((PAGE, 500), (A.RETRY, TRANSIENT, "HTTP Status Code: 500. Error: Internal server error.")),
    (({}, 503), (A.RETRY, TRANSIENT, "HTTP Status Code: 503. Error: Service unavailable.")),
    ((b"<html>Bad gateway</html>", 502), (A.RETRY, TRANSIENT, "HTTP Status Code: 502. Error: Bad gateway.")),
    # The filters let these through as successes with no records: a zone's read ended there.
    ((b"not json", 200), (A.RETRY, TRANSIENT, NOT_ENVELOPE)),
    (([PAGE], 200), (A.RETRY, TRANSIENT, NOT_ENVELOPE)),
]


@pytest.mark.parametrize(("answer", "expected"), ANSWERS)
def test_every_answer_is_decided_by_the_status_table(handler, answer, expected):
    resolution = handler.interpret_response(_response(*answer))
    assert (resolution.response_action, resolution.failure_type, resolution.error_message) == expected


@pytest.mark.parametrize(
    "error", [requests.exceptions.ReadTimeout("read"), requests.exceptions.ConnectionError("dropped")]
)
def test_a_dropped_or_stalled_request_is_retried(handler, error):
    assert handler.interpret_response(error).response_action is ResponseAction.RETRY


def test_the_manifest_gives_the_retries_and_the_rate_limit_backoff(handler):
    assert handler.max_retries == 8
    assert [type(b).__name__ for b in handler.backoff_strategies] == ["AroFloRateLimitBackoff"]


def test_a_success_is_decoded_once_by_the_handler_and_every_envelope_reader(handler):
    response = _response(PAGE)
    decodes = [0]
    decode = response.json

    def counted(**kwargs):
        decodes[0] += 1
        return decode(**kwargs)

    response.json = counted  # type: ignore[method-assign]
    assert handler.interpret_response(response).response_action == ResponseAction.SUCCESS
    assert Envelope.read(response).records("tasks") == [{"taskid": "a"}]
    assert decodes == [1]


def test_every_documented_status_has_its_row():
    """AroFlo's README status table: every code a connector can meet is decided by a row of its own."""
    documented = {"-99999", "0", "1", "2", "3", "4", "6", "7", "8", "20", "30", "429", "888888"}
    assert documented | {"9"} == {code for row in STATUSES for code in row.codes}
    assert (
        status_of("-99999", "Authentication Failed - AroFlo API setup is invalid").meaning
        is Meaning.CREDENTIALS
    )
    assert (
        status_of("-99999", "Authentication Failed - Required headers are missing").meaning
        is Meaning.CREDENTIALS
    )


def test_refusals_before_processing_are_the_only_ones_a_write_may_simply_send_again():
    """A write answered with one of these was not applied; any other answer may have been."""
    again = {row.meaning for row in STATUSES if row.before_processing}
    assert again == {
        Meaning.PER_MINUTE_LIMIT,
        Meaning.PER_SECOND_LIMIT,
        Meaning.DAILY_LIMIT,
        Meaning.EXPIRED,
        Meaning.SIGNATURE,
        Meaning.CREDENTIALS,
        Meaning.LOGIN,
        Meaning.PERMISSION,
    }
    assert not status_of("8").before_processing and not status_of("888888").before_processing
