"""start_date and page_size change what is read and how, never whether a record is lost (reads in-process:
the point is the connector's requests, not its command line)."""

from __future__ import annotations

from datetime import datetime

from aroflo_sandbox.values import parse_api_datetime
from aroflo_sandbox.zones import zone_for_param
from aroflo_testing.harness import SandboxClient, read_in_process


def _ids(records, key):
    return {r[key] for r in records}


def test_start_date_bounds_zones_with_a_date_and_reads_the_rest_whole(
    small_sandbox, small: SandboxClient, tmp_path
):
    streams = ["tasks", "timesheets", "quote_line_items"]
    run = read_in_process(
        small_sandbox, tmp_path, streams, unlimited_call_rate=True, start_date=" 2025-06-01 "
    )
    assert run.returncode == 0 and run.errors == []
    start = datetime(2025, 6, 1)
    # Tasks' default filter is on datetimerequested (the record's requestdatetime): the full read's field.
    tasks = [t for t in small.truth("tasks") if parse_api_datetime(t["requestdatetime"]) >= start]
    timesheets = [t for t in small.truth("timesheets") if parse_api_datetime(t["workdate"]) >= start]
    assert 0 < len(tasks) < len(small.truth("tasks"))
    assert _ids(run.records["tasks"], "taskid") == _ids(tasks, "taskid")
    assert _ids(run.records["timesheets"], "timesheetid") == _ids(timesheets, "timesheetid")
    # no date to filter on: the whole zone
    assert _ids(run.records["quote_line_items"], "lineid") == _ids(small.truth("QuoteLineItems"), "lineid")
    wheres = {line["zone"].lower(): line["where"] for line in small.stats(log=True)["log"]}
    assert wheres["tasks"] == ["and|datetimerequested|>|2025-05-31 23:59:59"]
    assert wheres["timesheets"] == ["and|workdate|>|2025-05-31"]


def test_small_page_size_pages_through_everything(small_sandbox, small: SandboxClient, tmp_path):
    streams = ["business_units", "task_types"]
    run = read_in_process(small_sandbox, tmp_path, streams, unlimited_call_rate=True, page_size=10)
    assert run.returncode == 0 and run.errors == []
    assert len(run.records["business_units"]) == len(small.truth("businessunits")) == 3
    assert _ids(run.records["task_types"], "tasktypeid") == _ids(small.truth("tasktypes"), "tasktypeid")
    by_zone = small.stats()["by_zone"]
    assert by_zone["businessunits"] == 1
    assert (
        by_zone["tasktypes"] == len(small.truth("tasktypes")) // 10 + 1
    )  # 15 records: a full page, a short one
    assert zone_for_param("tasktypes") is not None
