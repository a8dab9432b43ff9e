"""What a full read does when AroFlo refuses it (docs/aroflo.md#how-a-zone-is-read): narrower windows on the
zone's documented date field when even the smallest page is too large or too slow (8, 888888), and the read
without its optional clause when AroFlo rejects a clause that only guards against an undocumented default
filter (9). The cursor (`sync.ZoneSync`) asks, under its lock, for the CDK's window splitting and the
paginator.

>>> from datetime import UTC, datetime
>>> from source_aroflo.components.partitions import PartitionRegistry
>>> from source_aroflo.components.plan import ZonePlan
>>> from source_aroflo.components.sync_plan import SyncPlanner
>>> from source_aroflo.components.sync_settings import SyncSettings
>>> from source_aroflo.components.sync_state import SyncState
>>> tasks = ZonePlan.from_parameters({"name": "tasks", "zone": "tasks", "primary_key": ["taskid"],
...                                   "full_read": {"date": "datetimerequested"}})
>>> run = ZoneRun(tasks, SyncSettings(start_date="2024-01-01"), SyncState())
>>> planner = SyncPlanner(run, PartitionRegistry(), change_log=None, budget=None)
>>> [whole] = planner.full_read(datetime(2026, 11, 30, tzinfo=UTC), keep_ids=True)
>>> windows = Refusals(run, planner.window).split(planner.partitions.get(whole.partition), whole)
>>> [(w.window[0][:10], w.window[1][:10], w.partition) for w in windows]  # the refused partition's
[('2024-01-01', '2024-12-31', 1), ('2025-01-01', '2025-12-31', 1), ('2026-01-01', '2026-11-30', 1)]
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_aroflo.components import full_read as progress
from source_aroflo.components.partitions import Read
from source_aroflo.components.sync_run import ZoneRun
from source_aroflo.components.sync_state import Window
from source_aroflo.components.zone_slice import FULL, ZoneSlice

LOGGER = logging.getLogger("airbyte")


@dataclass
class Refusals:
    run: ZoneRun
    window: Callable[
        [ZoneSlice, Window], ZoneSlice
    ]  # a narrower window's slice, in the refused one's partition

    def split(self, read: Read, refused: ZoneSlice) -> list[ZoneSlice] | None:
        """AroFlo refused a full read even at the smallest page: the narrower windows that replace it -
        before 2000, then a year each, then halves, down to a day - in the refused slice's partition."""
        plan, full_read = self.run.plan, self.run.state.full_read
        if read.kind != FULL or full_read is None or plan.date_field is None:
            return None
        span = Window.span_of(refused.window)
        children = progress.narrower(span, full_read.started, self.run.settings.start_date)
        if not children:
            day = f"{refused.window[0]}..{refused.window[1]}" if refused.window else "(whole zone)"
            raise AirbyteTracedException(
                message=(
                    f"AroFlo keeps refusing {self.run.plan.stream} even for a single day at the smallest "
                    f"page size ({plan.date_field.name} {day}). Turn its joins off and retry, or contact "
                    f"AroFlo support."
                ),
                failure_type=FailureType.transient_error,
            )
        self.run.split(span, children)
        read.windows = [w for w in read.windows or [] if w.span != span] + children
        LOGGER.info(
            f"{self.run.plan.stream}: AroFlo refused the read; continuing in {len(children)} windows."
        )
        return [self.window(refused, w) for w in children]

    def drop_optional_where(self) -> bool:
        """AroFlo rejected the always-true clause that only guards against a default filter the zone does
        not document (status 9): read on without it. False when the clause is required."""
        plan = self.run.plan
        if not plan.optional_where:
            return False
        if self.run.state.full_read is not None:
            self.run.state = self.run.state.but(
                full_read=self.run.state.full_read.but(optional_where_dropped=True)
            )
        LOGGER.warning(
            f"AroFlo rejected the clause {plan.full_read_where(None)} of {plan.stream} (Invalid WHERE "
            f"Clause). Zone {plan.zone} documents no 30-day default filter, so it is read without a WHERE "
            f"clause; should AroFlo report a default filter all the same, the stream fails rather than miss "
            f"records."
        )
        return True
