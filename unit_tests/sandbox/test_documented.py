"""AroFlo's documentation as data (aroflo_sandbox/documented/): complete, sane, loadable, reproducible."""

import doctest
import json
import os
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

import aroflo_sandbox.documented as documented
from aroflo_sandbox.documented import example_records, examples, post_examples, where_fields, zone_docs
from aroflo_sandbox.zones import ZONES

ROOT = Path(__file__).resolve().parents[2]
DATA = files("aroflo_sandbox") / "documented"
ZONES_JSON = json.loads((DATA / "zones.json").read_text(encoding="utf-8"))
TYPES = {"aroflo_id", "string", "boolean", "integer", "number", "date", "datetime", "enum"}
# The README's WHERE grammar: conj|field|op|value, with an optional "(" after conj and ")" at the end.
CLAUSE = re.compile(
    r"^(?P<conj>and|or)\|(?:\(\|)?(?P<field>[^|()]+)\|(?P<op>[^|]+)\|(?P<value>[^|]*)(?:\|\))?$"
)
README_OPERATORS = {"=", "<", ">", "!=", "IN", "NOT IN"}
QUERY_VARIABLES = {"zone", "where", "order", "join", "page", "pageSize"}
SKIP_REGENERATION = (
    "set AROFLO_DOCS_DIR to the docs/api directory of a checkout of AdrianAFPlumbing/aroflo-mcp (9f866ca)"
)


def all_clauses():
    return [(key, w) for key, zone in ZONES_JSON.items() for w in zone["example_where"]]


def test_every_readable_zone_has_examples_and_docs():
    example_files = {p.name.removesuffix(".json") for p in (DATA / "examples").iterdir()}
    assert example_files == set(ZONES) == set(ZONES_JSON)
    assert len(ZONES) == 42 and "taskresources" not in ZONES_JSON  # POST only
    for key, zone in ZONES.items():
        assert ZONES_JSON[key]["name"] == zone.name
        assert ZONES_JSON[key]["record_key"] == zone.record_key
        assert examples(key), key


def test_example_records_total_and_counts():
    counts = {key: len(example_records(key)) for key in ZONES}
    assert sum(counts.values()) == 2579
    assert min(counts.values()) >= 1
    assert counts == {key: zone["example_records"] for key, zone in ZONES_JSON.items()}
    assert {key: len(examples(key)) for key in ZONES} == {
        k: z["example_count"] for k, z in ZONES_JSON.items()
    }


def test_every_example_holds_its_zones_records():
    for key, zone in ZONES.items():
        for example in examples(key):
            body = example["response"]["zoneresponse"]
            records = body[zone.record_key]
            assert isinstance(records, list) and all(isinstance(r, dict) for r in records)
            assert body["currentpageresults"] == len(records), (key, example["heading"])
            assert example["request"].startswith(("GET ", "POST ")) and example["heading"].endswith(")")
            assert set(example["query"] or {}) <= QUERY_VARIABLES, (key, example["heading"])


def test_misplaced_examples_are_filed_by_their_records():
    misplaced = {
        (key, e["doc_file"], e["doc_zone"])
        for key in ZONES
        for e in examples(key)
        if e["doc_zone"] != ZONES[key].name
    }
    assert misplaced == {
        ("purchaseorders", "bills.md", "Bills"),
        ("substatuses", "documentsandphotos.md", "DocumentsAndPhotos"),
    }
    for key, doc_file, _ in misplaced:
        example = next(e for e in examples(key) if e["doc_file"] == doc_file)
        assert any(d.endswith(f"the {example['doc_zone']} documentation") for d in example["defects"])


def test_every_where_row_has_a_parsed_type():
    for key, zone in ZONES_JSON.items():
        rows = zone["where"] + [row for rows in zone["join_where"].values() for row in rows]
        assert rows or key in ("permissiongroups", "userposition"), key
        for row in rows:
            assert row["field"] and row["value"], (key, row)
            assert row["type"] in TYPES, (key, row)
            if row["type"] == "enum":
                assert len(row["values"]) >= 2, (key, row)
            if row["type"] in ("date", "datetime"):
                assert "format" in row, (key, row)
    assert where_fields("tasks")["jobnumber"]["type"] == "integer"
    assert where_fields("locations")["gpslat"]["type"] == "number"
    assert where_fields("users")["createddatetimeutc"] == {
        "field": "createddatetimeutc",
        "value": "DATE(YYYY-MM-DD HH:mm:ss)",
        "type": "datetime",
        "format": "YYYY-MM-DD HH:mm:ss",
    }
    assert where_fields("contacts")["contacttype"]["values"] == ["client", "contractor"]
    assert where_fields("inventory")["assignedtotype"]["requires_join"] == "stocklevels"
    assert set(zone_docs("tasks")["join_where"]) == {"material", "labour", "expense"}


def test_default_where_clauses():
    defaults = {
        key: zone["default_where_column"] for key, zone in ZONES_JSON.items() if zone["default_where"]
    }
    assert defaults["tasks"] == "datetimerequested"
    assert defaults["payments"] == "datePaid"
    assert defaults["workorders"] == "wo_order.created_UTC"
    assert all(defaults.values())
    # The sandbox applies a 30-day default filter to exactly the zones AroFlo documents one for.
    assert set(defaults) == {key for key, zone in ZONES.items() if zone.default_filter is not None}


def test_example_clauses_follow_the_readme_grammar():
    clauses = all_clauses()
    assert len(clauses) > 50
    off_grammar = set()
    for key, w in clauses:
        match = CLAUSE.match(w["clause"])
        assert match, (key, w["clause"])
        assert {name: match[name] for name in ("conj", "field", "op", "value")} == {
            name: w[name] for name in ("conj", "field", "op", "value")
        }
        if w["op"].upper() not in README_OPERATORS:
            off_grammar.add((key, w["op"]))
    # The vendor's own Schedules example uses an operator the README does not list.
    assert off_grammar == {("schedules", ">=")}


def test_example_where_fields_missing_from_the_tables_are_flagged():
    flagged = {key: z["example_where_fields_not_in_table"] for key, z in ZONES_JSON.items()}
    assert {key: fields for key, fields in flagged.items() if fields} == {
        "invoices": ["lastupdateddatetime", "linkprocessed", "taskid"],
        "payments": ["datepaid"],
        "purchaseorders": ["linkprocessed"],
        "schedules": ["groupid", "scheduledtotype"],
        "taskexpenses": ["lablinkprocessed"],
        "taskmaterials": ["lablinkprocessed"],
        "tasks": ["task_id"],
    }
    for key, w in all_clauses():
        in_table = w["field"].lower() in {row["field"].lower() for row in ZONES_JSON[key]["where"]}
        assert w["in_where_table"] == in_table and w["sources"], (key, w)


def test_loader():
    assert examples("Substatuses") == examples("substatuses")
    assert len(example_records("inventory")) == 487
    assert example_records("payments")[0]["paymentid"] == "JCdaXyNQQCAgCg=="
    assert zone_docs("UserPosition")["where"] == []
    records = example_records("payments")
    records[0]["paymentid"] = "changed"
    assert example_records("payments")[0]["paymentid"] == "JCdaXyNQQCAgCg=="  # fresh objects every call
    assert doctest.testmod(documented).failed == 0


def test_post_examples_hold_postresults_and_the_form_posted():
    posts = post_examples()
    assert len(posts) == 55
    for example in posts:
        results = example["response"]["zoneresponse"]["postresults"]
        assert "errors" in results and {"inserts", "updates"} & set(results), example["heading"]
        assert example["form"] is None or {"zone", "postxml"} <= set(example["form"]), example["heading"]
        assert example["request"].startswith("POST ")
    created = post_examples("POST Create Client")
    assert [e["heading"] for e in created] == [
        "ERROR: Client already exists (OK 200)",
        "Create Client (OK 200)",
    ]
    assert created[0]["form"] is not None and created[0]["form"]["postxml"].startswith("<clients><client>")
    # The vendor repeated both Create Client answers under the primary-contact update: flagged, not hidden.
    copies = [e for e in post_examples("POST Update Client primary contact phone") if e["defects"]]
    assert [e["heading"] for e in copies] == [
        "Create Client (OK 200)",
        "ERROR: Client already exists (OK 200)",
    ]


def docs_dir() -> Path | None:
    path = os.environ.get("AROFLO_DOCS_DIR")
    return Path(path) if path and (Path(path) / "tasks.md").is_file() else None


@pytest.mark.skipif(
    docs_dir() is None,
    reason=SKIP_REGENERATION,
)
def test_import_regenerates_committed_files(tmp_path):
    subprocess.run(
        [sys.executable, "scripts/import_aroflo_docs.py", str(docs_dir()), "--out", str(tmp_path)],
        cwd=ROOT,
        check=True,
    )
    committed = Path(str(DATA))
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert generated == sorted(
        p.relative_to(committed) for p in committed.rglob("*") if p.is_file() and p.suffix in (".json", ".md")
    )
    for relative in generated:
        assert (tmp_path / relative).read_bytes() == (committed / relative).read_bytes(), relative
