"""The benchmark's result as one printed table (and the notes that explain it), from its JSON form.

print(render(result))  # result: the dict written to benchmarks/results/<date>.json
"""

from __future__ import annotations

from typing import Any

FULL_READ_HEADER = (
    f"{'reader':<10}{'scale':>6}{'records':>10}{'= truth':>8}{'calls':>7}{'minimum':>8}{'÷ min':>7}"
    f"{'wall s':>8}{'calls/min':>10}{'CPU s':>8}{'records/CPU s':>14}{'peak RSS MB':>12}"
)
INCREMENTAL_HEADER = (
    f"{'sync':<34}{'records':>9}{'calls':>7}{'LastUpdate':>11}{'daily budget':>13}{'secondary':>10}"
    f"{'changes delivered':>18}{'wall s':>8}{'CPU s':>7}"
)


def render(result: dict[str, Any]) -> str:
    machine = result["machine"]
    lines = [
        f"source-aroflo benchmark, {result['date']}, commit {result['commit']}; {machine['cpus']} CPUs "
        f"({machine['cpu_model']}), {machine['memory_gb']} GB, Python {machine['python']}",
        f"load average {machine['load_before']:.2f} before, {machine['load_after']:.2f} after: CPU and wall "
        "figures are noisy whenever other work shares the cores",
        "",
        f"Full read of {len(result['streams'])} streams (full refresh), sandbox rate limits off "
        "(the connector still paces itself to AroFlo's limits):",
        FULL_READ_HEADER,
    ]
    rows = result["full_read"]
    for row in rows:
        lines.append(_full_read_line(row))
    lines += _comparison(rows)
    lines.append(result["minimum_calls_formula"] + ".")

    limited = result.get("limited")
    if limited:
        row, pace = limited["row"], limited["pacing"]
        rate = (
            f"{pace['average_per_minute']:.1f} a minute on average from the first call to the last, "
            f"between {pace['fewest_in_60s']} and {pace['most_in_60s']} in any 60 s within the run"
            if pace["average_per_minute"] is not None
            else f"at most {pace['most_in_60s']} in any 60 s (a run under a minute has no sustained rate)"
        )
        lines += [
            "",
            f"With AroFlo's real limits (3/s, 120/min), connector only, scale {row['scale']:g}: "
            f"{pace['calls']} calls in {pace['minutes']:.1f} min: {rate}, at most {pace['most_in_1s']} in "
            "any second; "
            f"{row['rate_limited']} rate-limit rejections; records "
            + ("= truth" if not row["mismatched_streams"] else f"DIFFER: {row['mismatched_streams']}"),
            f"(No reader can go faster than the sandbox answers: the unpaced minimal reader made "
            f"{_sandbox_bound(rows, row['scale']):,.1f} calls/min at this size with the limits off.)",
        ]

    incremental = result.get("incremental")
    if incremental:
        lines += [
            "",
            f"Incremental syncs (scale {incremental['scale']:g}, incremental wherever discover allows; "
            "calls by kind: LastUpdate is free, daily budget = AroFlo's 2,000/day, secondary = "
            "single-record GETs, 20,000/day):",
            INCREMENTAL_HEADER,
        ]
        for sync in incremental["rows"]:
            delivered = f"{sync['delivered']:,}/{sync['changes']:,}" if sync["changes"] else "-"
            lines.append(
                f"{sync['sync']:<34}{sync['records']:>9,}{sync['calls']:>7,}{sync['lastupdate_calls']:>11,}"
                f"{sync['daily_budget_calls']:>13,}{sync['secondary_calls']:>10,}{delivered:>18}"
                f"{sync['wall_seconds']:>8.1f}{sync['cpu_seconds']:>7.1f}"
                + (f"  FAILED: {sync['errors'][:1]}" if sync["returncode"] else "")
            )

    problems = result["problems"]
    lines += ["", "Problems: " + "; ".join(problems) if problems else "Every check held: " + result["checks"]]
    return "\n".join(lines)


def _sandbox_bound(rows: list[dict[str, Any]], scale: float) -> float:
    return next(r["calls_per_minute"] for r in rows if r["reader"] == "minimal" and r["scale"] == scale)


def _full_read_line(row: dict[str, Any]) -> str:
    calls_per_minute = f"{row['calls_per_minute']:,.1f}"
    return (
        f"{row['reader']:<10}{row['scale']:>6g}{row['records']:>10,}"
        f"{'yes' if not row['mismatched_streams'] else 'NO':>8}{row['calls']:>7,}{row['minimum_calls']:>8,}"
        f"{row['calls_over_minimum']:>7.2f}{row['wall_seconds']:>8.1f}{calls_per_minute:>10}"
        f"{row['cpu_seconds']:>8.2f}{row['records_per_cpu_second']:>14,.0f}{row['peak_rss_mb']:>12.1f}"
    )


def _comparison(rows: list[dict[str, Any]]) -> list[str]:
    """CPU per record of the connector over the minimal reader's; growth from the smallest to the largest."""
    by = {(r["reader"], r["scale"]): r for r in rows}
    scales = sorted({r["scale"] for r in rows})
    ratios = [
        f"{by['connector', s]['cpu_seconds'] / by['minimal', s]['cpu_seconds']:.1f}x at {s:g}"
        for s in scales
        if by["minimal", s]["cpu_seconds"]
    ]
    lines = ["CPU per record, connector ÷ minimal (same records): " + ", ".join(ratios)]
    for r in rows:
        if r.get("runs"):
            cpu = ", ".join(f"{run['cpu_seconds']:.2f}" for run in r["runs"])
            rss = ", ".join(f"{run['peak_rss_mb']:.1f}" for run in r["runs"])
            lines.append(
                f"{r['reader']} at {r['scale']:g}: medians of {len(r['runs'])} runs; "
                f"CPU s {cpu}; RSS MB {rss}"
            )
    if len(scales) > 1:
        low, high = scales[0], scales[-1]
        growth = []
        for reader in ("connector", "minimal"):
            small, large = by[reader, low], by[reader, high]
            added = large["records"] - small["records"]
            per_record = (large["cpu_seconds"] - small["cpu_seconds"]) / added * 1e6 if added else 0.0
            rss = (large["peak_rss_mb"] / small["peak_rss_mb"] - 1) * 100
            growth.append(f"{reader} {per_record:,.0f} µs CPU per added record, peak RSS {rss:+.0f} %")
        lines.append(f"From scale {low:g} to {high:g}: " + "; ".join(growth))
    return lines
