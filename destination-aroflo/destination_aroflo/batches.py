"""How records become writes, for any kind of AroFlo object: decide, post in batches, settle, and never write
twice.

An object (`clients.ClientWrites`, `notes.NoteWrites`) says four things: what each record needs against what
AroFlo holds (`decide`), how a batch of writes is posted (`post`), which writes AroFlo's answer confirms or
refuses (`settle`, recording their outcomes), and how to look again at what AroFlo holds for some writes
(`look_again`). This loop does the rest:

* writes go in batches of `batch_size` (one postxml), in the order the records came, each batch of one kind
  of write: AroFlo's README, "Updates and Inserts are separate operations and so must be sent to AroFloAPI
  as different calls" (the writes of one `decide` never depend on each other, so their order may mix);
* a write whose outcome is unknown (its answer was lost, or AroFlo's answer cannot be mapped back to it) is
  never simply sent again: AroFlo is read first and the record decided again, so what was applied counts as
  done and only what is missing is written; writes AroFlo answered but whose result could not be mapped go
  one per POST from then on, so each answer maps to its one record;
* a record that depends on a write not yet made (a second record for a client being inserted) is decided
  after that write.

>>> class Echo:  # an object whose every record is written, and confirmed, at once
...     posted: list = []
...     def decide(self, records): return [Write(r, r.data) for r in records], []
...     def post(self, writes): self.posted.append(len(writes)); return WriteAnswer({"ok": True})
...     def settle(self, writes, results): return []
...     def look_again(self, writes): pass
>>> echo = Echo()
>>> write_all(echo, [Incoming("s", {}, n) for n in range(1, 6)], batch_size=2)
>>> echo.posted
[2, 2, 1]
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from aroflo_client.client import WriteAnswer
from destination_aroflo.outcomes import Incoming

LOGGER = logging.getLogger("airbyte")
BATCH_SIZE = 50  # records per postxml: AroFlo documents several per POST, but no limit
MAX_DOUBTS = 5  # unknown outcomes in one flush before the sync stops (nothing is written twice meanwhile)


@dataclass(frozen=True)
class Write:
    """One record's write: what the object will post for it, and its kind (an insert and an update never
    share a POST)."""

    incoming: Incoming
    payload: Any
    kind: str = ""


class Writes(Protocol):
    def decide(self, records: list[Incoming]) -> tuple[list[Write], list[Incoming]]:
        """The writes these records need (recording the outcome of those that need none) and the records
        that must wait for these writes to be made before they can be decided."""

    def post(self, writes: list[Write]) -> WriteAnswer: ...

    def settle(self, writes: list[Write], results: Mapping[str, Any]) -> list[Write]:
        """Record the outcome of every write the results confirm or refuse; return those they do not."""

    def look_again(self, writes: list[Write]) -> None:
        """Read again what AroFlo holds for these writes' records."""


def write_all(writes: Writes, records: list[Incoming], batch_size: int = BATCH_SIZE) -> None:
    doubts = 0
    one_by_one: set[int] = set()  # records whose results could not be mapped from a batch's answer
    undecided = records
    while undecided:
        pending, undecided = writes.decide(undecided)
        while pending:
            batch = _next_batch(pending, batch_size, one_by_one)
            taken = {id(write) for write in batch}
            pending = [write for write in pending if id(write) not in taken]
            answer = writes.post(batch)
            unsettled = writes.settle(batch, answer.results) if answer.known else batch
            if not unsettled:
                continue
            doubts += 1
            why = (
                answer.why_unknown if not answer.known else "AroFlo's answer does not say what became of them"
            )
            if doubts > MAX_DOUBTS:
                raise AirbyteTracedException(
                    message=f"The outcome of {len(unsettled)} writes stayed unknown after {MAX_DOUBTS} looks "
                    f"({why}). Nothing was written twice; the next sync carries on from the last saved "
                    "state.",
                    failure_type=FailureType.transient_error,
                )
            LOGGER.warning(
                f"The outcome of {len(unsettled)} of {len(batch)} writes is unknown ({why}): reading AroFlo "
                "before writing any of them again."
            )
            if answer.known:
                one_by_one.update(write.incoming.number for write in unsettled)
            writes.look_again(unsettled)
            # Decided again against what AroFlo now holds, before the writes still waiting.
            undecided = [write.incoming for write in unsettled + pending] + undecided
            pending = []


def _next_batch(pending: list[Write], size: int, one_by_one: set[int]) -> list[Write]:
    """The first pending write, and after it up to `size` of its kind (never one that must go alone)."""
    first = pending[0]
    if first.incoming.number in one_by_one:
        return [first]
    same = [w for w in pending if w.kind == first.kind and w.incoming.number not in one_by_one]
    return same[:size]
