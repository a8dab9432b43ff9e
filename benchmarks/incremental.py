"""What incremental syncs cost against AroFlo's daily budget (issue 13, item 3), measured from outside.

On one sandbox, with the catalog `discover` allows (incremental wherever a stream supports it):

1. a first sync without state (a full read);
2. a sync from the newest STATE per stream when nothing changed;
3. a sync after `scattered` changes spread over the zones LastUpdate tracks (updates, creates and
   deletes, 3:1:1, random records);
4. a sync after `bulk` changes in one zone (the largest tracked zone read: each of its records
   updated once, then new records for the rest).

The connector is a black box: states are passed back as a destination would, and each change is
stamped one second after the latest moment found anywhere in its stream's saved state (where the
connector says it has read that stream to), so the next sync has to see it whatever the state's shape.
Each sync reports how many of the changed records it delivered, which says whether the measurement
measured anything.

    incremental_costs(sandbox, folder, catalog, streams, scattered=100, bulk=10_000)
    -> [IncrementalRow(sync="no change", daily_budget_calls=0, lastupdate_calls=30, ...), ...]
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aroflo_sandbox.zones import ZONES, Zone
from benchmarks.readers import Measured, connector_read, run_reader
from benchmarks.sandbox import SandboxProcess


@dataclass
class IncrementalRow:
    """One sync: its calls by kind and whether the changes before it arrived."""

    sync: str
    records: int
    calls: int  # every call the sandbox answered
    lastupdate_calls: int  # LastUpdate: free of the daily limit
    daily_budget_calls: int  # counted against AroFlo's 2,000 a day
    secondary_calls: int  # single-record GETs, counted against the separate 20,000 a day
    changes: int  # distinct records changed before this sync
    delivered: int  # of those, how many this sync emitted (a tombstone for a deletion)
    wall_seconds: float
    cpu_seconds: float
    returncode: int
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def tracked_zones(streams: list[str]) -> list[Zone]:
    """The zones of `streams` whose changes AroFlo's LastUpdate logs (the sandbox's zone model)."""
    return sorted(
        (z for z in ZONES.values() if z.stream in streams and z.lastupdate_name and z.id_reference),
        key=lambda z: z.stream,
    )


def latest_moment(value: Any) -> datetime | None:
    """The latest date-time (naive UTC) anywhere in a JSON value.

    {"tasks": {"_ab_cdc_updated_at": "2026-11-24T20:00:00Z"}, "x": ["2026/11/24 21:00:00"]}
    -> datetime(2026, 11, 24, 21, 0)
    """
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        moments = [m for item in value if (m := latest_moment(item)) is not None]
        return max(moments, default=None)
    if isinstance(value, str) and len(value) >= 19:  # a date-time, not a date or an id
        try:
            moment = datetime.fromisoformat(value.replace("/", "-").replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    return None


class Syncs:
    """Runs syncs on one sandbox, passing back the newest state per stream like a destination does."""

    def __init__(self, sandbox: SandboxProcess, folder: Path, catalog: Path) -> None:
        self.sandbox = sandbox
        self.folder = folder
        self.catalog = catalog
        self.states: dict[str, dict[str, Any]] = {}

    def run(self, name: str, changed: set[tuple[str, str]]) -> IncrementalRow:
        self.sandbox.fresh_counters()
        state = None
        if self.states:
            state = self.folder / f"state-{len(self.states)}-{name.replace(' ', '-')}.json"
            state.write_text(json.dumps(list(self.states.values())))
        command = connector_read(self.sandbox.config_path, self.catalog, state)
        measured = run_reader(command, keep_records=bool(changed))
        stats = self.sandbox.stats()
        for message in measured.states:
            descriptor = message.get("stream", {}).get("stream_descriptor", {})
            self.states[descriptor.get("name") or message.get("type", "")] = message
        return IncrementalRow(
            sync=name,
            records=measured.total_records,
            calls=stats["requests"],
            lastupdate_calls=stats["by_zone"].get("lastupdate", 0),
            daily_budget_calls=stats["daily_used"],
            # The sandbox counts the single-record allowance's calls per zone on their own.
            secondary_calls=sum(stats.get("secondary_counted", {}).values()),
            changes=len(changed),
            delivered=len(changed & delivered_keys(measured)),
            wall_seconds=round(measured.wall_seconds, 3),
            cpu_seconds=round(measured.cpu_seconds, 3),
            returncode=measured.returncode,
            errors=measured.errors + ([measured.stderr_tail] if measured.returncode else []),
        )

    def change_times(self, zones: list[Zone]) -> dict[str, datetime]:
        """Per zone, one second after where its stream's saved state says the connector has read to
        (after where any state says so, if the stream has none of its own), and in the past.

        Per stream, not one moment for all: streams may keep their position differently (the change-log
        stream `last_update` reads up to the present, the zones' streams up to a few minutes ago), and a
        change stamped after a later stream's position could still be ahead of the next sync's window.
        """
        anywhere = latest_moment(list(self.states.values()))
        times = {}
        for zone in zones:
            latest = latest_moment(self.states.get(zone.stream, {})) or anywhere
            if latest is None:
                raise RuntimeError("no date-time in the saved states: cannot tell where the syncs read to")
            times[zone.param] = latest + timedelta(seconds=1)
        wait = (max(times.values()) - datetime.now(UTC).replace(tzinfo=None)).total_seconds() + 1
        time.sleep(max(0.0, wait))
        return times


def delivered_keys(measured: Measured) -> set[tuple[str, str]]:
    """(stream, id) of every record a run emitted, by the first field of the stream's primary key."""
    keys = {zone.stream: zone.primary_key[0] for zone in ZONES.values()}
    return {(stream, str(data.get(keys[stream]))) for stream, data in measured.kept if stream in keys}


def mutate(sandbox: SandboxProcess, zone: Zone, op: str, at: datetime, record_id: str = "") -> str:
    """One change through the sandbox's control route; the id of the record changed."""
    body = {"op": op, "zone": zone.param, "at": at.isoformat()} | ({"id": record_id} if record_id else {})
    answer = sandbox.post("mutate", body)
    return record_id or str(answer["record"][zone.primary_key[0]])


def record_ids(sandbox: SandboxProcess, zone: Zone) -> list[str]:
    return [str(r[zone.primary_key[0]]) for r in sandbox.get("truth", zone=zone.param)["records"]]


def scattered_changes(
    sandbox: SandboxProcess, times: dict[str, datetime], count: int
) -> set[tuple[str, str]]:
    """`count` random changes over the zones of `times`, each stamped with its zone's time: (stream, id)."""
    zones = [zone for zone in ZONES.values() if zone.param in times]
    rng = random.Random(13)
    ids = {zone.param: record_ids(sandbox, zone) for zone in zones}
    changed: set[tuple[str, str]] = set()
    for _ in range(count):
        zone = rng.choice(zones)
        op = (
            rng.choice(["update", "update", "update", "create", "delete"])
            if len(ids[zone.param]) > 5
            else "create"
        )
        record_id = rng.choice(ids[zone.param]) if op != "create" else ""
        if op == "delete":
            ids[zone.param].remove(record_id)
        changed.add((zone.stream, mutate(sandbox, zone, op, times[zone.param], record_id)))
    return changed


def bulk_changes(sandbox: SandboxProcess, zone: Zone, count: int, at: datetime) -> set[tuple[str, str]]:
    """Each record of `zone` updated once, then new records, `count` changes in all: (stream, id)."""
    ids = record_ids(sandbox, zone)[:count]
    changed = {(zone.stream, mutate(sandbox, zone, "update", at, record_id)) for record_id in ids}
    changed |= {(zone.stream, mutate(sandbox, zone, "create", at)) for _ in range(count - len(ids))}
    return changed


def incremental_costs(
    sandbox: SandboxProcess, folder: Path, catalog: Path, streams: list[str], scattered: int, bulk: int
) -> list[IncrementalRow]:
    zones = tracked_zones(streams)
    counts = {zone: count for zone, (_, count) in sandbox.zone_counts().items()}
    largest = max(zones, key=lambda z: counts[z.param])
    syncs = Syncs(sandbox, folder, catalog)
    rows = [syncs.run("first sync (no state)", set()), syncs.run("no change", set())]
    changed = scattered_changes(sandbox, syncs.change_times(zones), scattered)
    rows.append(syncs.run(f"{scattered:,} scattered changes", changed))
    changed = bulk_changes(sandbox, largest, bulk, syncs.change_times([largest])[largest.param])
    rows.append(syncs.run(f"{bulk:,} changes in {largest.param}", changed))
    return rows
