"""AroFlo's HMAC-SHA512 request signing (docs/aroflo.md#requests).

AroFlo verifies the signature against the raw query string it receives, so the signer works on the
prepared request: it fixes the encoding of the query (spaces as %20, as the vendor's
encodeURIComponent does), signs exactly those bytes and sends them unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import InitVar, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.sources.types import Config
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets
from requests.structures import CaseInsensitiveDict

from source_aroflo.components.budget import DailyBudget

ACCEPT = "text/json"
HIDDEN_HEADERS = frozenset({"authentication", "authorization"})
_registered: set[str] = set()


def register_secrets(*values: str) -> None:
    """Every form of a credential the connector sends or derives is masked in every log line (the CDK masks
    only the config values it was given, not their URL-encoded forms)."""
    for value in values:
        if value and value not in _registered:
            _registered.add(value)
            add_to_secrets(value)


class MaskedHeaders(CaseInsensitiveDict):
    """Request headers whose text form hides the credentials and the signature (the CDK's `--debug` log prints
    every request's headers); they are sent unchanged.

    >>> str(MaskedHeaders({"Accept": "text/json", "Authentication": "HMAC 9f86d0"}))
    "{'Accept': 'text/json', 'Authentication': '****'}"
    """

    def __repr__(self) -> str:
        return str({key: "****" if key.lower() in HIDDEN_HEADERS else value for key, value in self.items()})

    __str__ = __repr__

    def copy(self) -> MaskedHeaders:
        return MaskedHeaders(self.items())


def encode_component(value: str) -> str:
    """JavaScript's encodeURIComponent, which the vendor recipe uses for every value."""
    return quote(value, safe="-_.!~*'()")


def authorization_value(u_encoded: str, p_encoded: str, org_encoded: str) -> str:
    # Exact key spellings matter: `uencoded`, `pencoded` lower case, `orgEncoded` camel case.
    return (
        f"uencoded={encode_component(u_encoded)}"
        f"&pencoded={encode_component(p_encoded)}"
        f"&orgEncoded={encode_component(org_encoded)}"
    )


def utc_timestamp(now: datetime | None = None) -> str:
    """`afdatetimeutc` in the vendor's format: 2018-07-25T01:39:57.135Z."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def canonical_payload(
    method: str, accept: str, authorization: str, timestamp: str, var_string: str, host_ip: str | None = None
) -> str:
    """The string AroFlo signs (docs/aroflo.md#requests): HostIP only when used; urlPath is always empty
    (hence `++`)."""
    parts = [method]
    if host_ip:
        parts.append(host_ip)
    parts += ["", accept, authorization, timestamp, var_string]
    return "+".join(parts)


def sign(secret_key: str, payload: str) -> str:
    """Lower-case hex HMAC-SHA512, keyed with the secret as text (it looks like base64 but is not decoded)."""
    return hmac.new(secret_key.encode("utf-8"), payload.encode("utf-8"), hashlib.sha512).hexdigest()


def wire_query(query: str) -> str:
    """`requests` encodes a space as `+`; the vendor (and every working client) sends `%20`."""
    return query.replace("+", "%20")


@dataclass
class AroFloHmacAuthenticator(DeclarativeAuthenticator):
    """Signs every prepared request, and again on every retry (the CDK re-runs `session.auth`).

    `GET ?zone=tasks&page=1` leaves with `Authentication: HMAC <128 hex>`, `Authorization: uencoded=...`,
    `Accept: text/json` and `afdatetimeutc: 2026-11-30T20:00:00.000Z`; its query is sent exactly as signed.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    budget: DailyBudget | None = None  # the account's daily allowances, given by the component factory

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        # Surrounding whitespace is the most common paste error; it never belongs to a credential.
        self._secret = str(self.config["secret_key"]).strip()
        self._authorization = authorization_value(
            str(self.config["u_encoded"]).strip(),
            str(self.config["p_encoded"]).strip(),
            str(self.config["org_encoded"]).strip(),
        )
        self._host_ip = str(self.config.get("host_ip") or "").strip() or None
        credentials = [str(self.config[key]).strip() for key in ("u_encoded", "p_encoded", "org_encoded")]
        register_secrets(
            self._secret, self._authorization, *credentials, *(encode_component(c) for c in credentials)
        )

    @property
    def auth_header(self) -> str:
        return ""  # nothing static: every header is computed per request in __call__

    @property
    def token(self) -> str:
        return ""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        # Every request passes here just before it leaves (retries too): the one place to keep the
        # daily budget's reserve and to watch the budget on the way back.
        if self.budget is not None:
            self.budget.before_send(request)
            if self.budget.observe not in request.hooks["response"]:
                request.register_hook("response", self.budget.observe)
        parts = urlsplit(request.url or "")
        var_string = wire_query(parts.query)
        if request.method == "POST" and isinstance(request.body, str | bytes):
            body = request.body.decode() if isinstance(request.body, bytes) else request.body
            var_string = body
        request.url = urlunsplit(parts._replace(query=wire_query(parts.query)))
        timestamp = utc_timestamp()
        payload = canonical_payload(
            request.method or "GET", ACCEPT, self._authorization, timestamp, var_string, self._host_ip
        )
        headers = {
            "Accept": ACCEPT,
            "Authorization": self._authorization,
            "afdatetimeutc": timestamp,
            "Authentication": f"HMAC {sign(self._secret, payload)}",
        }
        if self._host_ip:
            headers["HostIP"] = self._host_ip
        request.headers = MaskedHeaders(request.headers)
        request.headers.update(headers)
        return request
