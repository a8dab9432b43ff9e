"""Registry of the 42 readable zones of the AroFlo classic API (aroflo-api.md §5).

Pure data plus tiny getters: for every zone the ``zone=`` value, the record key in
``zoneresponse``, the Airbyte stream name and primary key, the documented WHERE fields and how
the server reads each of them from a stored record, the 30-day default filter applied when a
request has no WHERE at all, the JOIN names and which record key they fill, and whether the
LastUpdate change log tracks the zone.

Getters read ``StoredRecord.data`` (the public record) or, for WHERE fields that records do not
carry (§7.19: clients updated, contacts/projects created, stock-level UTC times ...), hidden state:
``created_utc``/``updated_utc`` and the ``hidden`` dict. Date getters return naive ``datetime``
objects - UTC for fields with ``utc`` in the name, Australia/Melbourne local time otherwise (§3.6)
- or None when the value is blank.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aroflo_sandbox.dataset import StoredRecord

Getter = Callable[["StoredRecord"], Any]
DefaultFilter = Callable[["StoredRecord", datetime], bool]


@dataclass(frozen=True)
class WhereField:
    kind: str  # "date" | "datetime" | "text" | "number" | "bool"
    get: Getter  # value the server compares: str, datetime (UTC or local naive), or None


@dataclass(frozen=True)
class Zone:
    name: str  # doc name, e.g. "TaskMaterials"
    param: str  # the zone= value clients send (matched case-insensitively)
    record_key: str  # key of the record array in zoneresponse
    stream: str  # Airbyte stream name
    primary_key: tuple[str, ...]
    id_where: str | None  # WHERE name of the id field
    default_filter: DefaultFilter | None  # applied only when a request has no WHERE at all
    where_fields: Mapping[str, WhereField]
    joins: Mapping[str, str]  # join value -> record key it fills
    lastupdate_name: str | None  # zonename in the LastUpdate change log, None = not tracked
    id_reference: str | None  # LastUpdate zoneidreference
    # Extra record keys a join also fills, e.g. tasks join=project fills "project" and "stage"
    # (§3.4). The primary key of each entry is joins[value]; these are the companions.
    join_extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# --------------------------------------------------------------------------- value parsing

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}


def parse_api_datetime(value: Any) -> datetime | None:
    """Parse any date/datetime shape the API returns (§3.6); None for blanks ("" / " ").

    Shapes: ``2024/01/02``, ``2024/01/02 03:04:05``, ``2018-06-21 10:59:01.8`` (Clients/Suppliers)
    and ``Oct 23, 2018 7:00:00 AM`` (labour start/end, note timeposted).
    """
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    s = value.strip()
    if len(s) < 10:
        return None
    try:
        if s[4] in "/-":
            if len(s) == 10:
                return datetime(int(s[0:4]), int(s[5:7]), int(s[8:10]))
            return datetime(
                int(s[0:4]), int(s[5:7]), int(s[8:10]), int(s[11:13]), int(s[14:16]), int(s[17:19])
            )
        # "Oct 23, 2018 7:00:00 AM"
        mon, day, year, clock, half = s.replace(",", "").split()
        hh, mm, ss = (int(x) for x in clock.split(":"))
        hh = hh % 12 + (12 if half.upper() == "PM" else 0)
        return datetime(int(year), _MONTHS[mon], int(day), hh, mm, ss)
    except (ValueError, KeyError, IndexError):
        return None


def _dig(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


# --------------------------------------------------------------------------- getter builders


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


def _task_status(*path: str) -> WhereField:
    # Records say "Not Started"; the documented filter tokens are "notstarted" (§1.3).
    def get(r: StoredRecord) -> Any:
        value = _dig(r.data, path)
        return value.replace(" ", "").lower() if isinstance(value, str) else value

    return WhereField("text", get)


# --------------------------------------------------------------------------- default filters
# §5.1: the server runs e.g. "Created_UTC > DATEADD(d, -30, GETUTCDATE())". Business-date
# variants compare a site-local date with UTC now literally, as the SQL does.

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


def _zone(
    name: str,
    param: str,
    record_key: str,
    stream: str,
    pk: tuple[str, ...],
    id_where: str | None,
    default_filter: DefaultFilter | None,
    where: dict[str, WhereField],
    joins: dict[str, str] | None = None,
    lastupdate: tuple[str, str] | None = None,
    join_extras: dict[str, tuple[str, ...]] | None = None,
) -> Zone:
    return Zone(
        name=name,
        param=param,
        record_key=record_key,
        stream=stream,
        primary_key=pk,
        id_where=id_where,
        default_filter=default_filter,
        where_fields=MappingProxyType(where),
        joins=MappingProxyType(joins or {}),
        lastupdate_name=lastupdate[0] if lastupdate else None,
        id_reference=lastupdate[1] if lastupdate else None,
        join_extras=MappingProxyType(join_extras or {}),
    )


# InventoryCategories and AssetCategories document the same WHERE fields (§5.2).
_CATEGORY_WHERE = {
    "categoryid": _text("categoryid"),
    "categoryname": _text("categoryname"),
    "parentcategoryid": _text("parentcategory", "categoryid"),
    "parentcategoryname": _text("parentcategory", "categoryname"),
}

_ALL: list[Zone] = [
    _zone(
        "LastUpdate",
        "lastupdate",
        "lastupdate",
        "last_update",
        ("zonename", "zoneid"),
        None,
        None,
        {
            "lastupdateutc": _dt("lastupdateutc"),
            "zonename": _text("zonename"),
        },
    ),
    _zone(
        "BusinessUnits",
        "businessunits",
        "businessunits",
        "business_units",
        ("orgid",),
        "orgid",
        None,
        {
            "orgid": _text("orgid"),
            "archived": _bool("archived"),
            "businessunitname": _text("businessunitname"),
        },
        joins={"locations": "locations", "priorities": "priorities"},
    ),
    # No WHERE table is documented (§5.2); the id is registered so an always-true clause exists.
    _zone(
        "PermissionGroups",
        "permissiongroups",
        "permissiongroups",
        "permission_groups",
        ("groupid",),
        "groupid",
        None,
        {"groupid": _text("groupid")},
    ),
    _zone(
        "Users",
        "users",
        "users",
        "users",
        ("userid",),
        "userid",
        _by_created,
        {
            "createdutc": _d("createdutc"),
            "createddatetimeutc": _dt("createddatetimeutc"),
            "lastupdatedutc": _d("lastupdatedutc"),
            "lastupdateddatetimeutc": _dt("lastupdateddatetimeutc"),
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
        lastupdate=("users", "userid"),
    ),
    _zone(
        "UserPosition",
        "UserPosition",
        "userpositions",
        "user_positions",
        ("positionid",),
        "positionid",
        None,
        {"positionid": _text("positionid")},
    ),
    _zone(
        "Timesheets",
        "timesheets",
        "timesheets",
        "timesheets",
        ("timesheetid",),
        "timesheetid",
        _by_field("workdate"),
        {
            "workdate": _d("workdate"),
            "timesheetid": _text("timesheetid"),
            "taskid": _text("task", "taskid"),
            "userid": _text("user", "userid"),
            "type": _text("type"),
        },
        lastupdate=("timesheets", "timesheetid"),
    ),
    _zone(
        "TransactionTerms",
        "transactionterms",
        "transactionterms",
        "transaction_terms",
        ("transactiontermid",),
        "transactiontermid",
        None,
        {"transactiontermid": _text("transactiontermid")},
    ),
    _zone(
        "Priorities",
        "priorities",
        "priorities",
        "priorities",
        ("priorityid",),
        "priorityid",
        None,
        {
            "orgid": _text("org", "orgid"),
            "priorityid": _text("priorityid"),
            "archived": _bool("archived"),
        },
    ),
    # Clients: created fields are local dash-format; updated fields exist only in WHERE, with the
    # misspelling "lastupdatedatetimeutc" (§5.2, §7.5, §7.19). No top-level archived in records.
    _zone(
        "Clients",
        "clients",
        "clients",
        "clients",
        ("clientid",),
        "clientid",
        _by_created,
        {
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
        lastupdate=("clients", "clientid"),
    ),
    # ClientNotes: WHERE "createdutc" reads the record's "created_utc" (§7.5); clientid per DKK.
    _zone(
        "ClientNotes",
        "ClientNotes",
        "clientnotes",
        "client_notes",
        ("noteid",),
        "noteid",
        _by_created,
        {
            "createdutc": _d("created_utc"),
            "noteid": _text("noteid"),
            "clientid": _text("clientid"),
        },
        lastupdate=("clientnotes", "noteid"),
    ),
    _zone(
        "Contacts",
        "contacts",
        "contacts",
        "contacts",
        ("userid",),
        "userid",
        _by_created,
        {
            "createdutc": _created("date"),
            "createddatetimeutc": _created("datetime"),
            "userid": _text("userid"),
            "archived": _bool("archived"),
            "contacttype": _text("contacttype"),
            # Undocumented but used by DKK (§1.3); harmless to accept.
            "phone": _text("phone"),
            "mobile": _text("mobile"),
            "surname": _text("surname"),
        },
        joins={"customfields": "customfields", **_NOTES_DOCS},
        lastupdate=("contacts", "userid"),
    ),
    _zone(
        "Locations",
        "locations",
        "locations",
        "locations",
        ("locationid",),
        "locationid",
        _by_created,
        {
            "createdutc": _d("createdutc"),
            "createddatetimeutc": _dt("createddatetimeutc"),
            "lasteupdatedutc": _d("lastupdatedutc"),  # [sic] (§5.2)
            "lastupdateddatetimeutc": _dt("lastupdateddatetimeutc"),
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
            "archive": _bool("archived"),  # WHERE "archive", records "archived" (§7.5)
        },
        joins={"customfields": "customfields", **_NOTES_DOCS},
        lastupdate=("locations", "locationid"),
    ),
    _zone(
        "Quotes",
        "quotes",
        "quotes",
        "quotes",
        ("quoteid",),
        "quoteid",
        _by_field("createddatetime"),
        {
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
        lastupdate=("quotes", "quoteid"),
        join_extras={"project": ("stage",), "projects": ("stage",)},
    ),
    _zone(
        "QuoteLineItems",
        "QuoteLineItems",
        "quotelineitems",
        "quote_line_items",
        ("lineid",),
        "lineid",
        _by_hidden("daterecorded"),
        {
            "quoteid": _text("quote", "quoteid"),
            "lineid": _text("lineid"),
            "parentlineid": _text("parentlineid"),
        },
        lastupdate=("quotelineitems", "lineid"),
    ),
    _zone(
        "TaskTypes",
        "tasktypes",
        "tasktypes",
        "task_types",
        ("tasktypeid",),
        "tasktypeid",
        None,
        {
            "tasktypeid": _text("tasktypeid"),
            "archived": _bool("archived"),
            "businessunitname": _text("businessunit", "orgname"),
            "clientid": _hidden("text", "clientid"),
        },
    ),
    _zone(
        "Tasks",
        "tasks",
        "tasks",
        "tasks",
        ("taskid",),
        "taskid",
        _by_field("requestdatetime"),
        {
            "daterequested": _d("requestdate"),
            "datetimerequested": _dt("requestdatetime"),
            "datecompleted": _d("completeddate"),
            "datetimecompleted": _dt("completeddatetime"),
            "lastupdateddatetimeutc": _dt("lastupdateddatetimeutc"),
            "lastupdatedutc": _d("lastupdatedutc"),
            "duedate": _d("duedate"),
            "duedatetime": _dt("duedatetime"),
            "linkprocesseddate": _d("linkprocesseddate"),  # holds a datetime (§3.6)
            "linkprocesseddatetime": _dt("linkprocesseddate"),
            "deleteddate": _hidden("date", "deleted_local"),
            "deleteddatetime": _hidden("datetime", "deleted_local"),
            "createdutc": _d("createdutc"),
            "createddatetimeutc": _dt("createddatetimeutc"),
            "taskid": _text("taskid"),
            "task_id": _text("taskid"),  # used in vendor examples (§1.3)
            "clientid": _text("client", "clientid"),  # MCP: accepted though undocumented
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
        lastupdate=("tasks", "taskid"),
        join_extras={"project": ("stage",)},
    ),
    _zone(
        "TaskMaterials",
        "taskmaterials",
        "materials",
        "task_materials",
        ("lineid",),
        "materiallineid",
        _by_field("dateused"),
        {
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
            "purchaseorderisordered": _bool("purchaseorderisordered"),
        },
        lastupdate=("taskmaterials", "materiallineid"),
    ),
    _zone(
        "TaskLabours",
        "tasklabours",
        "labours",
        "task_labours",
        ("lineid",),
        "labourlineid",
        _by_field("workdate"),
        {
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
        lastupdate=("tasklabours", "labourlineid"),
    ),
    _zone(
        "TaskExpenses",
        "taskexpenses",
        "expenses",
        "task_expenses",
        ("lineid",),
        "expenselineid",
        _by_field("dateused"),
        {
            "dateused": _d("dateused"),
            "linkprocesseddate": _hidden("date", "linkprocessed_local"),
            "linkprocesseddatetime": _hidden("datetime", "linkprocessed_local"),
            "taskid": _text("task", "taskid"),
            "status": _task_status("task", "status"),
            "expenselineid": _text("lineid"),
            "linkprocessed": _hidden("bool", "linkprocessed"),
            "lablinkprocessed": _hidden("bool", "linkprocessed"),  # the vendor example's name
        },
        lastupdate=("taskexpenses", "expenselineid"),
    ),
    _zone(
        "Invoices",
        "invoices",
        "invoices",
        "invoices",
        ("invoiceid",),
        "invoiceid",
        _by_created,
        {
            "dateinvoiced": _d("dateinvoiced"),
            "duedate": _d("duedate"),
            "taskdaterequested": _hidden("date", "task_requested"),
            "taskdatetimerequested": _hidden("datetime", "task_requested"),
            "taskdatecompleted": _hidden("date", "task_completed"),
            "taskdatetimecompleted": _hidden("datetime", "task_completed"),
            "linkprocesseddate": _d("linkprocesseddate"),
            "lastupdatedutc": _updated("datetime"),  # typed DATETIME in the table (§5.2)
            "lastupdateddatetimeutc": _dt("lastupdateddatetimeutc"),
            "lastupdateddatetime": _dt("lastupdateddatetime"),  # local; vendor example
            "createdutc": _d("createdutc"),
            "createddatetimeutc": _dt("createddatetimeutc"),
            "invoiceid": _text("invoiceid"),
            "status": _text("status"),
            "cusinvoiced": _hidden("bool", "cusinvoiced"),
            "linkprocessed": _hidden("bool", "linkprocessed"),
            "taskid": _hidden("text", "taskid"),
        },
        joins={"lineitems": "lines", "task": "task", "project": "project", **_NOTES_DOCS},
        lastupdate=("invoices", "invoiceid"),
        join_extras={"project": ("stage",)},
    ),
    _zone(
        "Payments",
        "payments",
        "payments",
        "payments",
        ("paymentid",),
        "paymentid",
        _by_field("datepaid"),
        {
            "datepaid": _d("datepaid"),
            "paymentid": _text("paymentid"),
        },
        lastupdate=("payments", "paymentid"),
    ),
    _zone(
        "Suppliers",
        "suppliers",
        "suppliers",
        "suppliers",
        ("supplierid",),
        "supplierid",
        _by_field("datetimeinserted"),
        {
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
        lastupdate=("suppliers", "supplierid"),
    ),
    _zone(
        "Inventory",
        "inventory",
        "items",
        "inventory",
        ("itemid",),
        "itemid",
        _by_created,
        {
            "lastupdatedutc": _d("lastupdatedutc"),
            "lastupdateddatetimeutc": _dt("lastupdateddatetimeutc"),
            "createdutc": _d("createdutc"),
            "createddatetimeutc": _dt("createddatetimeutc"),
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
        lastupdate=("inventory", "itemid"),
    ),
    _zone(
        "InventoryCategories",
        "inventorycategories",
        "inventorycategories",
        "inventory_categories",
        ("categoryid",),
        "categoryid",
        None,
        dict(_CATEGORY_WHERE),
    ),
    # Stock levels: local lastupdated fields in records, UTC ones only in WHERE (§5.2).
    _zone(
        "InventoryStockLevels",
        "inventorystocklevels",
        "inventorystocklevels",
        "inventory_stock_levels",
        ("itemid", "assignedtotype", "assignedtoid"),
        None,
        _by_stock_update,
        {
            "lastupdated": _d("lastupdateddatetime"),
            "lastupdateddatetime": _dt("lastupdateddatetime"),
            "lastupdatedutc": WhereField("datetime", lambda r: r.updated_utc or r.created_utc),
            "lastupdateddatetimeutc": WhereField("datetime", lambda r: r.updated_utc or r.created_utc),
            "itemid": _text("itemid"),
            "assignedtotype": _text("assignedtotype"),
            "isuserarchived": _hidden("bool", "isuserarchived"),
            "ischolderarchived": _hidden("bool", "ischolderarchived"),
            "isbuarchived": _hidden("bool", "isbuarchived"),
        },
    ),
    _zone(
        "CustomHolders",
        "customholders",
        "customholders",
        "custom_holders",
        ("customholderid",),
        "customholderid",
        None,
        {
            "customholderid": _text("customholderid"),
            "archived": _bool("archived"),
            "customholdername": _text("customholdername"),
        },
    ),
    _zone(
        "InventoryLists",
        "inventorylists",
        "inventorylists",
        "inventory_lists",
        ("listid",),
        "listid",
        None,
        {
            "listid": _text("listid"),
            "listtype": _text("listtype"),
        },
        joins={"items": "items"},
    ),
    _zone(
        "PurchaseOrders",
        "purchaseorders",
        "purchaseorders",
        "purchase_orders",
        ("purchaseorderid",),
        "purchaseorderid",
        _by_created,
        {
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
        lastupdate=("purchaseorders", "purchaseorderid"),
    ),
    _zone(
        "Bills",
        "bills",
        "bills",
        "bills",
        ("billid",),
        "billid",
        _by_created,
        {
            "dateinvoiced": _d("dateinvoiced"),
            "duedate": _d("duedate"),
            "lastupdatedutc": _updated("datetime"),  # typed DATETIME (§5.2)
            "lastupdateddatetimeutc": _dt("lastupdateddatetimeutc"),
            "linkprocesseddate": _hidden("date", "linkprocessed_local"),
            "billid": _text("billid"),
            "purchaseorderid": _text("purchaseorder", "purchaseorderid"),
            "workorderid": _text("workorder", "workorderid"),
            "status": _text("status"),
        },
        joins={"lineitems": "lines", "tasks": "tasks", **_NOTES_DOCS},
        lastupdate=("bills", "billid"),
    ),
    _zone(
        "BillLineItems",
        "BillLineItems",
        "billlineitems",
        "bill_line_items",
        ("lineid",),
        "lineid",
        _by_created,
        {
            "lineid": _text("lineid"),
            "billid": _text("billid"),
        },
        lastupdate=("billlineitems", "lineid"),
    ),
    _zone(
        "WorkOrders",
        "workorders",
        "workorders",
        "work_orders",
        ("workorderid",),
        "workorderid",
        _by_created,
        {
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
        lastupdate=("workorders", "workorderid"),
    ),
    # The default filter is on the parent work order's created_UTC (wo_order.created_UTC, §5.1).
    _zone(
        "WorkOrderLineItems",
        "WorkOrderLineItems",
        "workorderlineitems",
        "work_order_line_items",
        ("lineid",),
        "lineid",
        _by_hidden("wo_created_utc"),
        {
            "workorderid": _text("workorder", "workorderid"),
            "lineid": _text("lineid"),
        },
        lastupdate=("workorderlineitems", "lineid"),
    ),
    # Assets: WHERE names lack the "d" of the record fields (§7.5).
    _zone(
        "Assets",
        "assets",
        "assets",
        "assets",
        ("assetid",),
        "assetid",
        _by_field("datecreated"),
        {
            "lastupdateutc": _d("lastupdatedutc"),
            "lastupdatedatetimeutc": _dt("lastupdateddatetimeutc"),
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
        lastupdate=("assets", "assetid"),
    ),
    _zone(
        "AssetCategories",
        "assetcategories",
        "assetcategories",
        "asset_categories",
        ("categoryid",),
        "categoryid",
        None,
        dict(_CATEGORY_WHERE),
    ),
    _zone(
        "MessageBoard",
        "messageboard",
        "messageboards",
        "message_board",
        ("messageid",),
        "messageid",
        None,
        {
            "messageid": _text("messageid"),
        },
        lastupdate=("messageboard", "messageid"),
    ),
    _zone(
        "Substatus",
        "Substatuses",
        "substatuses",
        "substatuses",
        ("substatusid",),
        "substatusid",
        None,
        {
            "substatusid": _text("substatusid"),
            "orgid": _text("org", "orgid"),
            "substatus": _text("substatus"),
            "substatustype": _text("substatustype"),
            "archived": _bool("archived"),
        },
    ),
    # No date WHERE field; the 30-day default is on the hidden insert time (§6.8).
    _zone(
        "DocumentsAndPhotos",
        "DocumentsAndPhotos",
        "documentsandphotos",
        "documents_and_photos",
        ("documentid",),
        "documentid",
        _by_created,
        {
            "documentid": _text("documentid"),
            "name": _text("name"),
            "comment": _text("comment"),
            "categoryname": _text("category", "categoryname"),
        },
        lastupdate=("documentsandphotos", "documentid"),
    ),
    _zone(
        "Schedules",
        "schedules",
        "schedules",
        "schedules",
        ("scheduleid",),
        "scheduleid",
        _by_field("startdatetime"),
        {
            "startdate": _d("startdate"),
            "startdatetime": _dt("startdatetime"),
            "scheduleid": _text("scheduleid"),
            "taskid": _hidden("text", "taskid"),
            "scheduletotype": _text("scheduledto", "scheduledtotype"),  # doc table name
            "scheduledtotype": _text("scheduledto", "scheduledtotype"),  # vendor examples
            "scheduledtoid": _text("scheduledto", "scheduledtoid"),
            "groupid": _text("grouping", "groupid"),
        },
        lastupdate=("schedules", "scheduleid"),
    ),
    _zone(
        "Projects",
        "projects",
        "projects",
        "projects",
        ("projectid",),
        "projectid",
        _by_created,
        {
            "createdutc": _created("date"),
            "createddatetimeutc": _created("datetime"),
            "projectid": _text("projectid"),
            "orgid": _text("org", "orgid"),
            "projectnumber": _text("projectnumber"),
            "projectname": _text("projectname"),
        },
        lastupdate=("projects", "projectid"),
    ),
    _zone(
        "Stages",
        "stages",
        "stages",
        "stages",
        ("stageid",),
        "stageid",
        _by_hidden("start_date"),
        {
            "stageid": _text("stageid"),
            "projectid": _text("project", "projectid"),
            "stagename": _text("stagename"),
        },
        lastupdate=("stages", "stageid"),
    ),
    _zone(
        "MessageTemplates",
        "MessageTemplates",
        "messagetemplates",
        "message_templates",
        ("templateid",),
        "templateid",
        _by_created,
        {
            "createdutc": _d("createdutc"),
            "templateid": _text("templateid"),
            "formattype": _text("formattype"),
        },
        lastupdate=("messagetemplates", "templateid"),
    ),
    # TrackingCentres: WHERE "date_created", records "datecreated" (§7.5).
    _zone(
        "TrackingCentres",
        "TrackingCentres",
        "trackingcentres",
        "tracking_centres",
        ("trackingcentreid",),
        "trackingcentreid",
        None,
        {
            "date_created": _d("datecreated"),
            "trackingcentreid": _text("trackingcentreid"),
            "name": _text("name"),
            "orgid": _text("businessunit", "orgid"),
        },
    ),
]

ZONES: dict[str, Zone] = {z.param.lower(): z for z in _ALL}


def zone_for_param(param: str) -> Zone | None:
    """The zone for a ``zone=`` value; zone names are case-insensitive (§1.2)."""
    return ZONES.get((param or "").strip().lower())
