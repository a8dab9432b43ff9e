"""Are the connector's records what another version of it emits? Both versions read one sandbox, in turn:
a full read of every stream, a first incremental sync (no state: a full read that saves the state), then,
after a fixed set of changes, an incremental sync from that state. Per stream and run, the records' hashes
are compared; records that differ are paired by primary key and their differing fields listed, and every
difference must be a field the newer manifest declares and the older does not (a newly typed field).

    git archive <commit> source_aroflo aroflo-client | tar -x -C /tmp/baseline   # the other version
    PYTHONPATH=. .venv/bin/python scripts/compare_records.py --baseline /tmp/baseline [--scale 1.0]

Prints a markdown table per run and the differing fields (stream, field, records, of which non-null); exits 1
if any difference is not a newly declared field, or a deletion record (`_ab_cdc_deleted_at`) that both
versions emit for the same primary key and change time, with other fields (`--deletions-may-differ`: the
deletions are normalized like every record since issue 20; each is listed). Both versions share this
checkout's sandbox and Python environment; `source_aroflo`, and `aroflo-client` when the version's folder
holds one, are its own (put first on PYTHONPATH).

Pinned, so that only the connector decides a record: the sandbox's data (seed 42, `now` = NOW, so its
dates do not move with the clock); the values that are the wall clock of the run replaced by a marker
before hashing: `_ab_cdc_updated_at` (the sync's change position: when it started) and the signature,
expiry and `url_expires_at` of document links (signed when answered). A record's hash is SHA-256 of its
JSON as emitted (key order kept): "byte for byte".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver

from aroflo_sandbox.server import Sandbox
from aroflo_sandbox.zones import ZONES
from aroflo_testing.harness import (
    MANIFEST,
    Run,
    SandboxClient,
    catalog,
    latest_states,
    write_json,
)

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 1, 0, 0, 0)  # the sandbox's "now": its data is the same whenever this runs
FAST = {"per_second": 1000, "per_minute": 100_000}  # the connector paces itself; the sandbox need not
# Every stream of the manifest (the 42 zones, LastUpdate and the 12 documents streams), with its primary key.
PRIMARY_KEYS = {s["$parameters"]["name"]: s["$parameters"]["primary_key"] for s in MANIFEST["streams"]}
STREAMS = sorted(PRIMARY_KEYS)
PINNED = "<wall clock>"
# The changes made before the incremental sync: (op, zone, positions in the zone's truth); every family of
# zones, the ones with custom fields and documents among them.
CHANGES = [
    ("update", zone, range(3, 6))
    for zone in (
        "tasks",
        "clients",
        "suppliers",
        "contacts",
        "locations",
        "users",
        "assets",
        "quotes",
        "invoices",
        "purchaseorders",
        "taskmaterials",
        "tasklabours",
        "taskexpenses",
        "timesheets",
        "inventory",
        "documentsandphotos",
        "inventorystocklevels",
    )
] + [
    *(("create", zone, range(1)) for zone in ("tasks", "quotes", "invoices", "users", "contacts", "assets")),
    *(("delete", zone, range(10, 12)) for zone in ("tasks", "clients", "timesheets")),
]


@dataclass
class Connector:
    """One version of the connector: its `source_aroflo` package and the manifest it declares."""

    name: str
    source: Path  # the folder holding `source_aroflo/`
    states: list[dict[str, Any]] = field(default_factory=list)

    def read(self, sandbox: Sandbox, folder: Path, incremental: bool) -> Run:
        folder.mkdir(parents=True, exist_ok=True)
        modes = frozenset(STREAMS) if incremental else frozenset()
        args = [
            "read",
            "--config",
            write_json(folder / "config.json", sandbox.connector_config()),
            "--catalog",
            write_json(folder / "catalog.json", catalog(STREAMS, incremental=modes)),
        ]
        if incremental and self.states:
            args += ["--state", write_json(folder / "state.json", self.states)]
        started = time.monotonic()
        process = subprocess.run(
            self.python("import sys; from source_aroflo.run import run; sys.exit(run())", *args),
            capture_output=True,
            text=True,
            timeout=1800,
            env=self.environment(),
        )
        run = Run.parse(process.returncode, process.stdout, process.stderr, time.monotonic() - started)
        if run.returncode != 0 or run.errors:
            raise SystemExit(f"{self.name}: the read failed: {run.errors or run.stderr[-3000:]}")
        if incremental:
            self.states = latest_states(run, previous=self.states)
        return run

    def python(self, code: str, *args: str) -> list[str]:
        # -P: the working directory (this checkout) must not come before the version's own source_aroflo.
        return [sys.executable, "-P", "-c", code, *args]

    def environment(self) -> dict[str, str]:
        client = self.source / "aroflo-client"  # the version's own shared client, when its folder has one
        paths = [self.source, *([client] if client.is_dir() else []), ROOT]
        return {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths))}

    def check_source(self) -> None:
        """The connector this version runs is the one in its folder (not this checkout's or the installed)."""
        code = "import source_aroflo; print(source_aroflo.__file__)"
        found = subprocess.run(self.python(code), capture_output=True, text=True, env=self.environment())
        if Path(found.stdout.strip()).resolve().parent.parent != self.source.resolve():
            raise SystemExit(f"{self.name}: runs {found.stdout.strip() or found.stderr}, not {self.source}")

    def declared(self) -> set[tuple[str, str]]:
        """(stream, field path) of every field the manifest declares, nested ones as `a.b`, `a[].b`."""
        manifest = yaml.safe_load((self.source / "source_aroflo" / "manifest.yaml").read_text())
        schemas = ManifestReferenceResolver().preprocess_manifest(manifest)["schemas"]
        return {(s, path) for s in STREAMS for path in field_paths(schemas[s])}


def field_paths(schema: dict[str, Any], prefix: str = "") -> Iterator[str]:
    for name, child in schema.get("properties", {}).items():
        yield prefix + name
        yield from field_paths(child, f"{prefix}{name}.")
        if "items" in child:
            yield from field_paths(child["items"], f"{prefix}{name}[].")


def pinned(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its wall-clock values replaced by a marker (see the module docstring)."""

    def pin(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: pin(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [pin(v, key) for v in value]
        if key in ("_ab_cdc_updated_at", "url_expires_at") and value is not None:
            return PINNED
        if key == "url" and isinstance(value, str) and "?" in value:
            return value.split("?")[0] + "?" + PINNED
        return value

    return pin(record)


def text(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(text(record).encode()).hexdigest()


def differences(old: Any, new: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, new value) where `new` differs from `old`: a key added, removed or changed; list items by
    position (written `[]`)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            where = f"{path}.{key}" if path else key
            if key not in old or key not in new:
                yield where, new.get(key)
            else:
                yield from differences(old[key], new[key], where)
        if list(old) != [k for k in new if k in old]:
            yield f"{path} (key order)", None
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for a, b in zip(old, new, strict=True):
            yield from differences(a, b, f"{path}[]")
    elif type(old) is not type(new) or old != new:
        yield path, new


@dataclass
class Comparison:
    """One run (full read, first sync, incremental sync) of both versions, per stream."""

    title: str
    rows: list[list[str]] = field(default_factory=list)
    records: Counter = field(default_factory=Counter)  # (stream, path) -> records that differ there
    values: Counter = field(default_factory=Counter)  # (stream, path) -> values that differ (array items)
    non_null: Counter = field(default_factory=Counter)  # (stream, path) -> of which not null
    unexplained: list[str] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)  # deletion records that differ, old -> new
    deleted: list[list[str]] = field(default_factory=list)  # stream, deletion records before, after, same


DELETED_AT = "_ab_cdc_deleted_at"


def record_key(stream: str, record: dict[str, Any]) -> tuple:
    return tuple(record.get(k) for k in PRIMARY_KEYS[stream])


def same_deletion(stream: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Both are the deletion of the same record at the same change time (other fields may differ)."""
    return (
        DELETED_AT in old
        and DELETED_AT in new
        and old[DELETED_AT] == new[DELETED_AT]
        and record_key(stream, old) == record_key(stream, new)
    )


def compare(
    title: str, old: Run, new: Run, new_fields: set[tuple[str, str]], deletions_may_differ: bool = False
) -> Comparison:
    result = Comparison(title)
    for stream in STREAMS:
        before = [pinned(r) for r in old.records.get(stream, [])]
        after = [pinned(r) for r in new.records.get(stream, [])]
        old_hashes, new_hashes = Counter(map(digest, before)), Counter(map(digest, after))
        same = sum((old_hashes & new_hashes).values())
        by_key: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
        for record in before:
            if old_hashes[digest(record)] > new_hashes[digest(record)]:
                by_key[record_key(stream, record)].append(record)
        explained = 0
        for record in after:
            if new_hashes[digest(record)] <= old_hashes[digest(record)]:
                continue
            partners = by_key.get(record_key(stream, record))
            if not partners:
                result.unexplained.append(
                    f"{stream}: a record only the new version emits: {text(record)[:200]}"
                )
                continue
            partner = partners.pop(0)
            if deletions_may_differ and same_deletion(stream, partner, record):
                result.deletions.append(f"{stream}: {text(partner)} -> {text(record)}")
                explained += 1
                continue
            changed = list(differences(partner, record))
            for path, value in changed:
                result.values[stream, path] += 1
                result.non_null[stream, path] += value is not None
            for path in {path for path, _ in changed}:
                result.records[stream, path] += 1
            wrong = [p for p, _ in changed if (stream, p) not in new_fields]
            if wrong:
                result.unexplained.append(f"{stream} {record_key(stream, record)}: {wrong[:5]}")
            else:
                explained += 1
        for records in by_key.values():
            result.unexplained += [
                f"{stream}: a record only the old version emits: {text(r)[:200]}" for r in records
            ]
        old_deleted = [digest(r) for r in before if DELETED_AT in r]
        new_deleted = [digest(r) for r in after if DELETED_AT in r]
        if old_deleted or new_deleted:
            same_deleted = sum((Counter(old_deleted) & Counter(new_deleted)).values())
            result.deleted.append([stream, str(len(old_deleted)), str(len(new_deleted)), str(same_deleted)])
        old_stream = hashlib.sha256("".join(sorted(old_hashes.elements())).encode()).hexdigest()[:12]
        new_stream = hashlib.sha256("".join(sorted(new_hashes.elements())).encode()).hexdigest()[:12]
        result.rows.append(
            [
                stream,
                f"{len(before):,}",
                f"{len(after):,}",
                f"{same:,}",
                f"{explained:,}",
                old_stream,
                new_stream,
            ]
        )
    return result


def change_account(control: SandboxClient) -> int:
    """The fixed changes (CHANGES), made now; how many."""
    made = 0
    for op, zone, positions in CHANGES:
        key = ZONES[zone].primary_key[0]
        truth = control.truth(zone)
        for position in positions:
            body: dict[str, Any] = {"op": op, "zone": zone}
            if op != "create":
                body["id"] = truth[position][key]
            answer = control.post("mutate", body)
            if not answer.get("ok"):
                raise SystemExit(f"{op} {zone}: {answer}")
            made += 1
    return made


def report(comparison: Comparison) -> list[str]:
    head = [
        "stream",
        "records before",
        "after",
        "same hash",
        "differ in new fields (or a deletion's form) only",
        "hash before",
        "after",
    ]
    lines = [f"### {comparison.title}", "", "| " + " | ".join(head) + " |", "|:--|" + "--:|" * 4 + ":--|:--|"]
    lines += ["| " + " | ".join(row) + " |" for row in comparison.rows]
    total = [sum(int(row[i].replace(",", "")) for row in comparison.rows) for i in (1, 2, 3, 4)]
    lines.append("| **total** | " + " | ".join(f"{n:,}" for n in total) + " | | |")
    if comparison.records:
        lines += ["", "| stream | field | records | values | of which not null |", "|:--|:--|--:|--:|--:|"]
        for (stream, path), count in sorted(comparison.records.items()):
            values, non_null = comparison.values[stream, path], comparison.non_null[stream, path]
            lines.append(f"| {stream} | `{path}` | {count:,} | {values:,} | {non_null:,} |")
    if comparison.deleted:
        lines += ["", "| stream | deletion records before | after | same hash |", "|:--|--:|--:|--:|"]
        lines += ["| " + " | ".join(row) + " |" for row in comparison.deleted]
    if comparison.deletions:
        lines += ["", f"Deletion records that differ ({len(comparison.deletions)}), before -> after:", ""]
        lines += [f"* `{line}`" for line in comparison.deletions]
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--baseline", type=Path, required=True, help="folder holding the other source_aroflo/"
    )
    parser.add_argument("--current", type=Path, default=ROOT, help="folder holding this version (default: .)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--deletions-may-differ",
        action="store_true",
        help="a deletion record of the same key and time may differ in its other fields (listed)",
    )
    args = parser.parse_args()
    old, new = Connector("baseline", args.baseline), Connector("current", args.current)
    old.check_source()
    new.check_source()
    new_fields = new.declared() - old.declared()
    comparisons = []
    with (
        tempfile.TemporaryDirectory() as folder,
        Sandbox(port=0, seed=42, scale=args.scale, now=NOW) as sandbox,
    ):
        control = SandboxClient(sandbox)
        control.reset()
        control.post("limits", FAST)
        runs: dict[str, list[Run]] = {old.name: [], new.name: []}
        for step, incremental in (("full", False), ("first", True)):
            for connector in (old, new):
                control.post("reset_day")
                runs[connector.name].append(
                    connector.read(sandbox, Path(folder, connector.name, step), incremental)
                )
        changes = change_account(control)
        for connector in (old, new):
            control.post("reset_day")
            runs[connector.name].append(connector.read(sandbox, Path(folder, connector.name, "next"), True))
    titles = [
        "Full read (full refresh, every stream)",
        "First incremental sync (no state)",
        f"Incremental sync after {changes} changes",
    ]
    for title, before, after in zip(titles, runs[old.name], runs[new.name], strict=True):
        comparisons.append(compare(title, before, after, new_fields, args.deletions_may_differ))
    print(f"Sandbox seed 42, scale {args.scale}, now {NOW.isoformat()}; baseline {args.baseline}.\n")
    for comparison in comparisons:
        print("\n".join(report(comparison)))
    unexplained = [line for c in comparisons for line in c.unexplained]
    if unexplained:
        print("Differences that are not newly declared fields:", *unexplained[:30], sep="\n  ")
        raise SystemExit(1)
    print(
        "Every difference is a field the current manifest declares and the baseline does not"
        + (", or a listed deletion record." if args.deletions_may_differ else ".")
    )


if __name__ == "__main__":
    main()
