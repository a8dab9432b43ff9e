"""The error handler: AroFlo's answer mapped to the CDK's actions by AroFlo's status table.

HTTP is 200 for nearly everything AroFlo says; the body's `status` is the answer (`status.py` holds the one
table). The body is decoded once and shared with every other reader of the answer (`envelope.read_body`).
What is not an AroFlo envelope goes to the CDK's `DefaultErrorHandler` and its defaults: HTTP 429 waits, 5xx
and dropped connections are retried, each with the configured backoff and retries. A 2xx answer that is not
an AroFlo envelope at all (a proxy's page) is retried too: taking it as an empty page would end a read early.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters.error_handlers import DefaultErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import (
    SUCCESS_RESOLUTION,
    ErrorResolution,
    ResponseAction,
)

from aroflo_client.envelope import Envelope
from aroflo_client.status import Meaning

NOT_AN_ENVELOPE = "AroFlo answered HTTP {code} without its JSON envelope (a proxy or an outage page?)"


@dataclass
class AroFloErrorHandler(DefaultErrorHandler):
    """`DefaultErrorHandler` (retries, backoff strategies) deciding by AroFlo's status table.

    HTTP 200 `{"status": "0", ...}` -> SUCCESS; `{"status": "6"}` -> RATE_LIMITED; `{"status": "8"}` ->
    IGNORE (the reader asks for less); `{"status": "3", "statusmessage": "..."}` -> FAIL, config_error, saying
    what to fix; HTTP 503 -> RETRY.
    """

    def interpret_response(
        self, response_or_exception: requests.Response | Exception | None
    ) -> ErrorResolution:
        if not isinstance(response_or_exception, requests.Response):
            return super().interpret_response(response_or_exception)
        response = response_or_exception
        answer = Envelope.read(response)
        if answer.is_envelope and (answer.meaning is Meaning.DAILY_LIMIT or response.status_code != 429):
            if answer.ok and not response.ok:
                return super().interpret_response(response)
            return resolution(answer)
        if response.ok:
            message = NOT_AN_ENVELOPE.format(code=response.status_code)
            return ErrorResolution(ResponseAction.RETRY, FailureType.transient_error, message)
        return super().interpret_response(response)


def resolution(answer: Envelope) -> ErrorResolution:
    """What the status table says about an envelope."""
    row = answer.reaction
    if row.action is ResponseAction.SUCCESS:
        return SUCCESS_RESOLUTION
    message = row.message(status=answer.status, statusmessage=answer.message) if row.template else ""
    return ErrorResolution(row.action, row.failure_type, message)
