"""Documents and photos as files: AroFlo's signed links that expire, and the bytes behind them.

AroFlo sends a document's `url` as `https://office.aroflo.com/DocStorage/<ref>-original?expires=<unix
seconds>&signature=<64 upper-case hex>`, "valid for 10mins" (its DocumentsAndPhotos and Tasks pages); all the
links of one answer share one `expires`. The dataset keeps each link as its storage path only
(`DocStorage/<ref>-original`); every answer that sends records stamps the links in it with the sandbox's own
address, an expiry ten minutes on and a signature (`stamp`), and the sandbox serves the file at that link
while it is valid (`refusal`, `content`). The bytes are deterministic for a document (`content`), so a test
can compare a downloaded file with them::

    stamp({"url": "DocStorage/BGRF-BTUK-original"}, "http://127.0.0.1:8765/", expires=1700000600)
      -> {"url": "http://127.0.0.1:8765/DocStorage/BGRF-BTUK-original?expires=1700000600&signature=<64 hex>"}
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
from collections.abc import Iterator, Mapping
from typing import Any

LIFETIME_SECONDS = 600  # "URI provided in this method are valid for 10mins"
PREFIX = "DocStorage/"
SUFFIX = "-original"
CHUNK = 1 << 20
_KEY = b"aroflo-sandbox document storage"
MB = 1 << 20


def link(ref: str) -> str:
    """The stored form of a document's link: `BGRF-BTUK` -> `DocStorage/BGRF-BTUK-original`."""
    return f"{PREFIX}{ref}{SUFFIX}"


def ref_of(path: str) -> str | None:
    """`/DocStorage/BGRF-BTUK-original` -> `BGRF-BTUK`; None for any other path."""
    path = path.lstrip("/")
    if not (path.startswith(PREFIX) and path.endswith(SUFFIX)):
        return None
    ref = path[len(PREFIX) : -len(SUFFIX)]
    return ref if ref and "/" not in ref else None


def expiry(now: float) -> int:
    """The `expires` of the links an answer sends at `now` (Unix seconds): ten minutes on."""
    return int(now) + LIFETIME_SECONDS


def signature(ref: str, expires: int) -> str:
    """64 upper-case hex digits, as AroFlo's links carry: the sandbox's HMAC-SHA256 of the link."""
    return hmac.new(_KEY, f"{link(ref)}?expires={expires}".encode(), hashlib.sha256).hexdigest().upper()


def stamp(value: Any, base_url: str, expires: int) -> Any:
    """`value` (records, or a whole zoneresponse) with every stored link signed to expire at `expires`; the
    stored records are left as they are (containers with links are copied, the rest shared)."""
    if isinstance(value, Mapping):
        copy: dict[str, Any] | None = None
        for key, item in value.items():
            if key == "url" and isinstance(item, str) and item.startswith(PREFIX):
                ref = item[len(PREFIX) : -len(SUFFIX)]
                new: Any = f"{base_url}{item}?expires={expires}&signature={signature(ref, expires)}"
            else:
                new = stamp(item, base_url, expires)
            if new is not item:
                copy = copy if copy is not None else dict(value)
                copy[key] = new
        return copy if copy is not None else value
    if isinstance(value, list):
        items = [stamp(item, base_url, expires) for item in value]
        return items if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value


def refusal(ref: str, query: Mapping[str, list[str]], now: float) -> str | None:
    """Why the document store refuses a link: "signature" (changed or missing), "expired", or None."""
    expires = (query.get("expires") or [""])[0]
    given = (query.get("signature") or [""])[0]
    if not expires.isdigit() or not hmac.compare_digest(given, signature(ref, int(expires))):
        return "signature"
    if now > int(expires):
        return "expired"
    return None


def content(ref: str, size: int) -> Iterator[bytes]:
    """The file's bytes in chunks of at most 1 MiB: the same for the same document, whatever asks."""
    for index in range(math.ceil(size / CHUNK)):
        yield random.Random(f"{ref}/{index}").randbytes(min(CHUNK, size - index * CHUNK))


def directory_file_size(ref: str) -> int:
    """The size of a Document Directory file (DocumentsAndPhotos): mostly documents of a few KB to a few MB,
    one in ten a few bytes (an empty form, a text note), one in eighty tens of MB (a scanned manual, a video).
    Drawn from the document's own reference, so it never disturbs the rest of the dataset."""
    rng = random.Random(f"size/{ref}")
    roll = rng.random()
    if roll < 1 / 80:
        return rng.randint(12 * MB, 48 * MB)
    if roll < 0.1 + 1 / 80:
        return rng.randint(1, 64)
    return int(math.exp(rng.uniform(math.log(2_000), math.log(2 * MB))))
