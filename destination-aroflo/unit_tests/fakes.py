"""A scripted AroFlo for the unit tests: the records its reads return, and the answers its writes get."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from aroflo_client.budget import Allowance, DailyBudget
from aroflo_client.client import WriteAnswer

QUIET = logging.getLogger("destination-tests")
QUIET.propagate = False


@dataclass
class FakeAroFlo:
    """`read_all` answers from `records` (a function of zone and WHERE clauses); `write` pops `answers`, each
    a WriteAnswer or a function of the postxml that makes one."""

    records: Callable[[str, list[str]], list[Mapping[str, Any]]] = lambda zone, where: []
    answers: list[WriteAnswer | Callable[[str], WriteAnswer]] = field(default_factory=list)
    reads: list[tuple[str, list[str], str | None]] = field(default_factory=list)
    writes: list[tuple[str, str]] = field(default_factory=list)
    allowances: list[Allowance] = field(default_factory=list)  # what each read spends, as planned
    budget: DailyBudget = field(default_factory=DailyBudget)

    def read_all(
        self,
        zone: str,
        record_key: str,
        where: list[str],
        join: str | None = None,
        allowance: Allowance = Allowance.DAILY,
    ) -> Iterator[Any]:
        self.reads.append((zone, where, join))
        self.allowances.append(allowance)
        yield from (dict(r) for r in self.records(zone, where))

    def write(self, zone: str, postxml: str) -> WriteAnswer:
        self.writes.append((zone, postxml))
        answer = self.answers.pop(0)
        return answer(postxml) if callable(answer) else answer


def posted(inserts: list | tuple = (), updates: list | tuple = (), errors: list | None = None) -> WriteAnswer:
    """AroFlo's `postresults` for clients (its "Create Client" and "Update Client ..." answers): each client
    echoed with its `clientid` or an `error`."""
    return WriteAnswer(
        {
            "updatetotal": len(updates) or "0",
            "errors": errors or [],
            "updates": {"clients": list(updates)},
            "inserttotal": len(inserts) or "0",
            "inserts": {"clients": list(inserts)},
        }
    )


def inserted(*clients: Mapping[str, Any], errors: list | None = None) -> WriteAnswer:
    return posted(inserts=clients, errors=errors)


def updated(*clients: Mapping[str, Any]) -> WriteAnswer:
    return posted(updates=clients)
