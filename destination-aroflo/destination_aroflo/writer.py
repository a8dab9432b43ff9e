"""The write: records buffered per object, written in batches, each STATE passed on only once every record
before it is written or rejected, with the count of those records (`destinationStats.recordCount`).

Airbyte sends a sync's records and, between them, the source's STATE messages; a STATE given back means that
everything before it is done. So on every STATE all buffers are written first; a buffer that fills up is
written at once; the end of the input writes the rest. A sync that stops (the daily budget, a refusal) has
passed on only the states whose records were written: the next sync carries on from there, and what it sends
again is found in AroFlo and not written twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteStateMessage,
    AirbyteStateStats,
    AirbyteStateType,
    FailureType,
    Type,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_aroflo.batches import Writes, write_all
from destination_aroflo.objects import Target
from destination_aroflo.outcomes import Incoming, Tally

FLUSH_AT = 500  # records per object held before they are written: lookups and index reads stay batched
LISTED_REJECTS = 20


class Writer:
    def __init__(
        self,
        targets: Mapping[str, Target],
        objects: Mapping[str, Writes],
        tally: Tally,
        logger: logging.Logger,
        fail_on_rejects: bool = False,
    ) -> None:
        self._targets = targets
        self._objects = objects
        self._tally = tally
        self._logger = logger
        self._fail_on_rejects = fail_on_rejects
        self._buffers: dict[str, list[Incoming]] = {name: [] for name in objects}
        self._since_state: Counter[str] = Counter()  # records per stream since that stream's last state
        self._positions: Counter[str] = Counter()  # records per stream so far
        self._received = 0
        self._unknown_streams: set[str] = set()

    def write(self, messages: Iterable[AirbyteMessage]) -> Iterator[AirbyteMessage]:
        for message in messages:
            if message.type == Type.RECORD and message.record is not None:
                self._take(message.record.stream, message.record.data)
            elif message.type == Type.STATE and message.state is not None:
                self._flush_all()
                yield AirbyteMessage(type=Type.STATE, state=self._counted(message.state))
        self._flush_all()
        self._logger.info(f"AroFlo write summary: {self._tally.summary() or 'no records'}")
        if self._fail_on_rejects and self._tally.rejections:
            raise self._rejected()

    def _take(self, stream: str, data: Mapping) -> None:
        target = self._targets.get(stream)
        if target is None:
            if stream not in self._unknown_streams:
                self._unknown_streams.add(stream)
                self._logger.warning(
                    f"Records of stream {stream!r}, which the catalog does not configure, are skipped."
                )
            return
        self._received += 1
        self._since_state[stream] += 1
        self._positions[stream] += 1
        buffer = self._buffers[target.object]
        buffer.append(Incoming(stream, data, self._received, self._positions[stream]))
        if len(buffer) >= FLUSH_AT:
            self._flush(target.object)

    def _flush(self, name: str) -> None:
        records, self._buffers[name] = self._buffers[name], []
        if records:
            write_all(self._objects[name], records)

    def _flush_all(self) -> None:
        for name in self._buffers:
            self._flush(name)

    def _counted(self, state: AirbyteStateMessage) -> AirbyteStateMessage:
        """The state with the number of records it covers: its stream's since its last state (per-stream
        state), or all of them (a global or legacy state)."""
        stream_state = state.stream if state.type == AirbyteStateType.STREAM else None
        if stream_state is not None:
            count = self._since_state.pop(stream_state.stream_descriptor.name, 0)
        else:
            count = sum(self._since_state.values())
            self._since_state.clear()
        state.destinationStats = AirbyteStateStats(recordCount=float(count))
        return state

    def _rejected(self) -> AirbyteTracedException:
        rejections = self._tally.rejections
        listed = "; ".join(str(r) for r in rejections[:LISTED_REJECTS])
        more = (
            f" and {len(rejections) - LISTED_REJECTS} more (see the log)"
            if len(rejections) > LISTED_REJECTS
            else ""
        )
        message = (
            f"{len(rejections)} records were rejected (every other record was written; on_rejected_record is "
            f"'fail'): {listed}{more}."
        )
        return AirbyteTracedException(
            message=message, internal_message=message, failure_type=FailureType.config_error
        )
