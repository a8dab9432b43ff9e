"""AroFlo's paging, one rule for every reader: `page` and `pageSize` (at most 500; AroFlo's README).

A page with fewer rows than the page size AroFlo applied (`maxpageresults`, which may be smaller than the one
asked for) is the last; an exactly full page is followed by one more request. Asked again for the same
position in smaller pages (status 8 or 888888), page N of size S starts at record (N-1)·S, so the page number
is recomputed and nothing is read twice or skipped.

>>> Ask(page=3, page_size=500, where=["w"]).smaller()
Ask(page=5, page_size=250, where=['w'])
>>> Ask(page=1, page_size=500).is_last(rows=499, applied=500), Ask(page=1, page_size=500).is_last(500, 500)
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

MAX_PAGE_SIZE = 500  # AroFlo's largest page: the fewest calls
MIN_PAGE_SIZE = 10  # below this a smaller page no longer helps: narrower windows, or give up


@dataclass(frozen=True)
class Ask:
    """One request's paging: which page, how big, and (for zone reads) its WHERE clauses."""

    page: int
    page_size: int
    where: list[str] | None = None

    @classmethod
    def first(cls, stream_slice: Mapping[str, Any] | None, default_page_size: int) -> Ask:
        stream_slice = stream_slice or {}
        return cls(
            page=int(stream_slice.get("page") or 1),
            page_size=int(stream_slice.get("page_size") or default_page_size),
            where=list(stream_slice["where"]) if "where" in stream_slice else None,
        )

    @classmethod
    def of(cls, token: Mapping[str, Any]) -> Ask:
        return cls(int(token["page"]), int(token["page_size"]), token.get("where"))

    def token(self) -> dict[str, Any]:
        token: dict[str, Any] = {"page": self.page, "page_size": self.page_size}
        if self.where is not None:
            token["where"] = self.where
        return token

    def smaller(self) -> Ask:
        """The same first record, half as many a page."""
        size = max(MIN_PAGE_SIZE, self.page_size // 2)
        return replace(self, page=(self.page - 1) * self.page_size // size + 1, page_size=size)

    def next(self) -> Ask:
        return replace(self, page=self.page + 1)

    def is_last(self, rows: int, applied: int | None) -> bool:
        """Is this the true last page, given its rows and the page size AroFlo says it applied?"""
        return rows == 0 or rows < min(self.page_size, applied or self.page_size)
