"""Registry of the 42 readable zones of the AroFlo classic API (docs/aroflo.md#supported-streams).

Pure data plus tiny getters: for every zone the ``zone=`` value, the record key in
``zoneresponse``, the Airbyte stream name and primary key, the documented WHERE fields and how
the server reads each of them from a stored record, the 30-day default filter applied when a
request has no WHERE at all, the JOIN names and which record key they fill, and whether the
LastUpdate change log tracks the zone.

Getters read ``StoredRecord.data`` (the public record) or, for WHERE fields that records do not
carry (clients updated, contacts/projects created, stock-level UTC times ...) or that older records
do not show (creation and last-update times, generator/builder.py TIME_FIELDS), hidden state:
``created_utc``/``updated_utc`` and the ``hidden`` dict. Date getters return naive ``datetime``
objects - UTC for fields with ``utc`` in the name, Australia/Melbourne local time otherwise
(docs/aroflo.md#data-types) - or None when the value is blank.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from aroflo_sandbox.documented import example_records, where_fields
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import parse_api_datetime

Getter = Callable[[StoredRecord], Any]
DefaultFilter = Callable[[StoredRecord, datetime], bool]


@dataclass(frozen=True)
class WhereField:
    kind: str  # "date" | "datetime" | "text" | "number" | "bool"
    get: Getter  # value the server compares: str, datetime (UTC or local naive), or None


@dataclass(frozen=True, kw_only=True)
class Zone:
    """One readable zone, as its table row below states it (keywords only)::

    Zone(name="Payments", param="payments", record_key="payments", stream="payments",
         primary_key=("paymentid",), id_where="paymentid", default_filter=_by_field("datepaid"),
         where_fields={"datepaid": _d("datepaid"), "paymentid": _text("paymentid")},
         lastupdate_name="payments", id_reference="paymentid")
    """

    name: str  # doc name, e.g. "TaskMaterials"
    param: str  # the zone= value clients send (matched case-insensitively)
    record_key: str  # key of the record array in zoneresponse
    stream: str  # Airbyte stream name
    primary_key: tuple[str, ...]
    id_where: str | None = None  # WHERE name of the id field
    default_filter: DefaultFilter | None = None  # applied only when a request has no WHERE at all
    where_fields: Mapping[str, WhereField]  # WHERE name -> how the server reads it from a stored record
    joins: Mapping[str, str] = field(default_factory=dict)  # join value -> record key it fills
    # Extra record keys a join also fills, e.g. tasks join=project fills "project" and "stage" (AroFlo's
    # Tasks example "Get Task with Project"). The primary key of each entry is joins[value]; these are
    # the companions.
    join_extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lastupdate_name: str | None = None  # zonename in the LastUpdate change log, None = not tracked
    id_reference: str | None = None  # LastUpdate zoneidreference

    def __post_init__(self) -> None:
        # The table is shared by every request: its mappings are read-only.
        for name in ("where_fields", "joins", "join_extras"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))


# --------------------------------------------------------------------------- getter builders


def _dig(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for key in path:
        if isinstance(value, list) and len(value) == 1:  # an object sent as a one-element list (TaskTypes)
            value = value[0]
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _text(*path: str) -> WhereField:
    return WhereField("text", lambda r: _dig(r.data, path))


def _num(*path: str) -> WhereField:
    return WhereField("number", lambda r: _dig(r.data, path))


def _bool(*path: str) -> WhereField:
    return WhereField("bool", lambda r: _dig(r.data, path))


def _dt(*path: str) -> WhereField:
    return WhereField("datetime", lambda r: parse_api_datetime(_dig(r.data, path)))


def _d(*path: str) -> WhereField:
    # DATE fields compare on the calendar day; the where engine truncates.
    return WhereField("date", lambda r: parse_api_datetime(_dig(r.data, path)))


def _hidden(kind: str, key: str) -> WhereField:
    """A WHERE field absent from the public record: read StoredRecord.hidden[key]."""
    return WhereField(kind, lambda r: r.hidden.get(key))


def _created(kind: str) -> WhereField:
    return WhereField(kind, lambda r: r.created_utc)


def _updated(kind: str) -> WhereField:
    return WhereField(kind, lambda r: r.updated_utc)


def _written(kind: str) -> WhereField:
    """The last write: the update, or the creation of a record never updated."""
    return WhereField(kind, lambda r: r.updated_utc or r.created_utc)


def _task_status(*path: str) -> WhereField:
    # Records say "Not Started"; the documented filter tokens are "notstarted" (WHERE table).
    def get(r: StoredRecord) -> Any:
        value = _dig(r.data, path)
        return value.replace(" ", "").lower() if isinstance(value, str) else value

    return WhereField("text", get)


# --------------------------------------------------------------------------- default filters
# Each zone's documentation gives its default filter, e.g. "Created_UTC > DATEADD(d, -30, GETUTCDATE())".
# Business-date variants compare a site-local date with UTC now literally, as the SQL does.

_WINDOW = timedelta(days=30)


def _since(value: datetime | None, now: datetime) -> bool:
    return value is not None and value > now - _WINDOW


def _by_created(rec: StoredRecord, now: datetime) -> bool:
    return _since(rec.created_utc, now)


def _by_field(*path: str) -> DefaultFilter:
    return lambda rec, now: _since(parse_api_datetime(_dig(rec.data, path)), now)


def _by_hidden(key: str) -> DefaultFilter:
    return lambda rec, now: _since(rec.hidden.get(key), now)


def _by_stock_update(rec: StoredRecord, now: datetime) -> bool:
    return _since(rec.updated_utc or rec.created_utc, now)


# --------------------------------------------------------------------------- the zones

_NOTES_DOCS = {"notes": "notes", "documentsandphotos": "documentsandphotos"}


# InventoryCategories and AssetCategories document the same WHERE fields.
_CATEGORY_WHERE = {
    "categoryid": _text("categoryid"),
    "categoryname": _text("categoryname"),
    "parentcategoryid": _text("parentcategory", "categoryid"),
    "parentcategoryname": _text("parentcategory", "categoryname"),
}

_ALL: list[Zone] = [
    Zone(
        name="LastUpdate",
        param="lastupdate",
        record_key="lastupdate",
        stream="last_update",
        primary_key=("zonename", "zoneid"),
        where_fields={
            "lastupdateutc": _dt("lastupdateutc"),
            "zonename": _text("zonename"),
        },
    ),
    Zone(
        name="BusinessUnits",
        param="businessunits",
        record_key="businessunits",
        stream="business_units",
        primary_key=("orgid",),
        id_where="orgid",
        where_fields={
            "orgid": _text("orgid"),
            "archived": _bool("archived"),
            "businessunitname": _text("businessunitname"),
        },
        joins={"locations": "locations", "priorities": "priorities"},
    ),
    # PermissionGroups and UserPosition document no WHERE table: any WHERE is refused (status 9).
    Zone(
        name="PermissionGroups",
        param="permissiongroups",
        record_key="permissiongroups",
        stream="permission_groups",
        primary_key=("groupid",),
        where_fields={},
    ),
    Zone(
        name="Users",
        param="users",
        record_key="users",
        stream="users",
        primary_key=("userid",),
        id_where="userid",
        default_filter=_by_created,
        where_fields={
            "createdutc": _created("date"),  # the record may not show it (older records)
            "createddatetimeutc": _created("datetime"),
            "lastupdatedutc": _updated("date"),
            "lastupdateddatetimeutc": _updated("datetime"),
            "userid": _text("userid"),
            "givennames": _text("givennames"),
            "surname": _text("surname"),
            "position": _text("position"),
            "archived": _bool("archived"),
        },
        joins={
            "customfields": "customfields",
            "permissiongroups": "permissiongroups",
            "featureaccess": "featureaccess",
            "trackingcentredefaults": "trackingcentredefaults",
            **_NOTES_DOCS,
        },
        lastupdate_name="users",
        id_reference="userid",
    ),
    Zone(
        name="UserPosition",
        param="UserPosition",
        record_key="userpositions",
        stream="user_positions",
        primary_key=("positionid",),
        where_fields={},
    ),
    Zone(
        name="Timesheets",
        param="timesheets",
        record_key="timesheets",
        stream="timesheets",
        primary_key=("timesheetid",),
        id_where="timesheetid",
        default_filter=_by_field("workdate"),
        where_fields={
            "workdate": _d("workdate"),
            "timesheetid": _text("timesheetid"),
            "taskid": _text("task", "taskid"),
            "userid": _text("user", "userid"),
            "type": _text("type"),
        },
        lastupdate_name="timesheets",
        id_reference="timesheetid",
    ),
    Zone(
        name="TransactionTerms",
        param="transactionterms",
        record_key="transactionterms",
        stream="transaction_terms",
        primary_key=("transactiontermid",),
        id_where="transactiontermid",
        where_fields={"transactiontermid": _text("transactiontermid")},
    ),
    Zone(
        name="Priorities",
        param="priorities",
        record_key="priorities",
        stream="priorities",
        primary_key=("priorityid",),
        id_where="priorityid",
        where_fields={
            "orgid": _text("org", "orgid"),
            "priorityid": _text("priorityid"),
            "archived": _bool("archived"),
        },
    ),
    # Clients: created fields are local dash-format; updated fields exist only in WHERE, with the
    # misspelling "lastupdatedatetimeutc" (WHERE table). No top-level archived in records.
    Zone(
        name="Clients",
        param="clients",
        record_key="clients",
        stream="clients",
        primary_key=("clientid",),
        id_where="clientid",
        default_filter=_by_created,
        where_fields={
            "datecreated": _d("datecreated"),
            "dateinserted": _d("dateinserted"),
            "datetimeinserted": _dt("datetimeinserted"),
            "lastupdateutc": _updated("date"),
            "lastupdatedatetimeutc": _updated("datetime"),
            "clientid": _text("clientid"),
            "archived": _hidden("bool", "archived"),
            "clientname": _text("clientname"),
            "postable": _bool("postable"),
        },
        joins={
            "locations": "locations",
            "locationcustomfields": "locations",
            "contacts": "contacts",
            "customfields": "customfields",
            "priorities": "priorities",
            **_NOTES_DOCS,
        },
        lastupdate_name="clients",
        id_reference="clientid",
    ),
    # ClientNotes: WHERE "createdutc" reads the record's "created_utc".
    Zone(
        name="ClientNotes",
        param="ClientNotes",
        record_key="clientnotes",
        stream="client_notes",
        primary_key=("noteid",),
        id_where="noteid",
        default_filter=_by_created,
        where_fields={
            "createdutc": _d("created_utc"),
            "noteid": _text("noteid"),
        },
        lastupdate_name="clientnotes",
        id_reference="noteid",
    ),
    Zone(
        name="Contacts",
        param="contacts",
        record_key="contacts",
        stream="contacts",
        primary_key=("userid",),
        id_where="userid",
        default_filter=_by_created,
        where_fields={
            "createdutc": _created("date"),
            "createddatetimeutc": _created("datetime"),
            "userid": _text("userid"),
            "archived": _bool("archived"),
            "contacttype": _text("contacttype"),
        },
        joins={"customfields": "customfields", **_NOTES_DOCS},
        lastupdate_name="contacts",
        id_reference="userid",
    ),
    Zone(
        name="Locations",
        param="locations",
        record_key="locations",
        stream="locations",
        primary_key=("locationid",),
        id_where="locationid",
        default_filter=_by_created,
        where_fields={
            "createdutc": _created("date"),
            "createddatetimeutc": _created("datetime"),
            "lasteupdatedutc": _written("date"),  # [sic] (WHERE table)
            "lastupdateddatetimeutc": _written("datetime"),
            "locationid": _text("locationid"),
            "linkedtotype": _text("linkedto", "linkedtotype"),
            "clientid": _hidden("text", "clientid"),
            "supplierid": _hidden("text", "supplierid"),
            "orgid": _hidden("text", "orgid"),
            "clientname": _hidden("text", "clientname"),
            "suppliername": _hidden("text", "suppliername"),
            "orgname": _hidden("text", "orgname"),
            "locationname": _text("locationname"),
            "gpslat": _num("gpslat"),
            "gpslong": _num("gpslong"),
            "address": _text("address"),
            "postcode": _text("postcode"),
            "state": _text("state"),
            "suburb": _text("suburb"),
            "country": _text("country"),
            "archive": _bool("archived"),  # WHERE "archive", records "archived"
        },
        joins={"customfields": "customfields", **_NOTES_DOCS},
        lastupdate_name="locations",
        id_reference="locationid",
    ),
    Zone(
        name="Quotes",
        param="quotes",
        record_key="quotes",
        stream="quotes",
        primary_key=("quoteid",),
        id_where="quoteid",
        default_filter=_by_field("createddatetime"),
        where_fields={
            "duedate": _d("duedate"),
            "datetimedue": _dt("duedatetime"),
            "dateapproved": _d("approveddate"),
            "datetimeapproved": _dt("approveddatetime"),
            "createddate": _d("createddate"),
            "createddatetime": _dt("createddatetime"),
            "approveddate": _d("approveddate"),
            "approveddatetime": _dt("approveddatetime"),
            "quoteid": _text("quoteid"),
            "quotename": _text("quotename"),
            "jobnumber": _num("jobnumber"),
            "status": _text("status"),
            "acceptancestatus": _text("acceptancestatus"),
        },
        joins={"lineitems": "lines", "project": "project", "projects": "project", **_NOTES_DOCS},
        lastupdate_name="quotes",
        id_reference="quoteid",
        join_extras={"project": ("stage",), "projects": ("stage",)},
    ),
    Zone(
        name="QuoteLineItems",
        param="QuoteLineItems",
        record_key="quotelineitems",
        stream="quote_line_items",
        primary_key=("lineid",),
        id_where="lineid",
        default_filter=_by_hidden("daterecorded"),
        where_fields={
            "quoteid": _text("quote", "quoteid"),
            "lineid": _text("lineid"),
            "parentlineid": _text("parentlineid"),
        },
        lastupdate_name="quotelineitems",
        id_reference="lineid",
    ),
    Zone(
        name="TaskTypes",
        param="tasktypes",
        record_key="tasktypes",
        stream="task_types",
        primary_key=("tasktypeid",),
        where_fields={
            "archived": _bool("archived"),
            "businessunitname": _text("businessunit", "orgname"),
            "clientid": _hidden("text", "clientid"),
        },
    ),
    Zone(
        name="Tasks",
        param="tasks",
        record_key="tasks",
        stream="tasks",
        primary_key=("taskid",),
        id_where="taskid",
        default_filter=_by_field("requestdatetime"),
        where_fields={
            "daterequested": _d("requestdate"),
            "datetimerequested": _dt("requestdatetime"),
            "datecompleted": _d("completeddate"),
            "datetimecompleted": _dt("completeddatetime"),
            "lastupdateddatetimeutc": _written("datetime"),  # older records do not show it
            "lastupdatedutc": _written("date"),
            "duedate": _d("duedate"),
            "duedatetime": _dt("duedatetime"),
            "linkprocesseddate": _d("linkprocesseddate"),  # holds a datetime (docs/aroflo.md#data-types)
            "linkprocesseddatetime": _dt("linkprocesseddate"),
            "deleteddate": _hidden("date", "deleted_local"),
            "deleteddatetime": _hidden("datetime", "deleted_local"),
            "createdutc": _created("date"),
            "createddatetimeutc": _created("datetime"),
            "taskid": _text("taskid"),
            "task_id": _text("taskid"),  # used in the vendor's examples
            "clientname": _text("client", "clientname"),
            "orgname": _text("org", "orgname"),
            "orgid": _text("org", "orgid"),
            "jobnumber": _num("jobnumber"),
            "tasktypeid": _text("tasktasktype", "tasktypeid"),
            "status": _task_status("status"),
            "linkprocessed": _bool("linkprocessed"),
            "salesperson_givenname": _hidden("text", "salesperson_givenname"),
            "salesperson_surname": _hidden("text", "salesperson_surname"),
            "salesperson_id": _hidden("text", "salesperson_id"),
        },
        joins={
            "notes": "tasknotes",
            "tasknotes": "tasknotes",
            "assignedhistory": "assigneds",
            "material": "materials",
            "labour": "labours",
            "expense": "expenses",
            "purchaseorders": "purchaseorders",
            "assets": "assets",
            "customfields": "customfields",
            "documentsandphotos": "documentsandphotos",
            "salesperson": "salesperson",
            "location": "location",
            "locationcustomfields": "location",
            "project": "project",
            "tasktotals": "tasktotals",
            "quote": "quote",
            "substatus": "substatus",
        },
        lastupdate_name="tasks",
        id_reference="taskid",
        join_extras={"project": ("stage",)},
    ),
    Zone(
        name="TaskMaterials",
        param="taskmaterials",
        record_key="materials",
        stream="task_materials",
        primary_key=("lineid",),
        id_where="materiallineid",
        default_filter=_by_field("dateused"),
        where_fields={
            "dateused": _d("dateused"),
            "matlinkprocesseddate": _d("matlinkprocesseddate"),
            "matlinkprocesseddatetime": _dt("matlinkprocesseddatetime"),
            "deleteddate": _d("deleteddate"),
            "deleteddatetime": _dt("deleteddatetime"),
            "taskid": _text("task", "taskid"),
            "status": _task_status("task", "status"),
            "materiallineid": _text("lineid"),
            "isinventory": _bool("isinventory"),
            "matlinkprocessed": _bool("matlinkprocessed"),
            "lablinkprocessed": _bool("matlinkprocessed"),  # the vendor example's name for it
            "purchaseorderisordered": _bool("purchaseorderisordered"),
        },
        lastupdate_name="taskmaterials",
        id_reference="materiallineid",
    ),
    Zone(
        name="TaskLabours",
        param="tasklabours",
        record_key="labours",
        stream="task_labours",
        primary_key=("lineid",),
        id_where="labourlineid",
        default_filter=_by_field("workdate"),
        where_fields={
            "workdate": _d("workdate"),
            "workdatetimestart": _dt("workdatetimestart"),
            "workdatetimeend": _dt("workdatetimeend"),
            "lablinkprocesseddate": _d("lablinkprocesseddate"),
            "deleteddate": _d("deleteddate"),
            "deleteddatetime": _dt("deleteddatetime"),
            "taskid": _text("task", "taskid"),
            "status": _task_status("task", "status"),
            "labourlineid": _text("lineid"),
            "isinventory": _hidden("bool", "isinventory"),
            "lablinkprocessed": _bool("lablinkprocessed"),
            "lablocked": _bool("lablocked"),
            "labverified": _bool("labverified"),
            "labeodapproved": _hidden("bool", "labeodapproved"),
        },
        lastupdate_name="tasklabours",
        id_reference="labourlineid",
    ),
    Zone(
        name="TaskExpenses",
        param="taskexpenses",
        record_key="expenses",
        stream="task_expenses",
        primary_key=("lineid",),
        id_where="expenselineid",
        default_filter=_by_field("dateused"),
        where_fields={
            "dateused": _d("dateused"),
            "linkprocesseddate": _hidden("date", "linkprocessed_local"),
            "linkprocesseddatetime": _hidden("datetime", "linkprocessed_local"),
            "taskid": _text("task", "taskid"),
            "status": _task_status("task", "status"),
            "expenselineid": _text("lineid"),
            "linkprocessed": _hidden("bool", "linkprocessed"),
            "lablinkprocessed": _hidden("bool", "linkprocessed"),  # the vendor example's name
        },
        lastupdate_name="taskexpenses",
        id_reference="expenselineid",
    ),
    Zone(
        name="Invoices",
        param="invoices",
        record_key="invoices",
        stream="invoices",
        primary_key=("invoiceid",),
        id_where="invoiceid",
        default_filter=_by_created,
        where_fields={
            "dateinvoiced": _d("dateinvoiced"),
            "duedate": _d("duedate"),
            "taskdaterequested": _hidden("date", "task_requested"),
            "taskdatetimerequested": _hidden("datetime", "task_requested"),
            "taskdatecompleted": _hidden("date", "task_completed"),
            "taskdatetimecompleted": _hidden("datetime", "task_completed"),
            "linkprocesseddate": _d("linkprocesseddate"),
            "lastupdatedutc": _updated("datetime"),  # typed DATETIME in the WHERE table
            "lastupdateddatetimeutc": _updated("datetime"),
            "lastupdateddatetime": _dt("lastupdateddatetime"),  # local; vendor example
            "createdutc": _created("date"),
            "createddatetimeutc": _created("datetime"),
            "invoiceid": _text("invoiceid"),
            "status": _text("status"),
            "cusinvoiced": _hidden("bool", "cusinvoiced"),
            "linkprocessed": _hidden("bool", "linkprocessed"),
            "taskid": _hidden("text", "taskid"),
        },
        joins={"lineitems": "lines", "task": "task", "project": "project", **_NOTES_DOCS},
        lastupdate_name="invoices",
        id_reference="invoiceid",
        join_extras={"project": ("stage",)},
    ),
    Zone(
        name="Payments",
        param="payments",
        record_key="payments",
        stream="payments",
        primary_key=("paymentid",),
        id_where="paymentid",
        default_filter=_by_field("datepaid"),
        where_fields={
            "datepaid": _d("datepaid"),
            "paymentid": _text("paymentid"),
        },
        lastupdate_name="payments",
        id_reference="paymentid",
    ),
    Zone(
        name="Suppliers",
        param="suppliers",
        record_key="suppliers",
        stream="suppliers",
        primary_key=("supplierid",),
        id_where="supplierid",
        default_filter=_by_field("datetimeinserted"),
        where_fields={
            "datecreated": _d("datecreated"),
            "dateinserted": _d("dateinserted"),
            "datetimeinserted": _dt("datetimeinserted"),
            "supplierid": _text("supplierid"),
            "suppliername": _text("suppliername"),
            "postable": _bool("postable"),
            "archived": _hidden("bool", "archived"),
        },
        joins={
            "locations": "locations",
            "locationcustomfields": "locations",
            "contacts": "contacts",
            "customfields": "customfields",
            **_NOTES_DOCS,
        },
        lastupdate_name="suppliers",
        id_reference="supplierid",
    ),
    Zone(
        name="Inventory",
        param="inventory",
        record_key="items",
        stream="inventory",
        primary_key=("itemid",),
        id_where="itemid",
        default_filter=_by_created,
        where_fields={
            "lastupdatedutc": _updated("date"),
            "lastupdateddatetimeutc": _updated("datetime"),
            "createdutc": _created("date"),
            "createddatetimeutc": _created("datetime"),
            "itemid": _text("itemid"),
            "category": _text("category", "categoryname"),
            "description": _text("description"),
            "partnumber": _text("partnumber"),
            # Stock-level filters (need join=stocklevels): the item's first stock holder.
            "ischolderarchived": _hidden("bool", "ischolderarchived"),
            "isuserarchived": _hidden("bool", "isuserarchived"),
            "assignedtotype": _hidden("text", "assignedtotype"),
        },
        joins={"stocklevels": "stocklevels"},
        lastupdate_name="inventory",
        id_reference="itemid",
    ),
    Zone(
        name="InventoryCategories",
        param="inventorycategories",
        record_key="inventorycategories",
        stream="inventory_categories",
        primary_key=("categoryid",),
        id_where="categoryid",
        where_fields=_CATEGORY_WHERE,
    ),
    # Stock levels: local lastupdated fields in records, UTC ones only in the WHERE table.
    Zone(
        name="InventoryStockLevels",
        param="inventorystocklevels",
        record_key="inventorystocklevels",
        stream="inventory_stock_levels",
        primary_key=("itemid", "assignedtotype", "assignedtoid"),
        default_filter=_by_stock_update,
        where_fields={
            "lastupdated": _d("lastupdateddatetime"),
            "lastupdateddatetime": _dt("lastupdateddatetime"),
            "lastupdatedutc": _written("datetime"),
            "lastupdateddatetimeutc": _written("datetime"),
            "itemid": _text("itemid"),
            "assignedtotype": _text("assignedtotype"),
            "isuserarchived": _hidden("bool", "isuserarchived"),
            "ischolderarchived": _hidden("bool", "ischolderarchived"),
            "isbuarchived": _hidden("bool", "isbuarchived"),
        },
    ),
    Zone(
        name="CustomHolders",
        param="customholders",
        record_key="customholders",
        stream="custom_holders",
        primary_key=("customholderid",),
        id_where="customholderid",
        where_fields={
            "customholderid": _text("customholderid"),
            "archived": _bool("archived"),
            "customholdername": _text("customholdername"),
        },
    ),
    Zone(
        name="InventoryLists",
        param="inventorylists",
        record_key="inventorylists",
        stream="inventory_lists",
        primary_key=("listid",),
        id_where="listid",
        where_fields={
            "listid": _text("listid"),
            "listtype": _text("listtype"),
        },
        joins={"items": "items"},
    ),
    Zone(
        name="PurchaseOrders",
        param="purchaseorders",
        record_key="purchaseorders",
        stream="purchase_orders",
        primary_key=("purchaseorderid",),
        id_where="purchaseorderid",
        default_filter=_by_created,
        where_fields={
            "purchasedate": _d("purchasedate"),
            "duedate": _d("duedate"),
            "taskdaterequested": _hidden("date", "task_requested"),
            "taskdatetimerequested": _hidden("datetime", "task_requested"),
            "taskdatecompleted": _hidden("date", "task_completed"),
            "taskdatetimecompleted": _hidden("datetime", "task_completed"),
            "deliveryby": _d("deliverybydate"),
            "purchaseorderid": _text("purchaseorderid"),
            "status": _text("status"),
            "adhocsupplier": _hidden("bool", "adhocsupplier"),
            "supplierinvoicenumber": _text("supplierinvoicenumber"),
            "linkprocessed": _hidden("bool", "linkprocessed"),
        },
        joins={
            "lineitems": "lines",
            "task": "tasks",
            "project": "projects",
            "documentsandphotos": "documentsandphotos",
        },
        lastupdate_name="purchaseorders",
        id_reference="purchaseorderid",
    ),
    Zone(
        name="Bills",
        param="bills",
        record_key="bills",
        stream="bills",
        primary_key=("billid",),
        id_where="billid",
        default_filter=_by_created,
        where_fields={
            "dateinvoiced": _d("dateinvoiced"),
            "duedate": _d("duedate"),
            "lastupdatedutc": _written("datetime"),  # typed DATETIME in the WHERE table
            "lastupdateddatetimeutc": _written("datetime"),
            "linkprocesseddate": _hidden("date", "linkprocessed_local"),
            "billid": _text("billid"),
            "purchaseorderid": _text("purchaseorder", "purchaseorderid"),
            "workorderid": _text("workorder", "workorderid"),
            "status": _text("status"),
        },
        joins={"lineitems": "lines", "tasks": "tasks", **_NOTES_DOCS},
        lastupdate_name="bills",
        id_reference="billid",
    ),
    Zone(
        name="BillLineItems",
        param="BillLineItems",
        record_key="billlineitems",
        stream="bill_line_items",
        primary_key=("lineid",),
        id_where="lineid",
        default_filter=_by_created,
        where_fields={
            "lineid": _text("lineid"),
            "billid": _text("billid"),
        },
        lastupdate_name="billlineitems",
        id_reference="lineid",
    ),
    Zone(
        name="WorkOrders",
        param="workorders",
        record_key="workorders",
        stream="work_orders",
        primary_key=("workorderid",),
        id_where="workorderid",
        default_filter=_by_created,
        where_fields={
            "createddate": _d("createddate"),
            "createddatetime": _dt("createddatetime"),
            "requiredbydate": _d("requiredbydate"),
            "requiredbydatetime": _dt("requiredbydatetime"),
            "approveddate": _d("approveddate"),
            "approveddatetime": _dt("approveddatetime"),
            "workorderid": _text("workorderid"),
            "workordernumber": _num("workordernumber"),
            "status": _text("status"),
            "acceptancestatus": _text("acceptancestatus"),
        },
        joins={"lineitems": "lines", "tasks": "tasks", "bills": "bills", **_NOTES_DOCS},
        lastupdate_name="workorders",
        id_reference="workorderid",
    ),
    # The default filter is on the parent work order's created_UTC (wo_order.created_UTC).
    Zone(
        name="WorkOrderLineItems",
        param="WorkOrderLineItems",
        record_key="workorderlineitems",
        stream="work_order_line_items",
        primary_key=("lineid",),
        id_where="lineid",
        default_filter=_by_hidden("wo_created_utc"),
        where_fields={
            "workorderid": _text("workorder", "workorderid"),
            "lineid": _text("lineid"),
        },
        lastupdate_name="workorderlineitems",
        id_reference="lineid",
    ),
    # Assets: WHERE names lack the "d" of the record fields.
    Zone(
        name="Assets",
        param="assets",
        record_key="assets",
        stream="assets",
        primary_key=("assetid",),
        id_where="assetid",
        default_filter=_by_field("datecreated"),
        where_fields={
            "lastupdateutc": _written("date"),
            "lastupdatedatetimeutc": _written("datetime"),
            "assetid": _text("assetid"),
            "category": _text("category", "categoryname"),
            "assetname": _text("assetname"),
            "ordercode": _text("ordercode"),
            "customerid": _text("customerid"),
            "serialnumber": _text("serialnumber"),
        },
        joins={
            "customfields": "customfields",
            "location": "location",
            "locationcustomfields": "location",
            **_NOTES_DOCS,
        },
        lastupdate_name="assets",
        id_reference="assetid",
    ),
    Zone(
        name="AssetCategories",
        param="assetcategories",
        record_key="assetcategories",
        stream="asset_categories",
        primary_key=("categoryid",),
        id_where="categoryid",
        where_fields=_CATEGORY_WHERE,
    ),
    Zone(
        name="MessageBoard",
        param="messageboard",
        record_key="messageboards",
        stream="message_board",
        primary_key=("messageid",),
        id_where="messageid",
        where_fields={
            "messageid": _text("messageid"),
        },
        lastupdate_name="messageboard",
        id_reference="messageid",
    ),
    Zone(
        name="Substatus",
        param="Substatuses",
        record_key="substatuses",
        stream="substatuses",
        primary_key=("substatusid",),
        id_where="substatusid",
        where_fields={
            "substatusid": _text("substatusid"),
            "orgid": _text("org", "orgid"),
            "substatus": _text("substatus"),
            "substatustype": _text("substatustype"),
            "archived": _bool("archived"),
        },
    ),
    # No date WHERE field; the 30-day default is on the hidden insert time (datetimeInserted).
    Zone(
        name="DocumentsAndPhotos",
        param="DocumentsAndPhotos",
        record_key="documentsandphotos",
        stream="documents_and_photos",
        primary_key=("documentid",),
        id_where="documentid",
        default_filter=_by_created,
        where_fields={
            "documentid": _text("documentid"),
            "name": _text("name"),
            "comment": _text("comment"),
            "categoryname": _text("category", "categoryname"),
        },
        lastupdate_name="documentsandphotos",
        id_reference="documentid",
    ),
    Zone(
        name="Schedules",
        param="schedules",
        record_key="schedules",
        stream="schedules",
        primary_key=("scheduleid",),
        id_where="scheduleid",
        default_filter=_by_field("startdatetime"),
        where_fields={
            "startdate": _d("startdate"),
            "startdatetime": _dt("startdatetime"),
            "scheduleid": _text("scheduleid"),
            "taskid": _hidden("text", "taskid"),
            "scheduletotype": _text("scheduledto", "scheduledtotype"),  # doc table name
            "scheduledtotype": _text("scheduledto", "scheduledtotype"),  # vendor examples
            "scheduledtoid": _text("scheduledto", "scheduledtoid"),
            "groupid": _text("grouping", "groupid"),
        },
        lastupdate_name="schedules",
        id_reference="scheduleid",
    ),
    Zone(
        name="Projects",
        param="projects",
        record_key="projects",
        stream="projects",
        primary_key=("projectid",),
        id_where="projectid",
        default_filter=_by_created,
        where_fields={
            "createdutc": _created("date"),
            "createddatetimeutc": _created("datetime"),
            "projectid": _text("projectid"),
            "orgid": _text("org", "orgid"),
            "projectnumber": _text("projectnumber"),
            "projectname": _text("projectname"),
        },
        lastupdate_name="projects",
        id_reference="projectid",
    ),
    Zone(
        name="Stages",
        param="stages",
        record_key="stages",
        stream="stages",
        primary_key=("stageid",),
        id_where="stageid",
        default_filter=_by_hidden("start_date"),
        where_fields={
            "stageid": _text("stageid"),
            "projectid": _text("project", "projectid"),
            "stagename": _text("stagename"),
        },
        lastupdate_name="stages",
        id_reference="stageid",
    ),
    Zone(
        name="MessageTemplates",
        param="MessageTemplates",
        record_key="messagetemplates",
        stream="message_templates",
        primary_key=("templateid",),
        id_where="templateid",
        default_filter=_by_created,
        where_fields={
            "createdutc": _d("createdutc"),
            "templateid": _text("templateid"),
            "formattype": _text("formattype"),
        },
        lastupdate_name="messagetemplates",
        id_reference="templateid",
    ),
    # TrackingCentres: WHERE "date_created", records "datecreated".
    Zone(
        name="TrackingCentres",
        param="TrackingCentres",
        record_key="trackingcentres",
        stream="tracking_centres",
        primary_key=("trackingcentreid",),
        id_where="trackingcentreid",
        where_fields={
            "date_created": _d("datecreated"),
            "trackingcentreid": _text("trackingcentreid"),
            "name": _text("name"),
            "orgid": _text("businessunit", "orgid"),
        },
    ),
]

ZONES: dict[str, Zone] = {z.param.lower(): z for z in _ALL}


def documented_in_lastupdate() -> frozenset[str]:
    """The zones (keys of ZONES) whose changes AroFlo's documentation shows in LastUpdate (the `zonename`s
    of its example entries) or names there (its `zonename` WHERE row lists them, in the singular:
    "tasklabour" is tasklabours). For every other zone the documentation does not say LastUpdate logs it.

    >>> sorted(documented_in_lastupdate())[:4]
    ['clients', 'invoices', 'locations', 'purchaseorders']
    """
    named = {entry["zonename"] for entry in example_records("lastupdate")}
    named |= set(where_fields("lastupdate")["zonename"].get("examples", []))
    return frozenset(
        key
        for key, zone in ZONES.items()
        if zone.lastupdate_name and {zone.lastupdate_name, zone.lastupdate_name.removesuffix("s")} & named
    )


def zone_for_param(param: str) -> Zone | None:
    """The zone for a ``zone=`` value; zone names are case-insensitive (AroFlo's examples mix cases)."""
    return ZONES.get((param or "").strip().lower())
