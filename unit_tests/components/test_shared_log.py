"""The sync's one LastUpdate read for every zone (`shared_log.SharedChangeLog`), alone and under the zone
cursors: one read serves every zone; a zone far behind reads its own; an entry logged after the read is in
the next sync; a full read leaves the next sync's overlap only what was logged after it began."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from source_aroflo.components.changes import Entry, LogWindow
from source_aroflo.components.shared_log import SharedChangeLog
from source_aroflo.components.sync_state import iso
from unit_tests.components.test_sync import NOW, TASKS, TIMESHEETS, Harness

MINUTE = timedelta(minutes=1)


class Log:
    """AroFlo's LastUpdate as `changes.ChangeLog` reads it: every zone's entries (zonename None) or one's."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries_logged = entries
        self.reads: list[tuple[str | None, datetime]] = []

    def entries(
        self, zonename: str | None, after: datetime, rows: list[dict[str, Any]] | None = None
    ) -> Iterator[list[Entry]]:
        self.reads.append((zonename, after))
        found = [e for e in self.entries_logged if e.at > after and zonename in (None, e.zonename)]
        if rows is not None:
            rows.extend(row_of(e) for e in found)
        yield found

    def since(self, zonename: str, after: datetime, now: datetime) -> LogWindow:
        return LogWindow(self.entries(zonename, after), now)

    def probe(self, zonename: str, after: datetime | None = None, pages: int = 1) -> list[Entry]:
        self.reads.append((f"probe {zonename}", after or datetime.min))
        return [e for e in self.entries_logged if e.zonename == zonename and (after is None or e.at > after)]


def row_of(entry: Entry) -> dict[str, Any]:
    """The row AroFlo sends for an entry."""
    at = entry.at.strftime("%Y/%m/%d %H:%M:%S")
    return {"zonename": entry.zonename, "zoneid": entry.record_id, "lastupdateutc": at, "isdeleted": "0"}


def entry(record_id: str, at: datetime, zonename: str = "tasks", deleted: bool = False) -> Entry:
    return Entry(record_id, at, deleted, zonename)


def ids(log: LogWindow | Iterator[list[Entry]]) -> list[str]:
    pages = log.pages if isinstance(log, LogWindow) else log
    return [e.record_id for rows in pages for e in rows]


def shared(log: Log, needs: dict[str, datetime], at: datetime = NOW) -> SharedChangeLog:
    change_log = SharedChangeLog(log, clock=lambda: at)  # type: ignore[arg-type]
    for stream, after in needs.items():
        change_log.need(stream, after)
    return change_log


def test_one_lastupdate_read_serves_every_zone():
    log = Log(
        [
            entry("t1", NOW - 9 * MINUTE),
            entry("s1", NOW - 5 * MINUTE, "timesheets"),
            entry("q1", NOW, "quotes"),
        ]
    )
    change_log = shared(
        log, {"tasks": NOW - 10 * MINUTE, "timesheets": NOW - 8 * MINUTE, "quotes": NOW - MINUTE}
    )
    assert ids(change_log.since("tasks", NOW - 10 * MINUTE, NOW)) == ["t1"]
    assert ids(change_log.since("timesheets", NOW - 8 * MINUTE, NOW)) == ["s1"]
    assert ids(change_log.entries("quotes", NOW - MINUTE)) == ["q1"]
    assert [e.record_id for e in change_log.probe("timesheets", NOW - 6 * MINUTE)] == ["s1"]
    assert [e.record_id for e in change_log.probe("quotes")] == ["q1"]
    assert change_log.since("tasks", NOW - 10 * MINUTE, NOW + MINUTE).as_of == NOW  # when the read began
    assert log.reads == [(None, NOW - 10 * MINUTE)]  # one read, from the oldest need, every zone


def test_a_zone_behind_beyond_the_shared_window_reads_its_own():
    log = Log(
        [entry("old", NOW - timedelta(days=3)), entry("t1", NOW - 5 * MINUTE), entry("s1", NOW, "timesheets")]
    )
    behind = NOW - timedelta(days=3, minutes=10)
    change_log = shared(log, {"tasks": behind, "timesheets": NOW - 10 * MINUTE})
    assert ids(change_log.since("timesheets", NOW - 10 * MINUTE, NOW)) == ["s1"]
    window = change_log.since("tasks", behind, NOW)
    assert ids(window) == ["old", "t1"] and window.as_of == NOW
    assert log.reads == [(None, NOW - 10 * MINUTE), ("tasks", behind)]
    # A probe about a moment the shared read does not hold asks AroFlo, and so does one for an unknown zone.
    change_log.probe("tasks", NOW - timedelta(hours=2))
    change_log.probe("quotes")
    assert log.reads[2:] == [("probe tasks", NOW - timedelta(hours=2)), ("probe quotes", datetime.min)]


def test_a_daily_syncs_zones_and_a_stream_new_to_it_share_the_read():
    day = timedelta(days=1, minutes=10)
    log = Log([entry("t1", NOW - timedelta(hours=20)), entry("s1", NOW - timedelta(hours=3), "timesheets")])
    change_log = shared(log, {"tasks": NOW - day, "timesheets": NOW - day, "quotes": NOW - 10 * MINUTE})
    assert ids(change_log.since("quotes", NOW - 10 * MINUTE, NOW)) == []
    assert ids(change_log.since("tasks", NOW - day, NOW)) == ["t1"]
    assert ids(change_log.since("timesheets", NOW - day, NOW)) == ["s1"]
    assert log.reads == [(None, NOW - day)]


def test_the_last_update_streams_window_comes_from_the_same_read_when_it_holds_it():
    log = Log([entry("t1", NOW - 9 * MINUTE), entry("s1", NOW - 5 * MINUTE, "timesheets"), entry("t2", NOW)])
    change_log = shared(log, {"tasks": NOW - 10 * MINUTE, "last_update": NOW - 11 * MINUTE})
    rows = change_log.rows(NOW - 9 * MINUTE, NOW - 5 * MINUTE)  # both ends included
    assert [row["zoneid"] for row in rows or []] == ["t1", "s1"]
    assert rows == [row_of(e) for e in log.entries_logged[:2]]  # as AroFlo sent them
    assert change_log.rows(NOW - 11 * MINUTE, NOW) is None  # from before the read's start: read as before
    assert log.reads == [(None, NOW - 11 * MINUTE)]


def test_a_row_whose_time_cannot_be_read_leaves_the_window_to_aroflo():
    class Odd(Log):
        def entries(
            self, zonename: str | None, after: datetime, rows: list[dict[str, Any]] | None = None
        ) -> Iterator[list[Entry]]:
            if rows is not None:
                rows.append({"zonename": "tasks", "zoneid": "x", "lastupdateutc": "soon"})
            yield []

    change_log = shared(Odd([]), {"tasks": NOW - 10 * MINUTE})
    assert change_log.rows(NOW - 5 * MINUTE, NOW) is None


def test_nothing_is_read_for_a_sync_that_needs_no_change_log():
    log = Log([entry("t1", NOW)])
    change_log = shared(log, {})
    change_log.need("priorities", None)
    assert change_log.seen("tasks", NOW - 10 * MINUTE) == []
    assert log.reads == []


def test_entries_paged_again_at_the_same_second_count_once():
    twice = [entry("t1", NOW), entry("t2", NOW)]

    class Paged(Log):
        def entries(
            self, zonename: str | None, after: datetime, rows: list[dict[str, Any]] | None = None
        ) -> Iterator[list[Entry]]:
            self.reads.append((zonename, after))
            yield twice
            yield [*twice, entry("t3", NOW + MINUTE)]  # the next page by time starts at the same second

    change_log = shared(Paged([]), {"tasks": NOW - MINUTE})
    assert ids(change_log.entries("tasks", NOW - MINUTE)) == ["t1", "t2", "t3"]


# ---- under the zone cursors ---------------------------------------------------------------------------

COVERED = {"_ab_cdc_updated_at": iso(NOW - timedelta(hours=1)), "coverage": "covered", "records": 1000}


def test_an_entry_logged_after_the_shared_read_is_fetched_by_the_next_sync():
    """The read is done by the first zone at NOW; tasks plans its fetches 15 minutes later, when an entry
    dated after the read has appeared: the position is when the read began, so the next sync fetches it."""
    log = Log([entry("a", NOW - 30 * MINUTE), entry("s", NOW - 20 * MINUTE, "timesheets")])
    change_log = shared(log, {"timesheets": NOW - 70 * MINUTE, "tasks": NOW - 70 * MINUTE})
    Harness(TIMESHEETS, dict(COVERED), log=change_log).read()  # type: ignore[arg-type]
    log.entries_logged.append(entry("late", NOW + MINUTE))
    tasks = Harness(TASKS, dict(COVERED), log=change_log, clock_offset=15 * MINUTE)  # type: ignore[arg-type]
    first = tasks.read({"fetch": [{"taskid": "a"}]})
    assert [s["changes"] for s in first] == [{"a": iso(NOW - 30 * MINUTE)}]
    assert tasks.state.position == NOW
    state = tasks.sync.state
    following = shared(log, {"tasks": NOW - 10 * MINUTE}, at=NOW + timedelta(hours=1))
    again = Harness(TASKS, state, log=following, clock_offset=timedelta(hours=1))  # type: ignore[arg-type]
    assert [s["changes"] for s in again.read({"fetch": [{"taskid": "late"}]})] == [
        {"late": iso(NOW + MINUTE)}
    ]


def test_a_full_read_leaves_the_next_sync_only_what_was_logged_after_it_began():
    """The entries of the overlap logged before a first full read began are delivered by it: the next sync
    fetches none of them. One logged after it began is fetched, even dated before the read (logged late)."""
    logged = [
        entry("a", NOW - 5 * MINUTE),
        entry("b", NOW - MINUTE),
        entry("gone", NOW - 2 * MINUTE, deleted=True),
    ]
    log = Log(list(logged))
    first = Harness(TASKS, None, log=shared(log, {"tasks": NOW - 10 * MINUTE}))  # type: ignore[arg-type]
    first.read({"full": [{"taskid": "a"}, {"taskid": "b"}, {"taskid": "c"}]})
    assert first.state.position == NOW
    assert first.state.recent == {
        "a": iso(NOW - 5 * MINUTE),
        "b": iso(NOW - MINUTE),
        "gone": iso(NOW - 2 * MINUTE),
    }
    log.entries_logged.append(entry("late", NOW - 2 * MINUTE))  # saved while the read ran, dated before it
    state = first.sync.state
    next_sync = Harness(TASKS, state, log=shared(log, {"tasks": NOW - 10 * MINUTE}, at=NOW + MINUTE))  # type: ignore[arg-type]
    slices = next_sync.read({"fetch": [{"taskid": "late"}]})
    assert [s["changes"] for s in slices] == [{"late": iso(NOW - 2 * MINUTE)}]
    assert next_sync.deleted == []
