"""AroFlo's request authentication, verified the way the real server does it (docs/aroflo.md#requests).

The HMAC is checked against the raw query string as received (not a re-encoded form), in hex,
case-insensitively; the timestamp must be within a small window of the server clock.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

REQUIRED_HEADERS = ("Authentication", "Authorization", "Accept", "afdatetimeutc")


@dataclass(frozen=True)
class Credentials:
    u_encoded: str
    p_encoded: str
    org_encoded: str
    secret_key: str


@dataclass(frozen=True)
class AuthFailure:
    status: str
    message: str


MISSING_HEADERS = AuthFailure("-99999", "Authentication Failed - Required headers are missing")
BAD_SIGNATURE = AuthFailure("-99999", "Authentication Failed - Signatures do not match")
EXPIRED = AuthFailure("-99999", "Authentication Failed - Payload has expired")
INVALID_REQUEST = AuthFailure("1", "Login Failed - Invalid Request String")
EMPTY_LOGIN = AuthFailure("2", "Login Failed - Invalid Username or Password")
DENIED = AuthFailure("3", "Login Failed - Permission Denied")


def parse_authorization(value: str) -> dict[str, str]:
    """`uencoded=…&pencoded=…&orgEncoded=…`, each value URI-encoded (exact key spellings)."""
    pairs: dict[str, str] = {}
    for part in value.split("&"):
        key, sep, encoded = part.partition("=")
        if sep:
            pairs[key] = unquote(encoded)
    return pairs


def parse_timestamp(value: str) -> datetime | None:
    """ISO-8601 UTC with 0-7 fractional digits and a `Z` (clients differ in precision)."""
    text = value.strip()
    if not text.endswith("Z") or "T" not in text:
        return None
    text = text[:-1]
    main, _, fraction = text.partition(".")
    if fraction and (not fraction.isdigit() or len(fraction) > 7):
        return None
    try:
        parsed = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    micros = int((fraction + "000000")[:6]) if fraction else 0
    return parsed.replace(microsecond=micros)


def expected_signature(
    credentials: Credentials,
    method: str,
    accept: str,
    authorization: str,
    timestamp: str,
    var_string: str,
    host_ip: str | None,
) -> str:
    parts = [method] + ([host_ip] if host_ip else []) + ["", accept, authorization, timestamp, var_string]
    payload = "+".join(parts)
    return hmac.new(credentials.secret_key.encode(), payload.encode(), hashlib.sha512).hexdigest()


def authenticate(
    credentials: Credentials,
    method: str,
    headers: dict[str, str],
    var_string: str,
    now: datetime,
    max_skew_seconds: float,
) -> AuthFailure | None:
    """None when the request is authentic; otherwise the failure AroFlo would answer with."""
    lower = {k.lower(): v for k, v in headers.items()}
    if any(name.lower() not in lower for name in REQUIRED_HEADERS):
        return MISSING_HEADERS
    authorization = lower["authorization"]
    login = parse_authorization(authorization)
    if not all(k in login for k in ("uencoded", "pencoded", "orgEncoded")):
        return INVALID_REQUEST
    if not all(login[k] for k in ("uencoded", "pencoded", "orgEncoded")):
        return EMPTY_LOGIN
    if (login["uencoded"], login["pencoded"], login["orgEncoded"]) != (
        credentials.u_encoded,
        credentials.p_encoded,
        credentials.org_encoded,
    ):
        return DENIED
    accept = lower["accept"]
    signature_header = lower["authentication"]
    scheme, _, signature = signature_header.partition(" ")
    expected = expected_signature(
        credentials, method, accept, authorization, lower["afdatetimeutc"], var_string, lower.get("hostip")
    )
    if scheme != "HMAC" or not hmac.compare_digest(signature.strip().lower(), expected):
        return BAD_SIGNATURE
    sent_at = parse_timestamp(lower["afdatetimeutc"])
    if sent_at is None or abs((now - sent_at).total_seconds()) > max_skew_seconds:
        return EXPIRED
    return None
