"""The generation plan: which zones are built, in which order, how many records and when.

``populate(builder)`` fills ``builder.recs`` zone by zone in dependency order (a record only references
records made before it): the small reference zones at the account's set-up, then every other zone over
five years of history, each record built by its family's ``new_<record>`` function and then given its
last-update instant. One ``Step`` per zone::

    Step(zone="tasks", new=tasks.new_task, parent="clients")
      -> 1,250 tasks at scale 1.0 (BASE_SIZES), created from a day after the first client onwards
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aroflo_sandbox.generator import (
    documents,
    inventory,
    invoices,
    operations,
    people,
    projects,
    purchasing,
    quotes,
    reference,
    tasks,
)
from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.zones import ZONES

# Records per zone at scale 1.0 (keys: Zone.param.lower()). Scaled, min 1 each.
BASE_SIZES: dict[str, int] = {
    "users": 60,
    "clients": 520,
    "suppliers": 140,
    "locations": 900,
    "contacts": 800,
    "clientnotes": 1000,
    "projects": 80,
    "stages": 240,
    "inventory": 1000,
    "inventorystocklevels": 1500,
    "tasks": 1250,
    "taskmaterials": 2600,
    "tasklabours": 2100,
    "taskexpenses": 600,
    "quotes": 700,
    "quotelineitems": 2400,
    "invoices": 1100,
    "payments": 900,
    "purchaseorders": 450,
    "workorders": 200,
    "workorderlineitems": 600,
    "bills": 400,
    "billlineitems": 1200,
    "assets": 300,
    "timesheets": 3000,
    "schedules": 1500,
    "documentsandphotos": 250,
    "messageboard": 120,
    "messagetemplates": 40,
}
# Small reference zones: fixed size whatever the scale.
REFERENCE_SIZES: dict[str, int] = {
    "businessunits": 3,
    "permissiongroups": 8,
    "userposition": 12,
    "transactionterms": 6,
    "priorities": 10,
    "tasktypes": 15,
    "inventorycategories": 25,
    "customholders": 12,
    "inventorylists": 20,
    "assetcategories": 10,
    "substatuses": 18,
    "trackingcentres": 9,
}


Factory = Callable[[Builder, datetime], StoredRecord]


@dataclass(frozen=True)
class Step:
    zone: str  # Zone.param.lower()
    new: Factory  # builds one record created at the given instant
    reference: bool = False  # a small reference zone (REFERENCE_SIZES), entered at set-up, never updated
    # A child zone's history starts a day after its parent zone's first record, so every child can
    # reference a parent created before it.
    parent: str | None = None
    import_burst: bool = False  # a burst of records the day after set-up (a bulk import; zones over 100)
    founders: int = 0  # the first few records exist from set-up day


PLAN: tuple[Step, ...] = (
    Step(zone="businessunits", new=reference.new_businessunit, reference=True),
    Step(zone="permissiongroups", new=reference.new_permissiongroup, reference=True),
    Step(zone="userposition", new=reference.new_userposition, reference=True),
    Step(zone="transactionterms", new=reference.new_transactionterm, reference=True),
    Step(zone="priorities", new=reference.new_priority, reference=True),
    Step(zone="tasktypes", new=reference.new_tasktype, reference=True),
    Step(zone="substatuses", new=reference.new_substatus, reference=True),
    Step(zone="trackingcentres", new=reference.new_trackingcentre, reference=True),
    Step(zone="inventorycategories", new=reference.new_inventorycategory, reference=True),
    Step(zone="customholders", new=reference.new_customholder, reference=True),
    Step(zone="assetcategories", new=reference.new_assetcategory, reference=True),
    Step(zone="users", new=people.new_user, founders=4),
    Step(zone="clients", new=people.new_client, import_burst=True, founders=1),
    Step(zone="suppliers", new=people.new_supplier, import_burst=True, founders=2),
    Step(zone="locations", new=people.new_location, parent="clients"),
    Step(zone="contacts", new=people.new_contact, parent="clients"),
    Step(zone="clientnotes", new=people.new_clientnote, parent="clients"),
    Step(zone="projects", new=projects.new_project, parent="clients"),
    Step(zone="stages", new=projects.new_stage, parent="projects"),
    Step(zone="inventory", new=inventory.new_item, import_burst=True, founders=1),
    Step(zone="inventorystocklevels", new=inventory.new_stocklevel, parent="inventory"),
    Step(zone="inventorylists", new=inventory.new_inventorylist, reference=True),
    Step(zone="tasks", new=tasks.new_task, parent="clients"),
    Step(zone="taskmaterials", new=tasks.new_material, parent="tasks"),
    Step(zone="tasklabours", new=tasks.new_labour, parent="tasks"),
    Step(zone="taskexpenses", new=tasks.new_expense, parent="tasks"),
    Step(zone="quotes", new=quotes.new_quote, parent="tasks"),
    Step(zone="quotelineitems", new=quotes.new_quoteline, parent="quotes"),
    Step(zone="invoices", new=invoices.new_invoice, parent="tasks"),
    Step(zone="payments", new=invoices.new_payment, parent="invoices"),
    Step(zone="purchaseorders", new=purchasing.new_purchaseorder, parent="suppliers"),
    Step(zone="workorders", new=purchasing.new_workorder, parent="tasks"),
    Step(zone="workorderlineitems", new=purchasing.new_workorderline, parent="workorders"),
    Step(zone="bills", new=purchasing.new_bill, parent="purchaseorders"),
    Step(zone="billlineitems", new=purchasing.new_billline, parent="bills"),
    Step(zone="assets", new=operations.new_asset, parent="clients"),
    Step(zone="timesheets", new=operations.new_timesheet, parent="users"),
    Step(zone="schedules", new=operations.new_schedule, parent="users"),
    Step(zone="documentsandphotos", new=documents.new_document, parent="users"),
    Step(zone="messageboard", new=documents.new_message, parent="users"),
    Step(zone="messagetemplates", new=documents.new_messagetemplate),
)
FACTORIES: dict[str, Factory] = {step.zone: step.new for step in PLAN}


def populate(b: Builder) -> None:
    """Build every zone of the plan into ``b.recs``, each record with its creation and update instants."""
    for step in PLAN:
        key = step.zone
        zone = ZONES[key]
        n = _size(key, b.scale)
        if step.reference:
            created = sorted(_reference_time(b, i) for i in range(n))
        else:
            parent = b.recs[step.parent] if step.parent else []
            lo = max(b.start, parent[0].created_utc + timedelta(days=1)) if parent else b.start
            created = b.times(
                n, recent=zone.default_filter is not None, import_burst=step.import_burst, lo=lo
            )
            # The first few (founders, the first import) exist from set-up day.
            for i in range(min(step.founders, n)):
                created[i] = b.setup + timedelta(hours=1, minutes=i)
            created.sort()
        records = b.recs[key]
        for t in created:
            records.append(step.new(b, t))
        share = 0.0 if step.reference else 0.65
        for rec, upd in zip(records, b.update_times(created, share) if share else [None] * n, strict=True):
            b.stamp(key, rec, upd)


def _size(key: str, scale: float) -> int:
    if key in REFERENCE_SIZES:
        return REFERENCE_SIZES[key]
    return max(1, round(BASE_SIZES[key] * scale))


def _reference_time(b: Builder, i: int) -> datetime:
    # Reference data is entered at set-up, a few items later on.
    if i < 3 or b.rng.random() < 0.6:
        return b.setup + timedelta(hours=2, seconds=i)
    return b.work_hours(b.start + (b.now - b.start) * b.rng.random() * 0.8)
