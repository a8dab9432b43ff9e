"""Write the stream tables of README.md and docs/aroflo.md from the manifest's stream `$parameters`, the one
definition of what each zone is read with (components/plan.py reads the same parameters).

    PYTHONPATH=. .venv/bin/python scripts/document_streams.py

The tables sit between `<!-- streams:begin -->` and `<!-- streams:end -->` markers; unit_tests/test_docs.py
checks they are up to date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from source_aroflo.components.plan import ZonePlan

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "source_aroflo" / "manifest.yaml"
BEGIN, END = "<!-- streams:begin -->", "<!-- streams:end -->"


def streams() -> list[dict[str, Any]]:
    return [s["$parameters"] for s in yaml.safe_load(MANIFEST.read_text())["streams"]]


def _code(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`"


def full_read_where(plan: ZonePlan) -> str:
    where = plan.full_read_where(start_date=None)
    if not where:
        return "none (no default filter, no documented id field)"
    text = " + ".join(_code(clause) for clause in where)
    if plan.id_clause and not plan.id_clause[2]:
        return f"{text} (a guard; dropped if AroFlo rejects it)"
    return text


def document_changes(plan: ZonePlan) -> str:
    """A documents stream: the documents uploaded since the last sync, found by re-reading the parents until
    uploads are shown to change them (by their own update time, where their records show one), then as the
    parent zone's changes are found. No deletions."""
    attached_to = plan.attached_to
    assert attached_to is not None
    text = "documents uploaded since the last sync: the parents re-read in full every `fallback_reread_hours`"
    if attached_to.updated is None:
        return f"{text} (their records show no update time to show whether an upload changes them)"
    text += f" until uploads are shown to change their {_code(attached_to.updated)}; then LastUpdate "
    text += f"`zonename = {plan.change_log}` once shown to log it, until then "
    if plan.updated:
        created = f" or {_code(plan.created.name)}" if plan.created else ""
        return text + f"a window on {_code(plan.updated.name)}{created}"
    return text + "the re-reads"


def changes(plan: ZonePlan) -> str:
    if plan.attached_to is not None:
        return document_changes(plan)
    if plan.zone.lower() == "lastupdate":
        return "its own `lastupdateutc` (10-minute overlap); free"
    if plan.change_log:
        fallback = (
            f"a window on {_code(plan.updated.name)}"
            + (f" or {_code(plan.created.name)}" if plan.created else "")
            if plan.updated
            else "a full re-read every `fallback_reread_hours` (deletions by comparing ids)"
        )
        return f"LastUpdate `zonename = {plan.change_log}` once shown to log it; until then {fallback}"
    if plan.updated:
        return f"a window on {_code(plan.updated.name)} (not in LastUpdate)"
    return "re-read every `reference_reread_hours` (24 h), deletions by comparing ids"


def table() -> str:
    rows = [
        "| Stream | `zone=` | Record key | Primary key | Full-read WHERE (no start date) "
        "| `start_date` filters on | How changes are found (incremental) |",
        "|:--|:--|:--|:--|:--|:--|:--|",
    ]
    for parameters in streams():
        plan = ZonePlan.from_parameters(parameters)
        if plan.zone.lower() == "lastupdate":
            where, start = "`and\\|lastupdateutc\\|>\\|...` window", "`lastupdateutc`"
        else:
            where = full_read_where(plan)
            start = f"`{plan.date_field.name}`" if plan.date_field else "— (all history)"
        keys = ", ".join(f"`{k}`" for k in parameters["primary_key"])
        joined = "[].documentsandphotos[]" if plan.attached_to else ""  # a documents stream's records
        record_key = f"`{plan.record_key}{joined}`"
        rows.append(
            f"| `{plan.stream}` | `{plan.zone}` | {record_key} | {keys} | {where} | {start} "
            f"| {changes(plan)} |"
        )
    return "\n".join(rows)


def rewrite(path: Path, content: str) -> str:
    text = path.read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{content}\n{END}{tail}"


def main() -> None:
    content = table()
    for path in (ROOT / "README.md", ROOT / "docs" / "aroflo.md"):
        path.write_text(rewrite(path, content))


if __name__ == "__main__":
    main()
