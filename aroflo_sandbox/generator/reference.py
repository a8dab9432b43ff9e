"""The small lists an account sets up once, each from a fixed list of names: BusinessUnits,
PermissionGroups, UserPosition, TransactionTerms, Priorities, TaskTypes, Substatus, TrackingCentres,
InventoryCategories, CustomHolders and AssetCategories.
"""

from __future__ import annotations

from datetime import datetime

from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import abn, address_object, nth_name, org_ref
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import fmt_date, to_local


def new_businessunit(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    n = len(b.recs["businessunits"])
    names = (
        "Harbourline Services",
        "Harbourline Services North",
        "Harbourline Electrical",
        "Harbourline Gas",
    )
    name = names[n] if n < len(names) else f"Harbourline Division {n}"
    given, surname = b.person()
    p = b.place()
    data = {
        "orgid": b.long_id(),
        "businessunitname": name,
        "shortname": name.replace(" ", "")[:5],
        "firstname": given,
        "surname": surname,
        "phone": b.phone(),
        "mobile": b.mobile(),
        "fax": "",
        "email": f"office{n or ''}@harbourline.example.com.au",
        "website": "www.harbourline.example.com.au",
        "abn": abn(rng),
        "terms": "",
        "termsnote": "",
        "usecustompriorities": "false",
        "archived": "FALSE",
        "address": address_object(p, gps=False),
        "mailingaddress": address_object(p, gps=False),
        "locations": [],
        "priorities": [],
    }
    return StoredRecord(data, {"locations": [], "priorities": []}, t, None)


def new_permissiongroup(b: Builder, t: datetime) -> StoredRecord:
    names = (
        "Management",
        "Supervisor",
        "Worker",
        "Asset Creation",
        "Limit Manual Checklists",
        "Office Admin",
        "Apprentice",
        "Subcontractor Portal",
    )
    n = len(b.recs["permissiongroups"])
    name = names[n] if n < len(names) else f"Group {n}"
    return StoredRecord(
        {"groupid": b.short_id(), "groupname": name, "archived": "true" if n == 7 else "false"}, {}, t, None
    )


def new_userposition(b: Builder, t: datetime) -> StoredRecord:
    names = (
        "Director",
        "Operations Manager",
        "Office Manager",
        "Scheduler",
        "Senior Technician",
        "Technician",
        "Apprentice",
        "Estimator",
        "Accounts",
        "Service Coordinator",
        "Plumber",
        "Electrician",
    )
    n = len(b.recs["userposition"])
    bu = b.recs["businessunits"][0]
    return StoredRecord(
        {
            "Position": nth_name(names, n),
            "listorder": str(n),
            "org": org_ref(bu),
            "archive": "false",
            "positionid": b.long_id(),
        },
        {},
        t,
        None,
    )


def new_transactionterm(b: Builder, t: datetime) -> StoredRecord:
    terms = (
        ("C.O.D", ""),
        ("7 Days", "7"),
        ("14 Days", "14"),
        ("30 Days", "30"),
        ("Prepaid", ""),
        ("Do Not Trade", ""),
    )
    n = len(b.recs["transactionterms"])
    name, days = terms[n % len(terms)]
    return StoredRecord(
        {
            "listorder": "0",
            "transactionterm": name if n < len(terms) else f"{name} ({n})",
            "termdays": days,
            "archived": "false",
            "transactiontermid": b.short_id(),
        },
        {},
        t,
        None,
    )


def new_priority(b: Builder, t: datetime) -> StoredRecord:
    specs = (
        ("24Hrs to fix", "hours", 24, 1440),
        ("48hrs to fix", "hours", 48, 2880),
        ("72hrs to fix", "hours", 72, 4320),
        ("1 Wk to fix", "weeks", 1, 10080),
        ("Emergency", "hours", 4, 240),
    )
    n = len(b.recs["priorities"])
    bus = b.recs["businessunits"]
    bu = bus[(n // len(specs)) % len(bus)]
    short, rtype, rval, mins = specs[n % len(specs)]
    rec = StoredRecord(
        {
            "listorder": str(n % len(specs)),
            "priorityid": b.short_id(),
            "org": org_ref(bu),
            "description": str(n % len(specs)),
            "backgroundcolor": "",
            "responseminutes": str(mins),
            "responsevalue": str(rval),
            "archived": "false",
            "shortdescription": short,
            "responsetype": rtype,
            "priorityno": "0",
        },
        {},
        t,
        None,
    )
    bu.joins["priorities"].append(
        {
            k: rec.data[k]
            for k in ("priorityid", "description", "responseminutes", "archived", "shortdescription")
        }
    )
    return rec


def new_tasktype(b: Builder, t: datetime) -> StoredRecord:
    names = (
        "Service",
        "Installation",
        "Maintenance",
        "Quote",
        "Emergency",
        "Warranty",
        "Inspection",
        "Compliance Testing",
        "Preventative Maintenance",
        "Make Safe",
        "Defect",
        "Callback",
        "Project Work",
        "Sales Lead",
        "Internal",
    )
    n = len(b.recs["tasktypes"])
    bu = b.recs["businessunits"][n % len(b.recs["businessunits"])]
    rec = StoredRecord(
        {
            # AroFlo sends an object, or (AroFlo's TaskTypes example "for a Client") a one-element list.
            "businessunit": org_ref(bu) if n % 3 else [org_ref(bu)],
            "description": "",
            "tasktypeid": b.long_id(),
            "archived": "true" if n == 14 else "false",
            "tasktype": nth_name(names, n),
        },
        {},
        t,
        None,
    )
    rec.hidden["clientid"] = ""  # set when a client is restricted to this type
    return rec


def new_substatus(b: Builder, t: datetime) -> StoredRecord:
    names = (
        "Waiting for Parts",
        "Assigned to Subcontractor",
        "Awaiting Client Approval",
        "Booked",
        "On Hold",
        "Ready to Invoice",
        "Waiting on Access",
        "Quote Sent",
        "Follow Up",
        "Needs Review",
    )
    n = len(b.recs["substatuses"])
    kind = "quote" if n % 3 == 2 else "task"
    main = b.rng.choice(("pending", "in progress", "not started")) if kind == "task" else "in progress"
    return StoredRecord(
        {
            "substatusid": b.short_id(),
            "substatustype": kind,
            "listorder": str(n + 1),
            "mainstatuses": [{"status": main}],
            "description": "",
            "org": org_ref(b.recs["businessunits"][0]),
            "backgroundcolour": b.rng.choice(("#333333", "#D9534F", "#5BC0DE", "#F0AD4E")),
            "archived": "true" if n == 17 else "false",
            "substatus": nth_name(names, n, f"({kind})"),
        },
        {},
        t,
        None,
    )


def new_trackingcentre(b: Builder, t: datetime) -> StoredRecord:
    names = (
        "Labour",
        "Materials",
        "Subcontractor",
        "Freight",
        "Equipment Hire",
        "Travel",
        "Plumbing",
        "Electrical",
        "HVAC",
    )
    n = len(b.recs["trackingcentres"])
    name = nth_name(names, n)
    bu = b.recs["businessunits"][n % len(b.recs["businessunits"])]
    lab = name in ("Labour", "Plumbing", "Electrical", "HVAC")
    return StoredRecord(
        {
            "allowlabour": "true" if lab else "false",
            "allowasset": "false",
            "name": name,
            "businessunit": org_ref(bu),
            "listorder": str(n + 1),
            "datearchived": "",
            "archive": "false",
            "trackingcentreid": b.long_id(),
            "allowfreight": "false" if lab else "true",
            "allowmaterial": "false" if lab else "true",
            "allowexpense": "false" if lab else "true",
            "datecreated": fmt_date(to_local(t)),
        },
        {},
        t,
        None,
    )


def new_inventorycategory(b: Builder, t: datetime) -> StoredRecord:
    names = (
        "Accessories",
        "Adaptable Boxes",
        "Cabling",
        "Cable - Data - Data Cable",
        "Cable - Flexible Cable",
        "Cable - Twin & Earth Cable",
        "Conduit",
        "Corrugated Conduit",
        "Powerpoints",
        "Internal Powerpoints",
        "Plumbing",
        "Valves",
        "Hot Water",
        "Sanitaryware",
        "Pipe & Fittings",
        "Air Conditioning",
        "Safety",
        "Lighting",
        "Switchgear",
        "Gas",
        "Drainage",
        "Fixings",
        "Consumables",
        "Tools",
        "Freight",
    )
    n = len(b.recs["inventorycategories"])
    cats = b.recs["inventorycategories"]
    parent = {"categoryid": "", "categoryname": ""}
    if n in (3, 4, 5):
        parent = {"categoryid": cats[2].data["categoryid"], "categoryname": cats[2].data["categoryname"]}
    elif n in (1, 7, 9):
        parent = {
            "categoryid": cats[n - 1].data["categoryid"],
            "categoryname": cats[n - 1].data["categoryname"],
        }
    return StoredRecord(
        {
            "issoritem": "false",
            "usebustockalert": "false",
            "categoryid": b.long_id(),
            "marginon": "Off",
            "usechstockalert": "false",
            "useusersstockalert": "false",
            "listorder": str(n % 4),
            "parentcategory": parent,
            "defaultmargin": "0",
            "bustockalertlevel": "0",
            "userstockalertlevel": "0",
            "quoteusing": "Cost",
            "chstockalertlevel": "0",
            "categoryname": nth_name(names, n),
        },
        {},
        t,
        None,
    )


def new_customholder(b: Builder, t: datetime) -> StoredRecord:
    names = (
        "Ford Transit Van",
        "Toyota HiAce Van",
        "Isuzu Truck",
        "Main Warehouse",
        "Site Container",
        "Hilux Ute",
        "Service Van 2",
        "Service Van 3",
        "Drainage Trailer",
        "Back Shed",
        "Cage A",
        "Cage B",
    )
    n = len(b.recs["customholders"])
    rec = StoredRecord(
        {
            "customholderid": b.short_id(),
            "archived": "true" if n == 11 else "false",
            "customholdername": nth_name(names, n),
        },
        {},
        t,
        None,
    )
    return rec


def new_assetcategory(b: Builder, t: datetime) -> StoredRecord:
    names = (
        "Engine",
        "Prop Shafts",
        "Props",
        "Split Systems",
        "Hot Water Units",
        "Backflow Devices",
        "Fire Equipment",
        "Pumps",
        "Switchboards",
        "Vehicles",
    )
    n = len(b.recs["assetcategories"])
    cats = b.recs["assetcategories"]
    parent = {"categoryid": "", "categoryname": ""}
    if n in (1, 2):
        parent = {"categoryid": cats[0].data["categoryid"], "categoryname": cats[0].data["categoryname"]}
    return StoredRecord(
        {
            "listorder": str(n),
            "parentcategory": parent,
            "categoryid": b.short_id(),
            "categoryname": nth_name(names, n),
        },
        {},
        t,
        None,
    )
