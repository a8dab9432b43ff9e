"""The AroFlo objects destination-aroflo writes, and which configured stream writes which.

A stream writes the object its `destination_object_name` names (set by Airbyte's data activation
mappings), else the object of its own name: `clients` or `task_notes`. A stream for anything else, or in a
mode its object does not support, fails the write before any record is read, naming what is supported
(`check` has no catalog to look at).

>>> MODES["task_notes"]
(<DestinationSyncMode.append_dedup: 'append_dedup'>, <DestinationSyncMode.append: 'append'>)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from airbyte_cdk.models import ConfiguredAirbyteCatalog, DestinationSyncMode, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

CLIENTS = "clients"
TASK_NOTES = "task_notes"
# append_dedup (upsert): insert or update; append: insert only; update: update only. Notes are only added.
MODES: Mapping[str, tuple[DestinationSyncMode, ...]] = {
    CLIENTS: (DestinationSyncMode.append_dedup, DestinationSyncMode.append, DestinationSyncMode.update),
    TASK_NOTES: (DestinationSyncMode.append_dedup, DestinationSyncMode.append),
}


@dataclass(frozen=True)
class Target:
    stream: str
    object: str
    mode: DestinationSyncMode


def supported() -> str:
    return "; ".join(f"{name} ({', '.join(mode.value for mode in modes)})" for name, modes in MODES.items())


def targets(catalog: ConfiguredAirbyteCatalog) -> dict[str, Target]:
    """Each configured stream's target, by stream name; every problem of the catalog at once."""
    found: dict[str, Target] = {}
    problems: list[str] = []
    for configured in catalog.streams:
        stream = configured.stream.name
        name = (configured.destination_object_name or stream).strip().casefold()
        mode = configured.destination_sync_mode
        if name not in MODES:
            problems.append(f"stream {stream!r} would write {name!r}, which is not an object it writes")
        elif mode not in MODES[name]:
            problems.append(
                f"stream {stream!r} writes {name} in mode {mode.value}, which {name} does not support"
            )
        else:
            found[stream] = Target(stream, name, mode)
    if problems:
        message = (
            f"destination-aroflo writes {supported()}: {'; '.join(problems)}. Name the stream after its "
            "object (or map it to one), and choose a supported sync mode."
        )
        raise AirbyteTracedException(
            message=message, internal_message=message, failure_type=FailureType.config_error
        )
    return found
