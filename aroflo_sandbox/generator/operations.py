"""Assets at client sites, Timesheets and Schedules: the field work of the business."""

from __future__ import annotations

from datetime import datetime, timedelta

from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import location_join_shape, org_ref
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import D_BLANK, DT_BLANK, fmt_date, fmt_datetime, money4, to_local


def new_asset(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    client = b.pick("clients", t)
    assert client is not None
    cat = b.choice("assetcategories").data
    locs = [r for r in client.hidden["locations"] if r.created_utc <= t]
    loc = rng.choice(locs) if locs else None
    maker = rng.choice(("Daikin", "Rheem", "Rinnai", "Mitsubishi Electric", "Zip", "Grundfos", "Wilkins"))
    data = {
        "assetid": b.long_id(),
        "assetname": f"{maker} {cat['categoryname']} {rng.randint(1, 99)}",
        "category": {"categoryid": cat["categoryid"], "categoryname": cat["categoryname"]},
        "ordercode": f"AS{rng.randint(1000, 9999)}",
        "customerid": f"C{rng.randint(100, 999)}" if rng.random() < 0.5 else "",
        "serialnumber": f"{maker[:2].upper()}{rng.getrandbits(32):08X}",
        "barcode": str(rng.randint(10**11, 10**12 - 1)),
        "modelnumber": f"M{rng.randint(100, 999)}-{rng.randint(10, 99)}",
        "manufacturer": maker,
        "supplier": "",
        "odo": "0",
        "odotype": "",
        "cost": money4(rng.uniform(200, 9000)),
        "quantity": "1",
        "archived": "true" if rng.random() < 0.06 else "false",
        "datecreated": fmt_date(to_local(t)),
        "lastupdatedutc": D_BLANK,
        "lastupdateddatetimeutc": DT_BLANK,
        "client": {"clientid": client.data["clientid"], "clientname": client.data["clientname"]},
        "org": org_ref(b.recs["businessunits"][0]),
        "location": {},
        "assettypes": [],
        "customfields": [],
        "notes": [],
        "documentsandphotos": [],
    }
    joins = {
        "customfields": b.custom_fields(numeric_ids=True),  # numeric fieldids (Assets examples)
        "location": {**location_join_shape(loc.data), "customfields": loc.joins.get("customfields", [])}
        if loc
        else {},
        "notes": b.some_notes(t, 0.3),
        "documentsandphotos": b.some_documents(t, 0.3),
    }
    # Serviced on one of its client's jobs: the task's `assets` join lists it (Tasks example "with Assets").
    client_id = client.data["clientid"]
    task = b.pick("tasks", t, window=200, pred=lambda r: r.data["client"]["clientid"] == client_id)
    if task is not None and task.data["client"]["clientid"] == client_id:
        task.joins["assets"].append({k: data[k] for k in _TASK_ASSET_FIELDS})
    return StoredRecord(data, joins, t, None)


_TASK_ASSET_FIELDS = (
    "assetid", "odotype", "modelnumber", "serialnumber", "quantity", "barcode", "manufacturer", "supplier",
    "assetname", "cost", "customerid", "odo", "ordercode",
)  # fmt: skip


def new_timesheet(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    user = b.pick("users", t)
    assert user is not None
    kind = rng.choice(("Productive", "Productive", "Productive", "Non-Productive", "Expense"))
    task = b.pick("tasks", t, window=60) if kind == "Productive" else None
    local = to_local(t)
    start = local.replace(hour=rng.randint(6, 13), minute=rng.choice((0, 15, 30, 45)), second=0)
    hours = rng.choice((0.5, 1, 2, 3, 4, 7.6, 8))
    finish = start + timedelta(hours=hours)
    hours_only = rng.random() < 0.35  # entered as hours, without start and finish times
    rate = rng.choice((45.0, 52.0, 60.0))
    charge = rng.choice((83.0, 95.0, 110.0)) if task else 0.0
    tc = b.choice("trackingcentres").data
    verified = (b.now - t).days > 7 and rng.random() < 0.7
    ud = user.data
    who = {"userid": ud["userid"], "givennames": ud["givennames"], "surname": ud["surname"]}
    data = {
        "timesheetid": b.long_id(),
        "workdate": fmt_date(start),
        "startdatetime": DT_BLANK if hours_only else fmt_datetime(start),
        "finishdatetime": DT_BLANK if hours_only else fmt_datetime(finish),
        "hours": f"{hours:.2f}",
        "type": kind,
        "note": rng.choice(("", "", "Site visit", "Training", "Travel", "Workshop")),
        "user": who,
        "task": {
            "taskid": task.data["taskid"],
            "jobnumber": task.data["jobnumber"],
            "taskname": task.data["taskname"],
        }
        if task
        else {"taskid": "", "jobnumber": "", "taskname": ""},
        "worktype": {
            "worktypeid": "IyZKUyAK",
            "worktype": "NT",
            "worktypedescription": "Normal Time",
            "worktyperatetype": "Hourly",
        },
        "overhead": {"overheadid": "", "overhead": "", "overheadtype": "", "overheadunit": ""}
        if kind != "Non-Productive"
        else {
            "overheadid": "IyZKXyEK",
            "overhead": rng.choice(("Training", "Admin", "Leave")),
            "overheadtype": "Time",
            "overheadunit": "Hours",
        },
        "trackingcentre": {"trackingcentreid": tc["trackingcentreid"], "trackingcentre": tc["name"]},
        "costrate": money4(rate),
        "cost": money4(rate * hours),
        "chargerate": money4(charge),
        "charge": money4(charge * hours),
        "hourlyrate": money4(rate),
        "resourceoverheadrate": money4(0),
        "grouping": {"groupid": b.short_id(), "tsgroupid": str(rng.randint(1000, 99999))},
        "insertedby": dict(who),
        "inserteddatetimeutc": fmt_datetime(t),
        "verifiedby": {
            **(dict(who) if verified else {"userid": "", "givennames": "", "surname": ""}),
            "isverified": "true" if verified else "false",
            "verifieddatetime": fmt_datetime(to_local(b.after(t, 7))) if verified else DT_BLANK,
        },
    }
    return StoredRecord(data, {}, t, None)


def new_schedule(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    local = to_local(t)
    kind = rng.choice(("task", "task", "task", "task", "ad-hoc event", "periodic"))
    task = b.pick("tasks", t, window=40) if kind == "task" else None
    target = b.pick("assets", t) if kind == "periodic" and rng.random() < 0.3 else None
    to_asset = target is not None
    target = target or b.pick("users", t)
    inserter = b.pick("users", t)
    assert target is not None and inserter is not None
    # Scheduled ahead of when it was entered, so recent entries land in the future.
    start = (local + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 7, 14, 30, 45)))).replace(
        hour=rng.randint(6, 16), minute=rng.choice((0, 30)), second=0
    )
    hours = rng.choice((1, 1, 2, 2, 3, 4, 8))
    end = start + timedelta(hours=hours)
    if task is not None:
        stype = {
            "typename": task.data["tasklocation"]["locationname"],
            "typeid": task.data["taskid"],
            "type": "task",
        }
    elif kind == "periodic":
        stype = {"typename": "Quarterly Service", "typeid": "JCYqXyVRICAgCg==", "type": "periodic"}
    else:
        stype = {"typename": "An Adhoc Meeting", "typeid": "JCcqVy1QICAgCg==", "type": "ad-hoc event"}
    if to_asset:
        sched_to = {
            "scheduledtoid": target.data["assetid"],
            "scheduledtoname": target.data["assetname"][:50],
            "scheduledtotype": "asset",
        }
    else:
        sched_to = {
            "scheduledtoid": target.data["userid"],
            "scheduledtoname": f"{target.data['givennames']} {target.data['surname']}",
            "scheduledtotype": "user",
        }
    sched_to["crew"] = (
        {"crewid": "IiQ6LCAK", "crewname": "Dream Team"}
        if rng.random() < 0.1
        else {"crewid": "", "crewname": ""}
    )
    iu = inserter.data
    data = {
        "scheduletype": stype,
        "scheduleid": b.long_id(),
        "startdate": fmt_date(start),
        "org": org_ref(b.recs["businessunits"][0]),
        "insertedby": {"surname": iu["surname"], "givennames": iu["givennames"], "userid": iu["userid"]},
        "ishidden": "false",
        "enddate": fmt_date(end),
        "islocked": "true" if rng.random() < 0.05 else "false",
        "inserteddatetimeutc": fmt_datetime(t),
        "hours": str(hours),
        "note": rng.choice(("", "", "Go fix the thing", "to discuss things", "Bring ladder")),
        "enddatetime": fmt_datetime(end),
        "grouping": {"groupid": b.short_id()},
        "scheduledto": sched_to,
        "startdatetime": fmt_datetime(start),
    }
    rec = StoredRecord(data, {}, t, None)
    rec.hidden["taskid"] = task.data["taskid"] if task else ""
    return rec
