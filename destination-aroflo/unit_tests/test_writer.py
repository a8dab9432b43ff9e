"""The write loop: every STATE passed on after the records before it are done, with their count."""

from __future__ import annotations

import pytest
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStreamState,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    DestinationSyncMode,
    StreamDescriptor,
    Type,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_aroflo.batches import Write
from destination_aroflo.objects import targets
from destination_aroflo.outcomes import Outcome, Tally
from destination_aroflo.writer import FLUSH_AT, Writer
from unit_tests.fakes import QUIET


class Recorder:
    """An object that writes everything at once and remembers when."""

    def __init__(self, events: list, tally: Tally) -> None:
        self.events, self.tally = events, tally

    def decide(self, records):
        return [Write(r, None) for r in records], []

    def post(self, writes):
        from aroflo_client.client import WriteAnswer

        self.events.append(("posted", [w.incoming.number for w in writes]))
        return WriteAnswer({})

    def settle(self, writes, results):
        for w in writes:
            if w.incoming.data.get("bad"):
                self.tally.reject(w.incoming, "bad", "refused")
            else:
                self.tally.count(w.incoming, Outcome.WRITTEN)
        return []

    def look_again(self, writes):
        pass


def catalog(*streams: tuple[str, str]) -> ConfiguredAirbyteCatalog:
    return ConfiguredAirbyteCatalogSerializer.load(
        {
            "streams": [
                {
                    "stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                    "sync_mode": "full_refresh",
                    "destination_sync_mode": mode,
                }
                for name, mode in streams
            ]
        }
    )


def record(stream: str, **data) -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.RECORD, record=AirbyteRecordMessage(stream=stream, data=data, emitted_at=0)
    )


def state(stream: str | None) -> AirbyteMessage:
    if stream is None:
        return AirbyteMessage(
            type=Type.STATE, state=AirbyteStateMessage(type=AirbyteStateType.LEGACY, data={"cursor": 1})
        )
    return AirbyteMessage(
        type=Type.STATE,
        state=AirbyteStateMessage(
            type=AirbyteStateType.STREAM,
            stream=AirbyteStreamState(
                stream_descriptor=StreamDescriptor(name=stream), stream_state={"at": 1}
            ),
        ),
    )


def writer(events: list, fail: bool = False) -> tuple[Writer, Tally]:
    tally = Tally(QUIET)
    found = targets(catalog(("clients", "append_dedup"), ("task_notes", "append")))
    objects = {"clients": Recorder(events, tally), "task_notes": Recorder(events, tally)}
    return Writer(found, objects, tally, QUIET, fail_on_rejects=fail), tally


def test_a_state_goes_out_only_after_every_record_before_it_with_their_count():
    events: list = []
    w, _ = writer(events)
    messages = [record("clients", a=1), record("task_notes", b=1), state("clients"), record("clients", a=2)]
    for out in w.write(messages):
        events.append(
            ("state", out.state.stream.stream_descriptor.name, out.state.destinationStats.recordCount)
        )
    assert events == [
        ("posted", [1]),
        ("posted", [2]),
        ("state", "clients", 1.0),  # the task note is written, but counted with task_notes' own state
        ("posted", [3]),
    ]


def test_a_global_or_legacy_state_counts_every_record_since_the_last():
    events: list = []
    w, _ = writer(events)
    out = list(w.write([record("clients", a=1), record("task_notes", b=1), state(None)]))
    assert out[0].state.destinationStats.recordCount == 2.0


def test_a_full_buffer_is_written_without_waiting_for_a_state():
    events: list = []
    w, _ = writer(events)

    def records():
        for n in range(1, FLUSH_AT + 2):
            events.append(("sent", n))
            yield record("clients", n=n)

    list(w.write(records()))
    last = events.index(("sent", FLUSH_AT + 1))
    assert sum(len(e[1]) for e in events[:last] if e[0] == "posted") == FLUSH_AT
    assert events[-1] == ("posted", [FLUSH_AT + 1])


def test_records_of_a_stream_the_catalog_does_not_configure_are_skipped():
    events: list = []
    w, tally = writer(events)
    list(w.write([record("invoices", x=1)]))
    assert events == [] and tally.summary() == ""


def test_fail_writes_every_good_record_then_fails_listing_the_rejects():
    events: list = []
    w, _ = writer(events, fail=True)
    out = []
    with pytest.raises(
        AirbyteTracedException, match=r"1 records were rejected .* clients record 2 \(bad\): refused"
    ):
        for message in w.write([record("clients", a=1), record("clients", bad=True), state("clients")]):
            out.append(message)
    assert events == [("posted", [1, 2])] and len(out) == 1


@pytest.mark.parametrize(
    "streams,message",
    [
        (
            (("invoices", "append"),),
            "stream 'invoices' would write 'invoices', which is not an object it writes",
        ),
        ((("clients", "overwrite"),), "stream 'clients' writes clients in mode overwrite"),
        ((("task_notes", "update"),), "stream 'task_notes' writes task_notes in mode update"),
        ((("task_notes", "soft_delete"),), "soft_delete"),
    ],
)
def test_an_unsupported_stream_or_mode_fails_before_anything_is_read(streams, message):
    with pytest.raises(AirbyteTracedException) as failure:
        targets(catalog(*streams))
    assert message in failure.value.message
    assert (
        "clients (append_dedup, append, update); task_notes (append_dedup, append)" in failure.value.message
    )


def test_a_stream_is_mapped_by_its_destination_object_name():
    configured = catalog(("crm_contacts", "append_dedup"))
    configured.streams[0].destination_object_name = "clients"
    assert targets(configured)["crm_contacts"].object == "clients"
    assert DestinationSyncMode.append_dedup == targets(configured)["crm_contacts"].mode
