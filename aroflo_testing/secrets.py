"""Every form a credential takes on its way out, to prove that no output of either connector holds one (what a
user pastes into a support ticket: `--debug` output included)."""

from __future__ import annotations

import base64
import contextlib
import re
from urllib.parse import quote, quote_plus

from aroflo_client.signing import authorization_value, encode_component

CREDENTIALS = ("u_encoded", "p_encoded", "org_encoded", "secret_key")
SIGNATURE = re.compile(r"[0-9a-fA-F]{128}")  # an HMAC-SHA512 in hex


def credential_forms(config: dict[str, str]) -> dict[str, str]:
    """Every spelling of a credential that could reach a log: raw, each URL-encoding (either case of the
    percent escapes), base64-decoded, and the whole `Authorization` header value."""
    forms: dict[str, str] = {}
    for key in CREDENTIALS:
        raw = config[key]
        spellings = {raw, encode_component(raw), quote(raw), quote(raw, safe=""), quote_plus(raw)}
        spellings |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), s) for s in set(spellings)}
        with contextlib.suppress(ValueError):  # not base64: nothing to decode
            spellings.add(base64.b64decode(raw, validate=True).decode())
        for spelling in spellings:
            if len(spelling.strip()) >= 6:  # a shorter fragment would match ordinary text
                forms[f"{key} as {spelling!r}"[:40]] = spelling
    authorization = authorization_value(config["u_encoded"], config["p_encoded"], config["org_encoded"])
    forms["Authorization value"] = authorization
    return forms


def leaks(text: str, forms: dict[str, str]) -> list[str]:
    found = [name for name, spelling in forms.items() if spelling in text]
    found += [f"a signature: {m.group()[:12]}..." for m in SIGNATURE.finditer(text)]
    return found
