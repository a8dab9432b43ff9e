"""A stored record: the public record exactly as AroFlo returns it, plus what the server knows besides.

``data`` is what a request without joins receives; ``joins`` holds the joined shapes a request's ``join``
fills in; ``created_utc``/``updated_utc`` and ``hidden`` are server-side state that WHERE fields and the
30-day default filters read but records do not show (e.g. Clients ``archived``, a stage's start date,
the parent a line item belongs to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(eq=False)  # identity semantics: records are entities, and hidden links may form cycles
class StoredRecord:
    data: dict[str, Any]  # the public record exactly as the API returns it
    joins: dict[str, Any]  # record key -> joined value (used when the request has that join)
    created_utc: datetime  # naive UTC instant of creation
    updated_utc: datetime | None  # naive UTC of the last update, None if never updated
    deleted: bool = False
    # Server-side values that records do not show (e.g. Clients "archived", stage start date,
    # a material's parent link). Read by zones.WhereField getters and default filters.
    hidden: dict[str, Any] = field(default_factory=dict, repr=False)


def creation_time(rec: StoredRecord) -> datetime:
    return rec.created_utc
