"""What became of each record, said as it happens and summed up at the end (like a transfer log).

A rejected record is skipped with one WARN line naming its stream, its key and the reason; the summary gives,
per stream, how many records were inserted, updated, left unchanged (AroFlo already held them), written (task
notes) or rejected.

>>> quiet = logging.getLogger("doctest.quiet")
>>> quiet.propagate = False
>>> tally = Tally(quiet)
>>> tally.count(Incoming("clients", {}, 1), Outcome.INSERTED)
>>> tally.reject(Incoming("clients", {}, 2), "clientname 'ABC'", "two AroFlo clients have this email")
>>> tally.summary()
'clients: 1 inserted, 1 rejected'
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Outcome(Enum):
    INSERTED = "inserted"
    UPDATED = "updated"
    WRITTEN = "written"  # a task note added
    UNCHANGED = "unchanged"  # AroFlo held it already: nothing sent
    REJECTED = "rejected"


@dataclass(frozen=True)
class Incoming:
    """A record as it arrived: its stream, its data, its number in this sync (1 = the first record of any
    stream; it tells records apart) and its position in its stream (what a log line calls it)."""

    stream: str
    data: Mapping[str, Any]
    number: int
    position: int = 0

    @property
    def row(self) -> int:
        return self.position or self.number


@dataclass(frozen=True)
class Rejection:
    stream: str
    number: int
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.stream} record {self.number} ({self.key}): {self.reason}"


class Tally:
    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._counts: dict[str, Counter[Outcome]] = defaultdict(Counter)
        self.rejections: list[Rejection] = []

    def count(self, incoming: Incoming, outcome: Outcome) -> None:
        self._counts[incoming.stream][outcome] += 1

    def reject(self, incoming: Incoming, key: str, reason: str) -> None:
        rejection = Rejection(incoming.stream, incoming.row, key, reason)
        self.rejections.append(rejection)
        self._counts[incoming.stream][Outcome.REJECTED] += 1
        self._logger.warning(f"Rejected {rejection}")

    def of(self, stream: str) -> Mapping[Outcome, int]:
        return self._counts[stream]

    def summary(self) -> str:
        """One line: per stream, the count of each outcome that happened, in the order of `Outcome`."""
        return "; ".join(
            f"{stream}: " + ", ".join(f"{counts[o]} {o.value}" for o in Outcome if counts[o])
            for stream, counts in self._counts.items()
        )
