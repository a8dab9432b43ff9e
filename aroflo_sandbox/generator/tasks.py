"""Tasks (jobs) and their lines: TaskMaterials, TaskLabours and TaskExpenses, which add up to the
task's totals.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import attach, location_join_shape, org_ref, user_ref, without
from aroflo_sandbox.generator.vocabulary import TASK_NAMES
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import (
    D_BLANK,
    DT_BLANK,
    fmt_date,
    fmt_datetime,
    fmt_human,
    money2,
    money4,
    to_local,
)

_BLANK_CONTACT = {"surname": "", "givennames": "", "userid": ""}


def _task_status_for(b: Builder, t: datetime) -> str:
    age = (b.now - t).days
    r = b.rng.random()
    if age > 120:
        return "Archived" if r < 0.35 else ("Completed" if r < 0.93 else ("Pending" if r < 0.97 else "Quote"))
    if age > 30:
        return ("Completed", "Completed", "Completed", "Archived", "Pending", "In Progress", "Quote")[
            int(r * 7)
        ]
    return ("Not Started", "Not Started", "In Progress", "In Progress", "Pending", "Completed", "Quote")[
        int(r * 7)
    ]


def new_task(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    client = b.pick("clients", t)
    assert client is not None
    cd = client.data
    bu = b.recs["businessunits"][0 if rng.random() < 0.75 else rng.randrange(len(b.recs["businessunits"]))]
    ttype = b.choice("tasktypes").data
    locs = [r for r in client.hidden["locations"] if r.created_utc <= t]
    loc = rng.choice(locs) if locs and rng.random() < 0.8 else None
    contacts = [r for r in client.hidden["contacts"] if r.created_utc <= t]
    contact = rng.choice(contacts).data if contacts and rng.random() < 0.6 else None
    local = to_local(t)
    status = _task_status_for(b, t)
    client.hidden["task_seq"] += 1
    due = local.replace(hour=0, minute=0, second=0) + timedelta(days=rng.randint(1, 21))
    completed = linkproc = None
    if status in ("Completed", "Archived"):
        completed_utc = b.after(t, 20)
        completed = to_local(completed_utc)
        if rng.random() < 0.6:
            linkproc = to_local(b.after(completed_utc, 10))
    readtask = status != "Not Started" or rng.random() < 0.4
    priorities = b.recs["priorities"]
    priority: Any = (
        rng.choice(priorities).data["priorityid"] if rng.random() < 0.3 else 0
    )  # number 0 when unset
    place = loc.data if loc else {"gpslat": "0", "gpslong": "0", **cd["address"]}  # "0": not geocoded
    jobnumber = str(b.seq("jobnumber", 1036))
    data: dict[str, Any] = {
        "taskid": b.long_id(),
        "jobnumber": jobnumber,
        "refcode": f"{cd['shortname']}{client.hidden['task_seq']}",
        "custon": f"W{rng.randint(100000, 999999)}/{rng.randint(1, 9)}" if rng.random() < 0.35 else "",
        "taskname": rng.choice(TASK_NAMES),
        "description": rng.choice(
            (
                "Task Description",
                "<p>Client reports issue, please attend.</p>",
                "Attend and quote",
                "<p>Routine service as per schedule.</p>",
                "Tenant reports leak under kitchen sink.",
            )
        ),
        "contactname": f"{contact['givennames']} {contact['surname']}"
        if contact
        else cd["firstname"] + " " + cd["surname"],
        "contactphone": (contact["mobile"] or contact["phone"]) if contact else cd["phone"],
        "contact": {
            "surname": contact["surname"],
            "givennames": contact["givennames"],
            "userid": contact["userid"],
        }
        if contact
        else dict(_BLANK_CONTACT),
        "status": status,
        "substatus": {},
        "linkprocessed": "true" if linkproc else "false",
        # A datetime despite the name (docs/aroflo.md#data-types).
        "linkprocesseddate": fmt_datetime(linkproc) if linkproc else DT_BLANK,
        "readtask": "true" if readtask else "false",
        "readtaskdatetime": fmt_datetime(to_local(b.after(t, 3))) if readtask else DT_BLANK,
        "requestdate": fmt_date(local),
        "requestdatetime": fmt_datetime(local),
        "duedate": fmt_date(due),
        "duedatetime": fmt_datetime(due),
        # Until a task is completed, AroFlo shows its due date as the completed date (every Tasks example).
        "completeddate": fmt_date(completed or due),
        "completeddatetime": fmt_datetime(completed or due),
        "createdutc": fmt_date(t),
        "createddatetimeutc": fmt_datetime(t),
        "lastupdatedutc": D_BLANK,
        "lastupdateddatetimeutc": DT_BLANK,
        "client": {"clientid": cd["clientid"], "clientname": cd["clientname"]},
        "org": org_ref(bu),
        "tasktype": ttype["tasktype"],
        "tasktasktype": {"tasktypeid": ttype["tasktypeid"], "tasktype": ttype["tasktype"]},
        "tasklocation": {
            "locationid": loc.data["locationid"] if loc else "",
            "locationname": loc.data["locationname"]
            if loc
            else f"{cd['address']['addressline1']}, {cd['address']['suburb']}",
        },
        "priority": priority,
        "assetid": "",
        "gpslatitude": place["gpslat"],
        "gpslongitude": place["gpslong"],
        "webappEncodedID": b.webapp_id(),
        # Joinable areas: always present, empty unless joined (docs/aroflo.md#responses).
        "assets": [],
        "assigneds": [],
        "customfields": [],
        "documentsandphotos": [],
        "expenses": [],
        "labours": [],
        "materials": [],
        "purchaseorders": [],
        "salesperson": [],
        "tasknotes": [],
        "location": {},
        "project": {},
        "stage": {},
        "tasktotals": {},
        "quote": {},
    }
    user = b.pick("users", t)
    joins: dict[str, Any] = {
        "tasknotes": [
            b.note(b.after(t, 30), b.pick("users", t) if rng.random() < 0.7 else None, task_style=True)
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))
        ],
        "assigneds": [],
        "materials": [],
        "labours": [],
        "expenses": [],
        "purchaseorders": [],
        "assets": [],
        "customfields": b.custom_fields() if rng.random() < 0.3 else [],
        "documentsandphotos": [b.attachment(b.after(t, 5), user)] if rng.random() < 0.15 else [],
        "salesperson": [],
        "project": {},
        "stage": {},
        "quote": {},
        "tasktotals": {"totallab": "0.00", "totalmat": "0.00", "totalexp": "0.00", "totalhrs": "0.00"},
        "substatus": {"substatusid": "", "substatus": ""},
        "location": {},
    }
    for _ in range(rng.choice((1, 1, 1, 2))):
        who = b.pick("users", t)
        if who is None:
            break
        at = to_local(b.after(t, 2))
        joins["assigneds"].append(
            {
                "user": user_ref(who),
                "org": {"orgid": "", "orgname": ""},
                "dateassigned": fmt_date(at),
                "timeassigned": fmt_human(at),
                "dateunassigned": "",
                "timeunassigned": "",
                "readtask": data["readtask"],
                "readtaskdatetime": data["readtaskdatetime"],
            }
        )
    if loc is not None:
        joins["location"] = {
            **location_join_shape(loc.data),
            "customfields": loc.joins.get("customfields", []),
        }
    if status in ("Pending", "In Progress", "Not Started") and rng.random() < 0.4:
        sub = b.choice("substatuses").data
        joins["substatus"] = {"substatusid": sub["substatusid"], "substatus": sub["substatus"]}
    if rng.random() < 0.3 and user is not None:
        ud = user.data
        joins["salesperson"] = [
            {"user_id": ud["userid"], "givenname": ud["givennames"], "surname": ud["surname"]}
        ]
    rec = StoredRecord(data, joins, t, None)
    sales = (
        joins["salesperson"][0] if joins["salesperson"] else {"user_id": "", "givenname": "", "surname": ""}
    )
    rec.hidden.update(
        salesperson_id=sales["user_id"],
        salesperson_givenname=sales["givenname"],
        salesperson_surname=sales["surname"],
        deleted_local=None,
        requested_local=local,
        completed_local=completed,
    )
    project = b.pick("projects", t) if rng.random() < 0.15 else None
    if project is not None:
        pd = project.data
        stages = [s for s in project.hidden.get("stages", []) if s.created_utc <= t]
        joins["project"] = {
            "projectid": pd["projectid"],
            "projectname": pd["projectname"],
            "projectnumber": pd["projectnumber"],
            "refno": pd["refno"],
            "status": pd["status"].title(),
            "startdate": pd["startdate"],
            "enddate": pd["enddate"],
            "closeddate": pd["closeddate"],
            "manager": pd["manageruser"]["username"],
            "contact": pd["contactuser"]["username"],
            "projecttype": pd["projecttype"]["projecttype"],
            "custon": pd["custon"],
            "description": pd["description"],
            "location": dict(pd["location"]),
        }
        if stages:
            st = rng.choice(stages).data
            joins["stage"] = {"stageid": st["stageid"], "stagename": st["stagename"]}
    return rec


def _add_totals(task: StoredRecord, key: str, amount: float, hours: float = 0.0) -> None:
    tt = task.joins["tasktotals"]
    tt[key] = money2(float(tt[key]) + amount)
    if hours:
        tt["totalhrs"] = money2(float(tt["totalhrs"]) + hours)


def new_material(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    task = b.pick("tasks", t, window=60)
    assert task is not None
    item = b.pick("inventory", t) if rng.random() < 0.75 else None
    who = b.pick("users", t)
    assert who is not None
    qty = rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 7, 10, 25, 30))
    if item is not None:
        d = item.data
        cost, sell = float(d["costex"]), float(d["sell_task"])
        itemid, part, desc, inv = d["itemid"], d["partnumber"], d["description"], "true"
    else:
        cost = round(rng.uniform(0, 120), 2)
        sell = round(cost * 1.2, 2)
        itemid, part, desc, inv = (
            "",
            "",
            rng.choice(("something", "sundries", "fixings", "sealant", "adaptor")),
            "false",
        )
    processed = (b.now - t).days > 20 and rng.random() < 0.5
    proc = to_local(b.after(t, 15)) if processed else None
    ordered = rng.random() < 0.1
    dl = to_local(b.after(t, 5)) if rng.random() < 0.015 else None  # soft-deleted lines stay listed
    data = {
        "matlinkprocesseddatetime": fmt_datetime(proc) if proc else DT_BLANK,
        "matlinkprocesseddate": fmt_date(proc) if proc else D_BLANK,
        "task": _task_brief(task),
        "quantity": str(qty),
        "matlinkprocessed": "true" if processed else "false",
        "purchaseorderisordered": "true" if ordered else "false",
        "deleted": "true" if dl else "false",
        "takenfrom": {
            "takenfromid": who.data["userid"],
            "takenfromtype": "user",
            "takenfromname": f"{who.data['givennames']} {who.data['surname']}",
        },
        "item": desc,
        "cost": money4(cost),
        "deleteddate": fmt_date(dl) if dl else D_BLANK,
        "sell": money4(sell),
        "lineid": b.long_id(),
        "purchaseorderqtybilled": money4(qty) if ordered else "",
        "partnumber": part,
        "purchaseorderqtyordered": money4(qty) if ordered else "",
        "deletedtime": fmt_human(dl) if dl else "",
        "dateused": fmt_date(to_local(t)),
        "itemid": itemid,
        "isinventory": inv,
        "deleteddatetime": fmt_datetime(dl) if dl else DT_BLANK,
    }
    rec = StoredRecord(data, {}, t, None)
    attach(task, "materials", without(data, "task"), rec)
    if dl is None:
        _add_totals(task, "totalmat", qty * sell)
    return rec


def new_labour(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    task = b.pick("tasks", t, window=60)
    who = b.pick("users", t)
    assert task is not None and who is not None
    local = to_local(t)
    start = local.replace(hour=rng.randint(6, 14), minute=rng.choice((0, 15, 30, 45)), second=0)
    hours = rng.choice((0.5, 1, 1, 1.5, 2, 2, 3, 4, 6, 8))
    end = start + timedelta(hours=hours)
    rate = rng.choice((83.0, 95.0, 110.0, 125.0))
    processed = (b.now - t).days > 20 and rng.random() < 0.5
    proc = fmt_date(to_local(b.after(t, 15))) if processed else D_BLANK
    deleted = rng.random() < 0.02
    dl = to_local(b.after(t, 5)) if deleted else None
    data = {
        "labverified": "true" if rng.random() < 0.3 else "false",
        "task": _task_brief(task),
        "worktype": rng.choice(("NT", "NT", "NT", "OT1", "OT2", "TT")),
        "workdatetimeend": fmt_datetime(end),
        "lablinkprocesseddatetime": proc,  # a date despite the name (docs/aroflo.md#data-types)
        "endtime": fmt_human(end),
        "lablinkprocesseddate": proc,
        "deleted": "1" if deleted else "0",
        "user": {"userid": who.data["userid"], "username": f"{who.data['givennames']} {who.data['surname']}"},
        "lablinkprocessed": "true" if processed else "false",
        "cost": money4(hours * rate * 0.55),
        "starttime": fmt_human(start),
        "deleteddate": fmt_date(dl) if dl else D_BLANK,
        "hours": f"{hours:.2f}",
        "sell": money4(hours * rate),
        "lineid": b.long_id(),
        "workdatetimestart": fmt_datetime(start),
        "note": rng.choice(("", "", "this is a task labour", "travel + diagnosis", "install and test")),
        "lablocked": "true" if processed else "false",
        "deletedtime": fmt_human(dl) if dl else "",
        "deleteddatetime": fmt_datetime(dl) if dl else DT_BLANK,
        "workdate": fmt_date(start),
    }
    rec = StoredRecord(data, {}, t, None)
    rec.hidden.update(isinventory="false", labeodapproved="true" if rng.random() < 0.2 else "false")
    attach(task, "labours", without(data, "task"), rec)
    if not deleted:
        _add_totals(task, "totallab", hours * rate, hours)
    return rec


def new_expense(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    task = b.pick("tasks", t, window=60)
    who = b.pick("users", t) if rng.random() < 0.6 else None
    assert task is not None
    cost = rng.choice((8.5, 15.0, 22.0, 35.0, 60.0, 120.0, 250.0))
    data = {
        "overheadallocation": "",
        "cost": money4(cost),
        "task": _task_brief(task),
        "sell": money4(cost),
        "description": rng.choice(("parking", "tolls", "skip bin", "equipment hire", "permit fee")),
        "quantity": rng.choice(("0", "1", "1", "2")),
        "lineid": b.long_id(),
        "dateused": fmt_date(to_local(t)),
        "user": {"userid": who.data["userid"], "username": f"{who.data['givennames']} {who.data['surname']}"}
        if who
        else {"userid": "", "username": ""},
    }
    rec = StoredRecord(data, {}, t, None)
    processed = (b.now - t).days > 20 and rng.random() < 0.5
    rec.hidden.update(
        linkprocessed="true" if processed else "false",
        linkprocessed_local=to_local(b.after(t, 15)) if processed else None,
    )
    attach(task, "expenses", without(data, "task"), rec)
    _add_totals(task, "totalexp", cost)
    return rec


def _task_brief(task: StoredRecord) -> dict[str, Any]:
    """The ``task`` object on task materials/labours/expenses (AroFlo's TaskMaterials examples)."""
    d = task.data
    return {
        "taskid": d["taskid"],
        "status": d["status"],
        "org": dict(d["org"]),
        "linkprocesseddate": d["linkprocesseddate"],
        "refcode": d["refcode"],
        "jobnumber": d["jobnumber"],
        "linkprocessed": d["linkprocessed"],
        "client": dict(d["client"]),
    }
