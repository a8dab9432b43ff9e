"""The error handler decides every answer exactly as the CDK's DefaultErrorHandler with the manifest's filters
would, and decodes a success's body once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import yaml
from airbyte_cdk.sources.declarative.models.declarative_component_schema import CustomErrorHandler
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.declarative.requesters.error_handlers import DefaultErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction

from source_aroflo.components.envelope import Envelope
from source_aroflo.components.errors import AroFloErrorHandler, is_success

MANIFEST = Path(__file__).parents[2] / "source_aroflo" / "manifest.yaml"


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


def _counting_decodes(response: requests.Response) -> list[int]:
    decodes = [0]
    decode = response.json

    def counted(**kwargs):
        decodes[0] += 1
        return decode(**kwargs)

    response.json = counted  # type: ignore[method-assign]
    return decodes


PAGE = {"status": "0", "statusmessage": "Login OK", "zoneresponse": {"tasks": [{"taskid": "a"}]}}
ANSWERS = [
    (PAGE, 200),
    ({**PAGE, "status": 0}, 200),
    ({"zoneresponse": {"quotes": []}}, 200),  # no status at all (AroFlo's Quotes examples)
    ({**PAGE, "status": None}, 200),
    ({**PAGE, "status": " 0"}, 200),  # not "0" to the filters: `other` fails it
    ({**PAGE, "status": "0.0"}, 200),
    ({"status": "6", "statusmessage": "Rate limit exceeded"}, 200),
    ({"status": "429"}, 200),
    ({"status": "7", "statusmessage": "Daily limit"}, 200),
    ({"status": "8", "statusmessage": "Too large"}, 200),
    ({"status": "888888"}, 200),
    ({"status": 9, "statusmessage": "Invalid WHERE Clause"}, 200),
    ({"status": "-99999", "statusmessage": "Request expired"}, 200),
    ({"status": "-99999", "statusmessage": "Invalid signature"}, 200),
    ({"status": "-99999", "statusmessage": "Unauthorised"}, 200),
    ({"status": "1", "statusmessage": "Login failed"}, 200),
    ({"status": "20", "statusmessage": "No access"}, 200),
    ({"status": "42", "statusmessage": "Something new"}, 200),
    (PAGE, 429),
    (PAGE, 500),
    ({}, 503),
    (b"<html>Bad gateway</html>", 502),
    (b"not json", 200),
    ([PAGE], 200),
]


@pytest.mark.parametrize(("body", "http_status"), ANSWERS)
def test_decides_as_the_cdk_default_handler_with_the_same_filters(handler, body, http_status):
    cdk = DefaultErrorHandler(
        config={},
        parameters={},
        response_filters=handler.response_filters,
        max_retries=handler.max_retries,
        backoff_strategies=handler.backoff_strategies,
    )
    ours = handler.interpret_response(_response(body, http_status))
    theirs = cdk.interpret_response(_response(body, http_status))
    assert (ours.response_action, ours.failure_type, ours.error_message) == (
        theirs.response_action,
        theirs.failure_type,
        theirs.error_message,
    )


def test_the_filters_are_the_manifests(handler):
    assert handler.max_retries == 8
    actions = [f.action for f in handler.response_filters]
    assert ResponseAction.IGNORE in actions and ResponseAction.RATE_LIMITED in actions


def test_a_success_is_decoded_once_by_the_handler_and_every_envelope_reader(handler):
    response = _response(PAGE)
    decodes = _counting_decodes(response)
    assert handler.interpret_response(response).response_action == ResponseAction.SUCCESS
    assert Envelope.read(response).records("tasks") == [{"taskid": "a"}]
    assert decodes == [1]


def test_the_cdk_handler_decodes_a_success_once_per_filter(handler):
    """Why the handler exists: each of the CDK's filters with a predicate decodes the body again."""
    cdk = DefaultErrorHandler(config={}, parameters={}, response_filters=handler.response_filters)
    response = _response(PAGE)
    decodes = _counting_decodes(response)
    cdk.interpret_response(response)
    with_predicates = [f for f in handler.response_filters if f.predicate and f.predicate.condition]
    assert decodes[0] == len(with_predicates) == 9


@pytest.mark.parametrize(
    ("body", "http_status", "success"),
    [
        (PAGE, 200, True),
        ({"zoneresponse": {}}, 200, True),
        ({"status": "8"}, 200, False),
        ({**PAGE, "status": " 0"}, 200, False),
        (PAGE, 500, False),
        (b"", 200, False),
        ([], 200, False),
    ],
)
def test_is_success(body, http_status, success):
    assert is_success(_response(body, http_status)) is success
