"""The requesters' error handler: the manifest's response filters, not asked about AroFlo's successes.

Every filter of the manifest's `error_handler` (daily limit, rate limited, ask again, credentials, ...) is a
predicate on the body's `status`, and the CDK's `HttpResponseFilter` decodes the whole body again for each
one: ten decodes of a 500-record page per answer. A success answer (HTTP 2xx or 3xx whose `status` is "0",
or absent as in AroFlo's Quotes examples) matches none of them, so it is a success without asking them; the
body is decoded once, shared with the record extractor, paginator and budget (`envelope.read_body`). Any
other answer goes through the filters exactly as declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import requests
from airbyte_cdk.sources.declarative.requesters.error_handlers import DefaultErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import (
    SUCCESS_RESOLUTION,
    ErrorResolution,
)

from source_aroflo.components.envelope import OK, read_body


def is_success(response: requests.Response) -> bool:
    """An answer no response filter matches: every filter tests `status ~ ''` against a code other than "0"
    (or HTTP 429, never `ok`), and `other` only a status that is there.

    HTTP 200 `{"status": "0", ...}` or `{"zoneresponse": ...}` -> True; `{"status": "9"}`, `{"status": " 0"}`
    (the filters read it as a failure), a body that is not a JSON object, HTTP 500 -> False
    """
    if not response.ok:
        return False
    body = read_body(response)
    if not isinstance(body, Mapping):
        return False
    status = body.get("status")
    return status is None or str(status) == OK


@dataclass
class AroFloErrorHandler(DefaultErrorHandler):
    """`DefaultErrorHandler` with the same filters, backoff and retries; a success answer skips the filters.

    HTTP 200 `{"status": "0", "zoneresponse": {...}}` -> SUCCESS without a filter evaluated;
    HTTP 200 `{"status": "6"}` -> the `rate_limited` filter's RATE_LIMITED, as without this class.
    """

    def interpret_response(
        self, response_or_exception: requests.Response | Exception | None
    ) -> ErrorResolution:
        if isinstance(response_or_exception, requests.Response) and is_success(response_or_exception):
            return SUCCESS_RESOLUTION
        return super().interpret_response(response_or_exception)
