"""AroFlo's HMAC-SHA512 request signing and the masking of every form of the credentials (AroFlo's API
README, "Authentication"; docs/aroflo.md#requests).

AroFlo verifies the signature against the raw query string it receives, so the signer works on the
prepared request: it fixes the encoding of the query (spaces as %20, as the vendor's
encodeURIComponent does), signs exactly those bytes and sends them unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets
from requests.structures import CaseInsensitiveDict

from aroflo_client.budget import DailyBudget, allowance_of

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


@dataclass(frozen=True)
class Credentials:
    """The four values of AroFlo's API settings page, and the optional HostIP; surrounding whitespace, the
    most common paste error, never belongs to a credential."""

    u_encoded: str
    p_encoded: str
    org_encoded: str
    secret_key: str
    host_ip: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Credentials:
        u_encoded, p_encoded, org_encoded, secret_key = (
            str(config[key]).strip() for key in ("u_encoded", "p_encoded", "org_encoded", "secret_key")
        )
        host_ip = str(config.get("host_ip") or "").strip() or None
        return cls(u_encoded, p_encoded, org_encoded, secret_key, host_ip)

    @property
    def authorization(self) -> str:
        return authorization_value(self.u_encoded, self.p_encoded, self.org_encoded)

    def forms(self) -> list[str]:
        """Every form of a credential that a request carries or a log could show."""
        logins = [self.u_encoded, self.p_encoded, self.org_encoded]
        return [self.secret_key, self.authorization, *logins, *(encode_component(v) for v in logins)]


class Signer(requests.auth.AuthBase):
    """Signs a prepared request just before it leaves, and again on every retry (`requests` and the CDK re-run
    `session.auth`); the one place where every request meets the daily budget.

    >>> signer = Signer(Credentials("u", "p", "o", "secret"))
    >>> request = signer(requests.Request("GET", "https://api.aroflo.com/?zone=tasks&page=1").prepare())
    >>> sorted(request.headers)
    ['Accept', 'Authentication', 'Authorization', 'afdatetimeutc']
    >>> request.headers["Authentication"][:5], str(request.headers).count("****")
    ('HMAC ', 2)
    """

    def __init__(self, credentials: Credentials, budget: DailyBudget | None = None) -> None:
        self._credentials = credentials
        self._authorization = credentials.authorization
        self.budget = budget
        register_secrets(*credentials.forms())

    @classmethod
    def from_config(cls, config: Mapping[str, Any], budget: DailyBudget | None = None) -> Signer:
        return cls(Credentials.from_config(config), budget)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        # The daily budget's reserve is kept here, and the budget watches every answer on its way back. The
        # requester's allowance marker comes off first, whether or not there is a budget: it is never sent.
        allowance_of(request)
        if self.budget is not None:
            self.budget.before_send(request)
            if self.budget.observe not in request.hooks["response"]:
                request.register_hook("response", self.budget.observe)
        parts = urlsplit(request.url or "")
        var_string = wire_query(parts.query)
        if request.method == "POST" and isinstance(request.body, str | bytes):
            # A write signs its form body (zone=...&postxml=...), sent exactly as signed.
            var_string = request.body.decode() if isinstance(request.body, bytes) else request.body
        request.url = urlunsplit(parts._replace(query=wire_query(parts.query)))
        timestamp = utc_timestamp()
        host_ip = self._credentials.host_ip
        payload = canonical_payload(
            request.method or "GET", ACCEPT, self._authorization, timestamp, var_string, host_ip
        )
        headers = {
            "Accept": ACCEPT,
            "Authorization": self._authorization,
            "afdatetimeutc": timestamp,
            "Authentication": f"HMAC {sign(self._credentials.secret_key, payload)}",
        }
        if host_ip:
            headers["HostIP"] = host_ip
        request.headers = MaskedHeaders(request.headers)
        request.headers.update(headers)
        return request
