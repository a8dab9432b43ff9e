"""What a zone stream's sync is told by the config and the catalog (docs/aroflo.md#incremental-sync).

>>> settings = settings_for("tasks", ZonePlan.from_parameters({"name": "tasks", "zone": "tasks",
...     "primary_key": ["taskid"], "default_joins": ["notes"]}), {"page_size": 250}, {}, lambda name: None)
>>> settings.page_size, settings.joins, settings.incremental, settings.overlap
(250, ('notes',), True, datetime.timedelta(seconds=600))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from airbyte_cdk.models import ConfiguredAirbyteStream, SyncMode

from aroflo_client.paging import MAX_PAGE_SIZE
from source_aroflo.components.attachments import JOIN
from source_aroflo.components.config import page_size
from source_aroflo.components.joins import chosen_joins
from source_aroflo.components.plan import ZonePlan

CHANGE_LOG_STREAM = "last_update"  # the one stream that is not a zone stream: the CDK's own cursor


@dataclass(frozen=True)
class SyncSettings:
    """What the config says about reading; `overlap` re-reads the change log before the position (free)."""

    start_date: str | None
    page_size: int = MAX_PAGE_SIZE
    reference_interval: timedelta = timedelta(hours=24)
    fallback_interval: timedelta = timedelta(0)
    single_fetch_limit: int = 500
    joins: tuple[str, ...] = ()
    overlap: timedelta = timedelta(minutes=10)
    incremental: bool = True
    # Another stream's first full read is unfinished: re-reads wait, the daily budget goes there first.
    first_reads_unfinished: bool = False


def settings_for(
    name: str,
    plan: ZonePlan,
    config: Mapping[str, Any],
    catalog: Mapping[str, ConfiguredAirbyteStream],
    state_of: Callable[[str], Mapping[str, Any] | None],
) -> SyncSettings:
    """The stream's settings; `catalog` the configured streams by name, `state_of` each stream's state."""
    configured = catalog.get(name)
    return SyncSettings(
        start_date=config.get("start_date") or None,
        page_size=page_size(config),
        reference_interval=timedelta(hours=float(config.get("reference_reread_hours", 24))),
        fallback_interval=timedelta(hours=float(config.get("fallback_reread_hours", 0))),
        single_fetch_limit=int(config.get("single_fetch_limit", 500)),
        # The config's joins for the stream; a documents stream's parents, their documents alone.
        joins=(JOIN,) if plan.attached_to else tuple(chosen_joins(config, name, list(plan.default_joins))),
        incremental=configured is None or configured.sync_mode == SyncMode.incremental,
        first_reads_unfinished=first_reads_unfinished(name, catalog, state_of),
    )


def first_reads_unfinished(
    name: str,
    catalog: Mapping[str, ConfiguredAirbyteStream],
    state_of: Callable[[str], Mapping[str, Any] | None],
) -> bool:
    """Does another selected incremental stream still have its first full read ahead or unfinished?"""
    for other, configured in catalog.items():
        if other in (name, CHANGE_LOG_STREAM) or configured.sync_mode != SyncMode.incremental:
            continue
        state = state_of(other)
        if not state or state.get("full_read"):
            return True
    return False
