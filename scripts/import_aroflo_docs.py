"""Copy AroFlo's published API documentation into the repository as data for the sandbox and the tests.

Reads the markdown snapshot of apidocs.aroflo.com (one file per zone, as kept in the public repository
AdrianAFPlumbing/aroflo-mcp under docs/api/) and (re)writes aroflo_sandbox/documented/:

* ``examples/<zone>.json``: every example response whose ``zoneresponse`` holds the zone's record array,
  verbatim (key order kept), filed under the zone its records belong to, with its provenance;
* ``zones.json``: per zone the WHERE table (raw text and a parsed type), the default WHERE clause, the
  JOIN and ORDER BY lists, and the WHERE/ORDER/JOIN values the vendor's own GET requests use;
* ``posts.json``: every example answer to a POST (a ``postresults`` echo), verbatim, with the form variables
  (``zone``, ``postxml`` ...) its section's pre-request script posts;
* ``README.md``: source, attribution, what each file holds and the defects of the originals.

    python scripts/import_aroflo_docs.py <checkout of aroflo-mcp>/docs/api [--out DIR]

Standard library only, plus the zone registry (aroflo_sandbox/zones.py, itself standard library only).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable from anywhere, without PYTHONPATH

from aroflo_sandbox.zones import ZONES  # noqa: E402

OUT = ROOT / "aroflo_sandbox" / "documented"
SOURCE_REPO = "AdrianAFPlumbing/aroflo-mcp"
SOURCE_COMMIT = "9f866ca"

HEADING = re.compile(r"^(#{1,4}) +(.*?)\s*$")
REQUEST = re.compile(r"^(GET|POST) ")
GET_BRANCH = re.compile(r"if \(requestType == 'GET'\) \{\s*var urlVarString = \[(.*?)\];", re.S)
POST_BRANCH = re.compile(r"if \(requestType == 'POST'\) \{\s*var formVarString = \[(.*?)\];", re.S)
# 'name=' + encodeURIComponent('value')  (either quote)  or  'name=value'  (sent unencoded)
PARAM = re.compile(r"""['"](\w+)=(?:['"]\s*\+\s*encodeURIComponent\(\s*(['"])(.*?)\2\s*\)|([^'"]*)['"])""")
LIST_PARAMS = ("where", "order", "join")
PARAM_ORDER = ("zone", "where", "order", "join", "page", "pageSize")
DEFAULT_COLUMN = re.compile(r"^AND\s+([\w.]+)\s*>", re.I)
NO_WHERE_MESSAGE = "No WHERE clause found"
Query = dict[str, Any]


# --------------------------------------------------------------------------- markdown structure


@dataclass
class Section:
    """A heading and the lines up to the next heading (code fences never hold headings here)."""

    level: int
    title: str
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def sections(text: str) -> list[Section]:
    """Split a markdown file at its headings, ignoring '#' lines inside code fences."""
    out = [Section(0, "", [])]
    fenced = False
    for line in text.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            out.append(Section(len(match[1]), match[2], []))
        else:
            out[-1].lines.append(line)
    return out


def table_rows(lines: list[str]) -> list[list[str]]:
    """Body rows of the markdown tables in ``lines`` (header and ``---`` rows dropped)."""
    rows: list[list[str]] = []
    in_table = False
    for line in lines:
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if in_table and set("".join(cells)) - {"-", " "}:
            rows.append(cells)
        in_table = True
    return rows


def prose(lines: list[str]) -> list[str]:
    """Text lines that are not table rows, rules or Postman's 'Authorization: bearer' boilerplate."""
    skip = ("|", "---", "**Authorization:**")
    return [line.strip().lstrip("- ").strip() for line in lines if line.strip() and not line.startswith(skip)]


# --------------------------------------------------------------------------- WHERE types


def where_type(raw: str) -> dict[str, Any]:
    """The type a WHERE table's value text documents.

    "AROFLO ID" -> {"type": "aroflo_id"}; "STRING(50)" -> {"type": "string", "max_length": 50};
    "STRING(quote,task)" -> {"type": "enum", "values": ["quote", "task"]};
    "DATE(YYYY-MM-DD hh:mm:ss)" -> {"type": "datetime", "format": "YYYY-MM-DD hh:mm:ss"}.
    Dates follow the documented format, not the keyword, since the two disagree in places
    (Users "DATE(YYYY-MM-DD HH:mm:ss)", Tasks "DATETIME(YYYY-MM-DD)").
    """
    text = raw.strip()
    word = text.split("(")[0].split("[")[0].strip().upper()
    if re.fullmatch(r"AROFLO ?ID", text, re.I):
        return {"type": "aroflo_id"}
    if word == "BOOLEAN" or text.replace(" ", "").lower() == "true,false":
        return {"type": "boolean"}
    if word in ("INTEGER", "INT"):
        return {"type": "integer"}
    if word in ("NUMBER", "FLOAT"):
        return {"type": "number"}
    if word in ("DATE", "DATETIME"):
        inner = re.search(r"\((.*?)\)?$", text)
        fmt = inner[1].strip().strip("'\"") if inner else None
        timed = (fmt and re.search(r"hh", fmt, re.I)) or (fmt is None and word == "DATETIME")
        return {"type": "datetime" if timed else "date", "format": fmt}
    listed = re.fullmatch(r"STRING\s*[(\[](.*)[)\]]", text, re.I)
    if word == "STRING" and (not listed or re.fullmatch(r"\d*", listed[1])):
        return {"type": "string", **({"max_length": int(listed[1])} if listed and listed[1] else {})}
    if not listed and "," not in text:
        raise ValueError(f"unknown WHERE value type {raw!r}")
    items = [v.strip().strip("'\"") for v in re.split(r",| OR ", listed[1] if listed else text) if v.strip()]
    if "etc" in items:  # LastUpdate zonename: an open list
        return {"type": "string", "examples": [v for v in items if v != "etc"]}
    if all(v.endswith("id") for v in items):  # Schedules scheduledtoid: "STRING(userid, assetid)"
        return {"type": "aroflo_id", "one_of": items}
    return {"type": "enum", "values": items}


def where_table(lines: list[str]) -> list[dict[str, Any]]:
    """The rows of a WHERE table, verbatim plus parsed type; a caption row ('The following require
    JOIN stocklevels') marks the rows after it."""
    rows = []
    requires_join = None
    for name, value, *_ in table_rows(lines):
        if not value:
            caption = re.search(r"require JOIN (\w+)", name, re.I)
            requires_join = caption[1] if caption else None
            continue
        row = {"field": name, "value": value, **where_type(value)}
        rows.append({**row, "requires_join": requires_join} if requires_join else row)
    return rows


def default_where(lines: list[str]) -> tuple[str | None, str | None]:
    """The '**Default WHERE clause**' paragraph after a WHERE table: (clause, bold note)."""
    texts = [line.strip() for line in lines if line.strip() and not line.startswith(("|", "---"))]
    if "**Default WHERE clause**" not in texts:
        return None, None
    after = texts[texts.index("**Default WHERE clause**") + 1 :]
    notes = [t.strip("*") for t in after if t.startswith("**") and not t.startswith("**Authorization")]
    clauses = [t for t in after if not t.startswith("**")]
    return (clauses[0] if clauses else None), (notes[0] if notes else None)


def split_clause(clause: str) -> dict[str, Any]:
    """Split a WHERE clause into its elements, separated by '|' (docs README, "WHERE Clause").

    'and|(|clientname|=|A' -> {"conj": "and", "open": True, "field": "clientname", "op": "=", "value": "A"};
    field, op and value are None when the clause does not have the conj|field|op|value shape."""
    parts = clause.split("|")
    out: dict[str, Any] = {"conj": parts[0]}
    if len(parts) > 1 and parts[1] == "(":
        out["open"] = True
        parts = [parts[0], *parts[2:]]
    if len(parts) > 1 and parts[-1] == ")":
        out["close"] = True
        parts = parts[:-1]
    field_op_value = parts[1:] if len(parts) == 4 else [None, None, None]
    return {**out, **dict(zip(("field", "op", "value"), field_op_value, strict=True))}


# --------------------------------------------------------------------------- requests and examples


def query(branch: str) -> Query:
    """The variables of a pre-request script's GET ``urlVarString`` array, in a fixed order.

    "'zone=' + encodeURIComponent('tasks'), 'where=' + encodeURIComponent('and|jobnumber|=|1')"
    -> {"zone": "tasks", "where": ["and|jobnumber|=|1"]}
    """
    found: Query = {}
    for match in PARAM.finditer(branch):
        name, value = match[1], match[3] if match[3] is not None else match[4]
        if name in LIST_PARAMS:
            found.setdefault(name, []).append(value)
        else:
            found[name] = value
    rank = {name: i for i, name in enumerate(PARAM_ORDER)}
    return {name: found[name] for name in sorted(found, key=lambda n: rank.get(n, len(rank)))}


@dataclass
class Request:
    """A '### GET/POST ...' section with everything under it up to the next request or JOIN heading."""

    doc_file: str
    heading: str
    sections: list[Section] = field(default_factory=list)

    def _queries(self, part: int) -> list[Query]:
        # Part 0 is the request block under the heading, part 1 the Pre-request Script.
        text = "\n".join(s.text for s in self.sections).split("**Pre-request Script:**")
        return [query(b) for b in GET_BRANCH.findall(text[part])] if part < len(text) else []

    @property
    def query(self) -> Query | None:
        return next(iter(self._queries(1)), None)

    @property
    def block_query(self) -> Query | None:
        return next(iter(self._queries(0)), None)

    def get_queries(self) -> list[Query]:
        return self._queries(0) + self._queries(1)

    @property
    def form(self) -> Query | None:
        """The form variables of the pre-request script's POST ``formVarString`` (the request block above it
        shows the postxml with its tags lost), in the order posted; None when it posts nothing."""
        text = "\n".join(s.text for s in self.sections).split("**Pre-request Script:**")
        branches = POST_BRANCH.findall(text[1]) if len(text) > 1 else []
        found = {m[1]: m[3] if m[3] is not None else m[4] for m in PARAM.finditer(next(iter(branches), ""))}
        return found if found.get("postxml") else None

    def examples(self) -> Iterator[tuple[str, Any]]:
        """(heading, parsed JSON) of each example response; non-JSON examples (one XML) are skipped."""
        for section in self.sections:
            body = re.search(r"^```json\n(.*?)\n```$", section.text, re.S | re.M)
            if section.level == 4 and body:
                yield section.title, json.loads(body[1])


@dataclass
class Doc:
    """One zone's documentation file."""

    file: str
    name: str
    where: list[dict[str, Any]] = field(default_factory=list)
    join_where: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    default_where: str | None = None
    default_where_note: str | None = None
    joins: list[str] = field(default_factory=list)
    join_sections: list[str] = field(default_factory=list)
    order_by: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)


def read_doc(path: Path) -> Doc:
    """The tables, notes and request sections of one file; the '# Title' names the zone."""
    parts = sections(path.read_text(encoding="utf-8"))
    doc = Doc(path.name, next(s.title for s in parts if s.level == 1))
    request: Request | None = None
    previous = parts[0]
    for section in parts:
        request_match = REQUEST.match(section.title) if section.level == 3 else None
        join_heading = section.level == 3 and section.title.startswith("JOIN ")
        if request_match:
            request = Request(doc.file, section.title)
            doc.requests.append(request)
        elif join_heading or section.level <= 2:
            request = None
        if request is not None:
            request.sections.append(section)
        elif join_heading:
            doc.join_sections.append(section.title.split()[-1])
        elif section.level == 2 and section.title.startswith("WHERE"):
            # Tasks documents extra WHERE tables for its material/labour/expense joins.
            if previous.level == 3 and previous.title.startswith("JOIN ") and not prose(previous.lines):
                doc.join_where[previous.title.split()[-1]] = where_table(section.lines)
            else:
                doc.where = where_table(section.lines)
                doc.default_where, doc.default_where_note = default_where(section.lines)
            cut = next((i for i, t in enumerate(section.lines) if "**Default WHERE clause**" in t), None)
            doc.notes += prose(section.lines[:cut])
        elif section.level == 2 and section.title.startswith("JOIN"):
            doc.joins = [row[0] for row in table_rows(section.lines)]
            doc.notes += prose(section.lines)
        elif section.level == 2 and section.title.startswith("ORDER BY"):
            doc.order_by = [row[0] for row in table_rows(section.lines)]
            doc.notes += prose(section.lines)
        previous = section
    return doc


# --------------------------------------------------------------------------- defects of one example


def mismatches(where: list[str], records: list[dict[str, Any]]) -> Iterator[str]:
    """'=' clauses on a plain field the records carry, that some records do not satisfy."""
    for clause in where:
        parts = split_clause(clause)
        if parts["op"] != "=":
            continue
        values = [r[parts["field"]] for r in records if isinstance(r.get(parts["field"]), str | int)]
        wrong = sorted({str(v) for v in values if str(v).strip().lower() != parts["value"].lower()})
        if wrong:
            shown = ", ".join(f'"{v}"' for v in wrong[:3]) + (", ..." if len(wrong) > 3 else "")
            yield (
                f"{sum(str(v) in wrong for v in values)} of {len(records)} records do not match "
                f'"{clause}" ({parts["field"]}: {shown})'
            )


def diff(block: Query, script: Query | None) -> str:
    """The variables the request block and the script disagree on: 'join ["tasknotes"] vs ["notes"]'."""
    script = script or {}
    names = [n for n in PARAM_ORDER if block.get(n) != script.get(n)]
    return "; ".join(f"{n} {json.dumps(block.get(n))} vs {json.dumps(script.get(n))}" for n in names)


def defects(request: Request, doc_name: str, zone: str, response: dict[str, Any]) -> list[str]:
    """What in this example contradicts its documentation (wrong file, request vs response)."""
    found = []
    name = ZONES[zone].name
    if doc_name != name:
        found.append(f"{name} response in {request.doc_file}, the {doc_name} documentation")
    asked, block = request.query, request.block_query
    if asked and asked.get("zone", "").lower() != zone:
        found.append(f"the pre-request script asks for zone={asked.get('zone')}, the records are {name}")
    if block is not None and block != asked:
        found.append(f"request block vs pre-request script: {diff(block, asked)}")
    records = response["zoneresponse"][ZONES[zone].record_key]
    for label, q in (("pre-request script", asked), ("request block", block if block != asked else None)):
        found += [f"{label}: {m}" for m in mismatches((q or {}).get("where", []), records)]
    message = str(response.get("statusmessage", ""))
    if asked and asked.get("where") and NO_WHERE_MESSAGE in message:
        found.append(f'statusmessage "{message}" although the pre-request script sends a WHERE clause')
    return found


# --------------------------------------------------------------------------- assembling the data


def zone_of_records(response: Any) -> str | None:
    """The zone whose record array a GET response holds (None for POST ``postresults`` echoes)."""
    by_key = {z.record_key: key for key, z in ZONES.items()}
    body = response.get("zoneresponse") if isinstance(response, dict) else None
    keys = [k for k, v in (body or {}).items() if isinstance(v, list) and k in by_key]
    return by_key[keys[0]] if keys else None


@dataclass
class Imported:
    examples: dict[str, list[dict[str, Any]]]  # zone -> examples/<zone>.json
    zones: dict[str, dict[str, Any]]  # zones.json
    without_examples: list[str]  # GET request sections that show no example response
    posts: list[dict[str, Any]] = field(default_factory=list)  # posts.json


def post_examples(docs: Any) -> list[dict[str, Any]]:
    """Every example answer to a POST (a ``postresults`` echo) with the form its section posts, files A-Z."""
    found = []
    for doc in docs:
        for request in doc.requests:
            for heading, response in request.examples():
                if "postresults" not in (response.get("zoneresponse") or {}):
                    continue
                found.append(
                    {
                        "doc_file": doc.file,
                        "doc_zone": doc.name,
                        "request": request.heading,
                        "heading": heading,
                        "form": request.form,
                        "defects": [],
                        "response": response,
                    }
                )
    first: dict[str, str] = {}
    for entry in found:
        label = f"{entry['doc_file']}: {entry['request']} / {entry['heading']}"
        copy_of = first.setdefault(json.dumps(entry["response"]), label)
        if copy_of != label:
            entry["defects"].append(f"the same response as {copy_of}")
    return found


def build(docs_dir: Path) -> Imported:
    """Everything the import writes, from the docs directory."""
    docs = {}
    for path in sorted(docs_dir.glob("*.md")):
        if path.name != "README.md" and path.read_text(encoding="utf-8").startswith("# "):
            doc = read_doc(path)
            docs[doc.name.lower()] = doc
    zone_doc = {key: docs[z.name.lower()] for key, z in ZONES.items()}

    examples: dict[str, list[dict[str, Any]]] = {key: [] for key in ZONES}
    for doc in docs.values():
        for request in doc.requests:
            for heading, response in request.examples():
                zone = zone_of_records(response)
                if zone is None:
                    continue
                entry: dict[str, Any] = {
                    "doc_file": doc.file,
                    "doc_zone": doc.name,
                    "request": request.heading,
                    "heading": heading,
                    "query": request.query,
                }
                if request.block_query is not None and request.block_query != request.query:
                    entry["request_block_query"] = request.block_query
                entry["defects"] = defects(request, doc.name, zone, response)
                entry["response"] = response
                examples[zone].append(entry)
    for key, entries in examples.items():
        in_doc_order(entries, zone_doc[key].file)
        first: dict[str, str] = {}
        for entry in entries:
            label = f"{entry['doc_file']}: {entry['request']} / {entry['heading']}"
            copy_of = first.setdefault(json.dumps(entry["response"]), label)
            if copy_of != label:
                entry["defects"].append(f"the same response as {copy_of}")

    uses = vendor_usage(docs.values())
    zones = {key: zone_entry(key, zone_doc[key], examples[key], uses.get(key, {})) for key in sorted(ZONES)}
    without = [
        f"{doc.file}: {r.heading}"
        for doc in docs.values()
        for r in doc.requests
        if r.heading.startswith("GET") and next(r.examples(), None) is None
    ]
    return Imported(examples, zones, without, post_examples(docs.values()))


def in_doc_order(entries: list[dict[str, Any]], own_file: str) -> None:
    """The zone's own file first, then the other files A-Z; each file in its order (a stable sort)."""
    entries.sort(key=lambda e: (e["doc_file"] != own_file, e["doc_file"]))


def vendor_usage(docs: Any) -> dict[str, dict[str, dict[str, list[str]]]]:
    """zone -> zone/where/order/join -> value -> ["file: request heading", ...], from every GET branch
    (request blocks and pre-request scripts, of GET and POST sections alike), by the zone= they ask."""
    uses: dict[str, dict[str, dict[str, list[str]]]] = {}
    for doc in docs:
        for request in doc.requests:
            source = f"{doc.file}: {request.heading}"
            for q in request.get_queries():
                per_kind = uses.setdefault(q.get("zone", "").lower(), {})
                for kind in ("zone", *LIST_PARAMS):
                    for value in [q[kind]] if kind == "zone" else q.get(kind, []):
                        sources = per_kind.setdefault(kind, {}).setdefault(value, [])
                        if source not in sources:
                            sources.append(source)
    return uses


def zone_entry(
    key: str, doc: Doc, examples: list[dict[str, Any]], uses: dict[str, dict[str, list[str]]]
) -> dict[str, Any]:
    zone = ZONES[key]
    documented = {row["field"].lower() for row in doc.where}
    where_uses = []
    for clause, sources in uses.get("where", {}).items():
        parts = split_clause(clause)
        in_table = (parts["field"] or "").lower() in documented
        where_uses.append({"clause": clause, **parts, "in_where_table": in_table, "sources": sources})
    default_column = DEFAULT_COLUMN.match(doc.default_where or "")
    return {
        "name": zone.name,
        "doc_file": doc.file,
        "record_key": zone.record_key,
        "where": doc.where,
        "join_where": doc.join_where,
        "default_where": doc.default_where,
        "default_where_column": default_column[1] if default_column else None,
        "default_where_note": doc.default_where_note,
        "joins": doc.joins,
        "join_sections": doc.join_sections,
        "order_by": doc.order_by,
        "notes": doc.notes,
        "zone_params": sorted(uses.get("zone", {})),
        "example_where": where_uses,
        "example_where_fields_not_in_table": sorted(
            {w["field"] for w in where_uses if not w["in_where_table"] and w["field"]}
        ),
        "example_order": [{"value": v, "sources": s} for v, s in uses.get("order", {}).items()],
        "example_joins": [{"value": v, "sources": s} for v, s in uses.get("join", {}).items()],
        "example_count": len(examples),
        "example_records": sum(len(e["response"]["zoneresponse"][zone.record_key]) for e in examples),
    }


# --------------------------------------------------------------------------- writing


def dump(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def readme(imported: Imported, commit: str) -> str:
    zones, examples = imported.zones, imported.examples
    total = sum(z["example_records"] for z in zones.values())
    rows = "\n".join(
        f"| {z['name']} | `{key}` | {z['doc_file']} | `{z['record_key']}` | {z['example_count']} "
        f"| {z['example_records']} | {', '.join(z['example_where_fields_not_in_table']) or '-'} |"
        for key, z in zones.items()
    )
    entries = sorted((e for key in sorted(examples) for e in examples[key]), key=lambda e: e["doc_file"])
    found = "\n".join(
        f"* {e['doc_file']}, {e['request']} / {e['heading']}: {d}" for e in entries for d in e["defects"]
    )
    without = "\n".join(f"* {name}" for name in imported.without_examples)
    posts = "\n".join(
        f"| {e['doc_file']} | {e['request']} | {e['heading']} | "
        f"{'`' + e['form']['zone'] + '`' if e['form'] else 'none'} |"
        for e in imported.posts
    )
    return README.format(
        repo=SOURCE_REPO,
        posts=posts,
        post_count=len(imported.posts),
        commit=commit,
        total=total,
        rows=rows,
        defects=found,
        without=without,
        zone_count=len(zones),
    )


README = """# AroFlo's API documentation, as data

Generated by `scripts/import_aroflo_docs.py`; do not edit by hand.

## Source and attribution

AroFlo's public API documentation (https://apidocs.aroflo.com/, the AroFlo API Postman collection),
in the markdown form kept in the public repository [{repo}](https://github.com/{repo}) under
`docs/api/`, commit `{commit}`. It is AroFlo's material, reproduced here as test fixtures for the
sandbox and the connector's tests (example responses verbatim; tables and request variables
transcribed); it is not covered by this repository's licence. Using the AroFlo API itself is
subject to AroFlo's API Terms of Use (https://aroflo.com/api-terms-of-use/).

## Files

* `examples/<zone>.json` (one per readable zone, named by the lower-cased `zone=` value of
  `aroflo_sandbox/zones.py`): a list, in documentation order (the zone's own file first), of every
  example response whose `zoneresponse` holds that zone's record array, filed by the record key,
  not by the file it appears in. POST `postresults` echoes are in `posts.json`. Each entry:
  `doc_file`, `doc_zone` (the zone that file documents; differs when an example was copied into
  the wrong file), `request` (the request section heading, e.g. "GET Get Tasks with notes"),
  `heading` (the example's heading, e.g. "Get Tasks with notes (OK 200)"), `query` (the variables
  of the section's pre-request script GET `urlVarString`: zone, where[], order[], join[], page,
  pageSize; null when the section has none), `request_block_query` (only when the request block
  shown under the heading says something else), `defects` (see below) and `response` (the whole
  JSON response as published, key order kept). One request section may hold several examples; the
  query belongs to the section, so it is only as reliable as the vendor's copy-paste.
* `zones.json`, per zone: `name`, `doc_file`, `record_key`; `where` (the WHERE table rows verbatim,
  `field` and `value`, plus a parsed `type`: aroflo_id, string, boolean, integer, number, date,
  datetime or enum with its `values`; `format` for dates, `max_length`, `requires_join`, `one_of`,
  `examples` where the text says so); `join_where` (Tasks' extra tables for joined material,
  labour and expense lines); `default_where` (the documented "Default WHERE clause", null when
  none), its `default_where_column` and `default_where_note`; `joins` (the "JOINs available"
  table), `join_sections` (the "JOIN x" sections, which name more joins than the table),
  `order_by`; `notes` (the text around those tables); `zone_params` (how the vendor's requests
  spell `zone=`); `example_where`, `example_order`, `example_joins` (every WHERE clause, ORDER
  and JOIN value of the GET branches of the vendor's request blocks and pre-request scripts,
  grouped by the zone they ask for, each with its sources; WHERE clauses split into
  conj/open/field/op/value/close and flagged `in_where_table`); `example_where_fields_not_in_table`;
  `example_count` and `example_records`.
* `posts.json`: every example answer to a POST (a `postresults` echo), in documentation order
  (files A-Z), verbatim: `doc_file`, `doc_zone`, `request` (e.g. "POST Create Client"), `heading`
  (e.g. "ERROR: Client already exists (OK 200)"), `form` (the form variables the section's
  pre-request script posts, in its order: `zone`, `postxml` as written there, and any other, such
  as `join`; null when the script posts no postxml), `defects` (an answer copied from another
  section, as in "POST Update Client primary contact phone", which repeats both answers of "POST
  Create Client") and `response` (the whole JSON answer as published, key order kept). The request
  block shown under each heading lost the postxml's tags in the markdown export, so only the
  pre-request script's form is kept.
* `__init__.py`: typed helpers to read the above (`examples`, `example_records`, `zone_docs`,
  `where_fields`, `post_examples`).

A date's `type` follows its documented format rather than its keyword, since the two disagree:
"DATE(YYYY-MM-DD hh:mm:ss)" is a datetime, Tasks' "DATETIME(YYYY-MM-DD)" a date.

## Regenerate

```bash
python scripts/import_aroflo_docs.py <path to a checkout of aroflo-mcp>/docs/api
```

`unit_tests/sandbox/test_documented.py` regenerates into a temporary directory and compares with
these files when `AROFLO_DOCS_DIR` points at such a directory.

## Contents

{total} example records in {zone_count} zones.

| Zone | key | doc file | record key | examples | records | example WHERE fields not in the table |
|---|---|---|---|---|---|---|
{rows}

## POST examples

{post_count} example answers to POSTs; `form` names the zone the pre-request script posts to.

| doc file | request | example | form zone |
|---|---|---|---|
{posts}

## Defects of the originals

Found by the import, per example (also in each example's `defects`):

{defects}

GET request sections that show no example response:

{without}

Found by reading (not detected by the import):

* Example headings copied from elsewhere: trackingcentres.md "Get ClientNotes (OK 200)",
  billlineitems.md "Approved Bills (OK 200)", bills.md "Approved PurchaseOrders with lineitems"
  (under the Bills TrackingCentres request, with a purchase-order response).
* tasks.md "GET Update Note on Task" describes a note update and its request block is a POST
  (`postxml`), but its pre-request script sends a GET (jobnumber 1049, `join=tasknotes`) and its
  example is that GET's tasks response.
* users.md "Get Users with set position": the request block is not fenced and has a stray `j`
  before `,'where=' ...`; clients.md "Search for Client by Name" quotes its WHERE value with `"`;
  schedules.md sends `order=startdatetime|desc` and `where=and|startdate|=|2022-03-02` unencoded
  and uses the operator `>=`, which the README's WHERE grammar does not list.
* WHERE tables: Locations documents `createddatetimeutc` twice (DATE(YYYY-MM-DD) and
  DATE(YYYY-MM-DD hh:mm:ss)) and spells `lasteupdatedutc`; Inventory's table has a caption row
  ("The following require JOIN stocklevels"); PurchaseOrders writes "DATE(YYY-MM-DD)";
  TransactionTerms heads its table "TERM | VALUE" under "## WHERE"; PermissionGroups and
  UserPosition have no WHERE table; quotes.md examples have no `status`/`statusmessage`.
* The vendor's examples filter on fields their zone's WHERE table does not list (column above),
  e.g. Schedules `scheduledtotype` where the table says `scheduletotype`.
"""


def write(out: Path, docs_dir: Path, commit: str) -> None:
    imported = build(docs_dir)
    (out / "examples").mkdir(parents=True, exist_ok=True)
    for stale in (out / "examples").glob("*.json"):
        stale.unlink()
    for key, entries in imported.examples.items():
        (out / "examples" / f"{key}.json").write_text(dump(entries), encoding="utf-8")
    (out / "zones.json").write_text(dump(imported.zones), encoding="utf-8")
    (out / "posts.json").write_text(dump(imported.posts), encoding="utf-8")
    (out / "README.md").write_text(readme(imported, commit), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("docs_dir", type=Path, help="the docs/api directory of a checkout of aroflo-mcp")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output directory (default {OUT})")
    parser.add_argument("--commit", default=SOURCE_COMMIT, help="source commit named in the README")
    args = parser.parse_args()
    write(args.out, args.docs_dir, args.commit)


if __name__ == "__main__":
    main()
