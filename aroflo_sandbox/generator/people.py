"""Users, Clients, Suppliers, Locations, Contacts and ClientNotes: who the business works with and where."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import abn, address_object, attach, location_join_shape, org_ref
from aroflo_sandbox.generator.vocabulary import (
    BUSINESS_KINDS,
    FEATURES,
    GIVEN_NAMES,
    NOTE_FILTERS,
    NOTE_TEXTS,
    SUBURBS,
    SUPPLIER_KINDS,
    SURNAMES,
)
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import D_BLANK, DT_BLANK, fmt_dash, fmt_date, fmt_datetime, fmt_human, to_local


def new_user(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    given, surname = b.person()
    n = b.seq("user", 1)
    pos = b.choice("userposition")
    bu = b.recs["businessunits"][0 if rng.random() < 0.7 else rng.randrange(len(b.recs["businessunits"]))]
    username = f"{given}.{surname}{n if n > 1 else ''}".replace("'", "")
    utc = t
    data = {
        "userid": b.long_id(),
        "username": username,
        "givennames": given,
        "surname": surname,
        "email": f"{username.lower()}@harbourline.example.com.au",
        "email2": "",
        "phone": b.phone(),
        "mobile": b.mobile(),
        "fax": "",
        "position": pos.data["Position"],
        "userposition": {"positionid": pos.data["positionid"], "positionname": pos.data["Position"]},
        "accesstype": rng.choice(("Admin", "Base", "Use Permission Groups", "Use Permission Groups")),
        "archived": "true" if rng.random() < 0.12 else "false",
        "org": org_ref(bu),
        "createdutc": fmt_date(utc),
        "createddatetimeutc": fmt_datetime(utc),
        "lastupdatedutc": D_BLANK,
        "lastupdateddatetimeutc": DT_BLANK,
        "customfields": [],
        "permissiongroups": [],
        "featureaccess": [],
        "trackingcentredefaults": [],
        "notes": [],
        "documentsandphotos": [],
    }
    groups = rng.sample(b.recs["permissiongroups"], rng.randint(1, 3))
    tc = b.choice("trackingcentres").data
    joins = {
        "permissiongroups": [dict(g.data) for g in groups],
        "featureaccess": [
            {
                "featureid": fid,
                "featureDisplayName": name,
                "featurevalue": rng.choice(("TRUE", "TRUE", "Limited", "FALSE")),
            }
            for fid, name in FEATURES
        ],
        "customfields": b.custom_fields() if rng.random() < 0.4 else [],
        "trackingcentredefaults": [
            {"labourtrackingcentreid": tc["trackingcentreid"], "labourtrackingcentrename": tc["name"]}
        ],
        "notes": b.some_notes(t, 0.3),
        "documentsandphotos": b.some_documents(t, 0.3),
    }
    return StoredRecord(data, joins, t, None)


def _organisation(b: Builder, t: datetime, kind: str) -> StoredRecord:
    """Clients and Suppliers share a shape (AroFlo's Clients and Suppliers examples)."""
    rng = b.rng
    given, surname = b.person()
    n = b.seq(kind, 1)
    supplier_type = rng.choice(("wholesaler", "wholesaler", "contractor"))
    for attempt in range(20):  # names are unique in AroFlo (Clients example "Client already exists")
        if kind == "clients":
            name = (
                f"{rng.choice(SURNAMES)} {rng.choice(BUSINESS_KINDS)}"
                if rng.random() < 0.75
                else f"{rng.choice(GIVEN_NAMES)} {rng.choice(SURNAMES)}"
            )
        else:
            kinds = SUPPLIER_KINDS[:6] if supplier_type == "wholesaler" else SUPPLIER_KINDS[6:]
            name = f"{rng.choice(SUBURBS)[0]} {rng.choice(kinds)}"
        if attempt == 19:
            name = f"{name} {n}"
        if name not in b.names:
            break
    b.names.add(name)
    p = b.place()
    local = to_local(t)
    millis = rng.randrange(1000)
    inserted = fmt_dash(local, millis)
    created = inserted if rng.random() < 0.8 else fmt_dash(local.replace(hour=0, minute=0, second=0), 0)
    bu = b.recs["businessunits"][0]
    term = b.choice("transactionterms").data if rng.random() < 0.5 else None
    key, name_key = ("clientid", "clientname") if kind == "clients" else ("supplierid", "suppliername")
    data: dict[str, Any] = {key: b.long_id(), name_key: name}
    if kind == "suppliers":
        data["suppliertype"] = supplier_type
    data.update(
        {
            "shortname": name.replace(" ", "").replace("'", "")[:6],
            "firstname": given,
            "surname": surname,
            "email": f"{given.lower()}@{name.split()[0].lower().replace(chr(39), '')}.example.com.au",
            "phone": b.phone(),
            "mobile": b.mobile() if rng.random() < 0.6 else "",
            "fax": "",
            "website": "",
            "abn": abn(rng) if rng.random() < 0.7 else "",
            # Clients entered or geocoded in the web app have GPS; imported ones and suppliers do not.
            "address": address_object(p, gps=kind == "clients" and rng.random() < 0.6),
            "mailingaddress": address_object(p, gps=False),
            # Integrations reset postable after reading (Clients documentation): old records mostly FALSE.
            "postable": "TRUE" if (b.now - t).days < 60 or rng.random() < 0.15 else "FALSE",
            "datecreated": created,
            "dateinserted": inserted,
            "datetimeinserted": inserted,
            "terms": term["transactionterm"] if term else "",
            "termsnote": "",
            "transactionterms": {
                "transactiontermid": term["transactiontermid"] if term else "",
                "transactionterm": term["transactionterm"] if term else "",
                "transactiontermnote": "",
            },
            "link": {
                "orgid": "",
                "orgname": "",
                "externalid": b.guid().lower() if rng.random() < 0.5 else "",
            },
            "orgs": [{"orgid": bu.data["orgid"], "orgname": bu.data["businessunitname"], "archived": "false"}]
            if kind == "suppliers" or rng.random() < 0.9
            else [],  # a client not linked to a business unit
            "contacts": [],
            "locations": [],
            "customfields": [],
            "notes": [],
            "documentsandphotos": [],
        }
    )
    custom_priorities = kind == "clients" and rng.random() < 0.15
    if kind == "clients":
        data["usecustompriorities"] = "true" if custom_priorities else "false"
        data["priorities"] = []
    joins: dict[str, Any] = {
        "contacts": [],
        "locations": [],
        "notes": [],
        "documentsandphotos": b.some_documents(t, 0.2) if kind == "clients" else [],
        "customfields": b.custom_fields() if rng.random() < 0.3 else [],
    }
    if kind == "clients":
        shown = ("priorityid", "description", "responseminutes", "archived", "shortdescription")
        joins["priorities"] = [
            {k: p.data[k] for k in shown}
            for p in (rng.sample(b.recs["priorities"], 3) if custom_priorities else [])
        ]
    rec = StoredRecord(data, joins, t, None)
    rec.hidden.update(
        archived="true" if rng.random() < 0.05 else "false", locations=[], contacts=[], task_seq=0
    )
    b.index[data[key]] = rec
    types = b.recs["tasktypes"]
    if kind == "clients" and n <= 2 and len(types) > n:  # a couple of types restricted to one client
        types[-n].hidden["clientid"] = data[key]
    return rec


def new_client(b: Builder, t: datetime) -> StoredRecord:
    return _organisation(b, t, "clients")


def posted_client(
    b: Builder,
    t: datetime,
    millis: int,
    posted: dict[str, Any],
    orgs: list[StoredRecord],
    term: StoredRecord | None,
) -> StoredRecord:
    """A client inserted through the API (``writes.py``) at `t` (UTC; `millis`, its milliseconds), shaped as
    the generated clients are: `posted` gives its text fields (trimmed) and both whole addresses, `orgs` its
    business units, `term` its transaction term; the rest is blank or empty. Nothing is drawn from the RNG,
    so a write never changes what the generator makes next. A client written by an integration is not
    postable (AroFlo sets the flag for changes made in its interface)."""
    name = posted["clientname"]
    inserted = fmt_dash(to_local(t), millis)
    data: dict[str, Any] = {
        "clientid": b.long_id(),
        "clientname": name,
        "shortname": posted.get("shortname", name.replace(" ", "").replace("'", "")[:6]),
        **{
            k: posted.get(k, "")
            for k in ("firstname", "surname", "email", "phone", "mobile", "fax", "website")
        },
        "abn": posted.get("abn", ""),
        "address": posted["address"],
        "mailingaddress": posted["mailingaddress"],
        "postable": "FALSE",
        "datecreated": inserted,
        "dateinserted": inserted,
        "datetimeinserted": inserted,
        "terms": term.data["transactionterm"] if term else "",
        "termsnote": posted.get("termsnote", ""),
        "transactionterms": {
            "transactiontermid": term.data["transactiontermid"] if term else "",
            "transactionterm": term.data["transactionterm"] if term else "",
            "transactiontermnote": "",
        },
        "link": {"orgid": "", "orgname": "", "externalid": ""},
        "orgs": [
            {"orgid": o.data["orgid"], "orgname": o.data["businessunitname"], "archived": "false"}
            for o in orgs
        ],
        "contacts": [],
        "locations": [],
        "customfields": [],
        "notes": [],
        "documentsandphotos": [],
        "usecustompriorities": "false",
        "priorities": [],
    }
    joins: dict[str, Any] = {
        key: []
        for key in ("contacts", "locations", "notes", "documentsandphotos", "customfields", "priorities")
    }
    rec = StoredRecord(data, joins, t, None)
    rec.hidden.update(archived="false", locations=[], contacts=[], task_seq=0)
    b.index[data["clientid"]] = rec
    b.names.add(name)
    return rec


def new_supplier(b: Builder, t: datetime) -> StoredRecord:
    return _organisation(b, t, "suppliers")


def new_location(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    r = rng.random()
    owner_zone = "clients" if r < 0.86 else ("suppliers" if r < 0.97 else "businessunits")
    owner = b.pick(owner_zone, t)
    assert owner is not None
    p = b.place()
    given, surname = b.person()
    if owner_zone == "businessunits":
        oid, oname, otype = owner.data["orgid"], owner.data["businessunitname"], "businessunit"
    elif owner_zone == "clients":
        oid, oname, otype = owner.data["clientid"], owner.data["clientname"], "client"
    else:
        oid, oname, otype = owner.data["supplierid"], owner.data["suppliername"], "supplier"
    name = (
        p["street"]
        if rng.random() < 0.7
        else f"{oname} - {rng.choice(('Head Office', 'Depot', 'Unit 4', 'Site B'))}"
    )
    data: dict[str, Any] = {
        "locationid": b.long_id(),
        "locationname": name,
        "address": p["street"],
        "suburb": p["suburb"],
        "state": p["state"],
        "postcode": p["postcode"],
        "country": "Australia",
        "gpslat": p["gpslat"],
        "gpslong": p["gpslong"],
        "archived": "TRUE" if rng.random() < 0.04 else "FALSE",
        "SiteContact": f"{given} {surname}" if rng.random() < 0.6 else "",
        "SiteEmail": f"{given.lower()}.{surname.lower().replace(chr(39), '')}@example.com"
        if rng.random() < 0.4
        else "",
        "SitePhone": b.phone() if rng.random() < 0.5 else "",
        "linkedto": {"linkedtoid": oid, "linkedtoname": oname, "linkedtotype": otype},
        "createdutc": fmt_date(t),
        "createddatetimeutc": fmt_datetime(t),
        "lastupdatedutc": D_BLANK,
        "lastupdateddatetimeutc": DT_BLANK,
        "customfields": [],
        "notes": [],
        "documentsandphotos": [],
    }
    joins = {
        "customfields": b.custom_fields() if rng.random() < 0.25 else [],
        "notes": [],
        "documentsandphotos": [],
    }
    rec = StoredRecord(data, joins, t, None)
    for k in ("clientid", "clientname", "supplierid", "suppliername", "orgid", "orgname"):
        rec.hidden[k] = ""
    prefix = {"client": "client", "supplier": "supplier", "businessunit": "org"}[otype]
    rec.hidden[f"{prefix}id"], rec.hidden[f"{prefix}name"] = oid, oname
    if otype != "businessunit":
        owner.hidden["locations"].append(rec)
    shape = location_join_shape(data)
    shape["customfields"] = joins["customfields"]
    attach(owner, "locations", shape, rec, "locationid")
    return rec


def new_contact(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    owner_zone = "clients" if rng.random() < 0.82 else "suppliers"
    owner = b.pick(owner_zone, t)
    assert owner is not None
    given, surname = b.person()
    oid = owner.data["clientid" if owner_zone == "clients" else "supplierid"]
    oname = owner.data["clientname" if owner_zone == "clients" else "suppliername"]
    data = {
        "userid": b.long_id(),
        "username": b.guid(),
        "givennames": given,
        "surname": surname,
        "email": f"{given.lower()}.{surname.lower().replace(chr(39), '')}@example.com"
        if rng.random() < 0.8
        else "",
        "email2": "",
        "phone": b.phone() if rng.random() < 0.6 else "",
        "mobile": b.mobile(),
        "fax": "",
        "contacttype": "client" if owner_zone == "clients" else "contractor",
        "accesstype": rng.choice(("No Access", "No Access", "Client Portal")),
        "archived": "true" if rng.random() < 0.07 else "false",
        "org": {"orgid": oid, "orgname": oname},
        "customfields": [],
        "notes": [],
        "documentsandphotos": [],
    }
    rec = StoredRecord(data, {"customfields": [], "notes": [], "documentsandphotos": []}, t, None)
    owner.hidden["contacts"].append(rec)
    attach(
        owner,
        "contacts",
        {
            k: data[k]
            for k in (
                "userid",
                "givennames",
                "surname",
                "username",
                "email",
                "email2",
                "phone",
                "mobile",
                "fax",
                "archived",
            )
        },
        rec,
        "userid",
    )
    return rec


def new_clientnote(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    client = b.pick("clients", t)
    user = b.pick("users", t)
    assert client is not None and user is not None
    local = to_local(t)
    content = rng.choice(NOTE_TEXTS)
    data = {
        "noteid": b.long_id(),
        "clientid": client.data["clientid"],
        "content": content,
        "filter": rng.choice(NOTE_FILTERS),
        "sticky": "1" if rng.random() < 0.08 else "0",
        "user": {"userid": user.data["userid"], "username": user.data["username"]},
        "created_utc": fmt_datetime(t),
        "datetimeposted": fmt_datetime(local),
    }
    rec = StoredRecord(data, {}, t, None)
    attach(
        client,
        "notes",
        {
            "noteid": data["noteid"],
            "content": content,
            "filter": data["filter"],
            "dateposted": fmt_date(local),
            "timeposted": fmt_human(local),
            "user": dict(data["user"]),
        },
        rec,
        "noteid",
    )
    return rec
