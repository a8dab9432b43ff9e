"""A full read's progress, as pure steps on its saved form (`sync_state.FullRead`): the checkpoint after each
page, the narrower windows AroFlo's refusals call for, what is left once a partition is read, and where a
resumed read continues. The cursor (`sync.ZoneSync`) applies them under its lock; nothing here reads or sends.

>>> started = datetime(2026, 11, 30, tzinfo=UTC)
>>> read = FullRead(started=started)
>>> checkpointed(read, None, page=1, page_size=500, last_id="a", records=500).page
2
>>> [(w.low.year, w.high.year) for w in narrower(None, started, start_date="2024-06-01")]
[(2024, 2024), (2025, 2025), (2026, 2026)]
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from source_aroflo.components.plan import DATE
from source_aroflo.components.sync_state import FullRead, Span, Window

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
FIRST_YEAR = 2000  # narrower windows: one up to 2000, then one a year, then halves
SMALLEST_WINDOW = timedelta(days=1)
SECOND = timedelta(seconds=1)


def checkpointed(
    full_read: FullRead, span: Span | None, page: int, page_size: int, last_id: str | None, records: int
) -> FullRead:
    """The read after `page` of the whole zone (or of the window `span`) is done: the next page is saved."""
    if span is None:
        full_read = full_read.but(page=page + 1)
    else:
        full_read = full_read.but(
            windows=tuple(replace(w, page=page + 1) if w.span == span else w for w in full_read.windows or ())
        )
    return full_read.but(page_size=page_size, last_id=last_id, records=records)


def narrower(span: Span | None, started: datetime, start_date: str | None) -> list[Window]:
    """The windows that replace a refused read: the whole zone becomes one window up to 2000 and one a year
    up to when the read started; a window becomes its two halves; a day is not split (none)."""
    if span is None:
        low = datetime.strptime(start_date, DATE).replace(tzinfo=UTC) if start_date else EARLIEST
        edges = [low] + [
            datetime(year, 1, 1, tzinfo=UTC)
            for year in range(max(low.year + 1, FIRST_YEAR), started.year + 1)
        ]
        return [Window(a, b - SECOND) for a, b in itertools.pairwise(edges)] + [Window(edges[-1], started)]
    low, high = span
    if high - low <= SMALLEST_WINDOW:
        return []
    middle = (low + (high - low) / 2).replace(microsecond=0)
    return [Window(low, middle), Window(middle + SECOND, high)]


def split(full_read: FullRead, span: Span | None, children: list[Window]) -> FullRead:
    """The read with the refused stretch replaced by its narrower windows."""
    kept = [w for w in full_read.windows or () if span is None or w.span != span]
    return full_read.but(windows=tuple(kept + children), page=1)


def without(windows: Iterable[Window], done: Iterable[Window]) -> tuple[Window, ...]:
    """The windows not yet read (a window's page moves on while it is read: its span names it)."""
    finished = {w.span for w in done}
    return tuple(w for w in windows if w.span not in finished)


def resumed(full_read: FullRead, page_size: int, pages_back: int) -> FullRead:
    """Where a read stopped in an earlier sync continues: the same first record at this sync's page size,
    `pages_back` pages earlier (records deleted since may have moved later ones back)."""

    def position(page: int) -> int:
        return max(1, (page - pages_back - 1) * full_read.page_size // page_size + 1)

    windows = tuple(replace(w, page=position(w.page)) for w in full_read.windows or ())
    return full_read.but(
        page=position(full_read.page), page_size=page_size, windows=windows if full_read.windows else None
    )


def pages_back(full_read: FullRead, deletions: Callable[[], int | None]) -> int:
    """How far a resumed read steps back: none at its start; the pages the records deleted since it started
    fill, when the change log can count them (`deletions`, asked only when needed); else one page. The
    records read twice are de-duplicated by primary key.

    >>> pages_back(FullRead(datetime(2026, 1, 1, tzinfo=UTC), page=7), lambda: 501), pages_back(
    ...     FullRead(datetime(2026, 1, 1, tzinfo=UTC), page=7), lambda: None)
    (2, 1)
    """
    if full_read.page <= 1 and not full_read.windows:
        return 0
    deleted = deletions()
    if deleted is None:
        return 1
    return (deleted + full_read.page_size - 1) // full_read.page_size
