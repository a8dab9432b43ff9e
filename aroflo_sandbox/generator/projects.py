"""Projects and their Stages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import nth_name, org_ref, user_ref
from aroflo_sandbox.generator.vocabulary import PROJECT_KINDS
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import D_BLANK, fmt_date, to_local


def new_project(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    client = b.pick("clients", t)
    manager = b.pick("users", t)
    assert client is not None and manager is not None
    local = to_local(t)
    n = b.seq("project", 1)
    start = local + timedelta(days=rng.randint(0, 20))
    closed = (b.now - t).days > 400 and rng.random() < 0.7
    end = start + timedelta(days=rng.randint(30, 300))
    loc = rng.choice(client.hidden["locations"]).data if client.hidden["locations"] else None
    contact = rng.choice(client.hidden["contacts"]).data if client.hidden["contacts"] else None
    data: dict[str, Any] = {
        "projectid": b.long_id(),
        "projectnumber": str(n),
        "projectname": f"{client.data['clientname']} {rng.choice(PROJECT_KINDS)}",
        "refno": f"P{n:04d}",
        "custon": f"PO{rng.randint(10000, 99999)}" if rng.random() < 0.5 else "",
        "description": "<p>Project works as per contract.</p>",
        "status": "closed" if closed else "open",
        "startdate": fmt_date(start),
        "enddate": fmt_date(end),
        "closeddate": fmt_date(end) if closed else D_BLANK,
        "projecttype": {
            "projecttypeid": "IyZKSyQK",
            "projecttype": rng.choice(("Commercial", "Residential")),
        },
        "client": {"orgid": client.data["clientid"], "orgname": client.data["clientname"]},
        "org": org_ref(b.recs["businessunits"][0]),
        "location": {
            "locationid": loc["locationid"] if loc else "",
            "locationname": loc["locationname"] if loc else "",
        },
        "manageruser": user_ref(manager),
        "contactuser": {
            "userid": contact["userid"],
            "username": f"{contact['givennames']} {contact['surname']}",
        }
        if contact
        else {"userid": "", "username": ""},
        "insertedbyuser": user_ref(manager),
        "substatus": {"substatusid": "", "substatus": ""},
        "stages": [],
    }
    return StoredRecord(data, {}, t, None)


def new_stage(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    project = b.pick("projects", t, window=12)
    assert project is not None
    n = len(project.hidden.setdefault("stages", []))
    names = ("All Tasks", "Rough-in", "Fit-off", "Commissioning", "Defects", "Stage 2")
    data = {
        "location": dict(project.data["location"]),
        "status": "closed" if project.data["status"] == "closed" else "open",
        "project": {"projectid": project.data["projectid"], "projectname": project.data["projectname"]},
        "stageid": b.long_id(),
        "stagename": nth_name(names, n),
        "stagetype": {"stagetypeid": "", "stagetype": ""},
        "substatus": {"substatusid": "", "substatus": ""},
    }
    rec = StoredRecord(data, {}, t, None)
    # Start_date (the zone's documented default filter) is not in the record: the local day the stage starts.
    start = to_local(t) + timedelta(days=rng.randint(0, 14))
    rec.hidden["start_date"] = datetime(start.year, start.month, start.day)
    project.hidden["stages"].append(rec)
    return rec
