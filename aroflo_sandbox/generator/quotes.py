"""Quotes and their QuoteLineItems."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import address_lines, as_html, attach, task_summary, without
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import D_BLANK, DT_BLANK, fmt_date, fmt_datetime, money2, money4, to_local


def new_quote(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    task = b.pick("tasks", t, window=40)
    est = b.pick("users", t)
    assert task is not None and est is not None
    td = task.data
    local = to_local(t)
    n = b.seq("quote", 1)
    age = (b.now - t).days
    acceptance = rng.choice(
        ("", "Not Sent", "Awaiting Decision", "Accepted", "Accepted", "Declined", "Need More Information")
    )
    if age > 60 and acceptance in ("Not Sent", "Awaiting Decision"):
        acceptance = rng.choice(("Accepted", "Declined"))
    status = (
        "Approved"
        if acceptance == "Accepted"
        else (
            "Archived"
            if age > 365 and rng.random() < 0.5
            else rng.choice(("In Progress", "Pending Approval"))
        )
    )
    due = local + timedelta(days=rng.randint(7, 30))
    approved = to_local(b.after(t, 20)) if status == "Approved" else None
    rejected = to_local(b.after(t, 30)) if acceptance == "Declined" else None
    accepted = approved
    expiry = local + timedelta(days=30) if acceptance not in ("", "Not Sent") else None  # once sent
    client = {"orgid": td["client"]["clientid"], "orgname": td["client"]["clientname"]}
    cl = b.index.get(client["orgid"])
    p = cl.data["address"] if cl else {"addressline1": "", "suburb": "", "state": "VIC", "postcode": ""}
    sub = b.choice("substatuses").data if rng.random() < 0.2 else None

    def dpair(prefix: str, when: datetime | None) -> dict[str, str]:
        return {
            f"{prefix}date": fmt_date(when) if when else D_BLANK,
            f"{prefix}datetime": fmt_datetime(when) if when else DT_BLANK,
        }

    data: dict[str, Any] = {
        "quoteid": b.long_id(),
        "quotename": f"{td['taskname']} - {td['client']['clientname']}",
        "jobnumber": td["jobnumber"],
        "refno": f"Q{n:05d}",
        "custon": td["custon"],
        "status": status,
        "acceptancestatus": acceptance,
        "type": rng.choice(("Detailed", "Simple")),
        "description": "Supply and install as discussed",
        "taskdescription": as_html(td["description"]),
        **dpair("created", local),
        **dpair("due", due),
        **dpair("approved", approved),
        **dpair("rejected", rejected),
        **dpair("acceptance", accepted),
        **dpair("acceptanceexpiry", expiry),
        "client": client,
        "org": dict(td["org"]),
        "task": task_summary(task),
        "address": address_lines(p),
        "contactname": td["contactname"],
        "contactphone": td["contactphone"],
        "estimator": {k: est.data[k] for k in ("userid", "givennames", "surname")}
        if rng.random() < 0.7
        else {},
        "acceptedby": {"userid": td["contact"]["userid"], "username": td["contactname"]} if accepted else {},
        "substatus": {"substatusid": sub["substatusid"], "substatus": sub["substatus"]}
        if sub
        else {"substatusid": "", "substatus": ""},
        # The placeholders of the project join, as AroFlo's Quotes examples show them.
        "project": {"location": {}, "projectid": ""},
        "stage": {"stageid": ""},
        "subtotal": money2(0),
        "totalex": money2(0),
        "totaltax": money2(0),
        "totalinc": money2(0),
        "totalprofit": money2(0),
        "totalprofitmarginpercent": money2(0),
        "labourcostex": money2(0),
        "materialcostex": money2(0),
        "allowancecostex": money2(0),
        "overallmarkuppercent": money2(20),
        "totalhours": money2(0),
        "istaxinclusive": "false",
        "exclusions": "",
        "lines": [],
        "notes": [],
        "documentsandphotos": [],
    }
    del data["task"]["completeddate"], data["task"]["completeddatetime"]
    joins: dict[str, Any] = {
        "lines": [],
        "notes": b.some_notes(t, 0.3),
        "documentsandphotos": b.some_documents(t, 0.2),
        "project": dict(task.joins["project"]),
        "stage": dict(task.joins["stage"]),
    }
    rec = StoredRecord(data, joins, t, None)
    # The task's quote join shows its (latest) quote's totals (AroFlo's Tasks join=quote example); kept in
    # step by _sum_quote.
    rec.hidden["task"] = task
    task.hidden["quote"] = rec
    task.joins["quote"] = {
        "totalex": "0.00",
        "totalinc": "0.00",
        "totaltax": "0.00",
        "estimator": data["estimator"],
    }
    return rec


def _sum_quote(quote: StoredRecord) -> None:
    lines = [ln for ln in quote.joins["lines"] if ln["itemtype"] != "Heading"]
    ex = sum(float(ln["totalex"]) for ln in lines)
    tax = sum(float(ln["totaltax"]) for ln in lines)
    lab = sum(float(ln["labourtotal"]) for ln in lines)
    mat = sum(float(ln["cost"]) * float(ln["qty"]) for ln in lines if ln["itemtype"] == "Material")
    d = quote.data
    d["subtotal"] = d["totalex"] = money2(ex)
    d["totaltax"], d["totalinc"] = money2(tax), money2(ex + tax)
    d["labourcostex"], d["materialcostex"] = money2(lab), money2(mat)
    d["totalprofit"] = money2(ex - (lab * 0.55 + mat))
    d["totalprofitmarginpercent"] = money2((ex - (lab * 0.55 + mat)) / ex * 100 if ex else 0)
    d["totalhours"] = money2(sum(float(ln["qty"]) for ln in lines if ln["itemtype"] == "Labour"))
    task = quote.hidden.get("task")
    if task is not None and task.hidden.get("quote") is quote:
        task.joins["quote"].update(totalex=d["totalex"], totalinc=d["totalinc"], totaltax=d["totaltax"])


def new_quoteline(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    quote = b.pick("quotes", t, window=30)
    assert quote is not None
    kind = rng.choice(("Material", "Material", "Material", "Labour"))
    if not quote.joins["lines"] and rng.random() < 0.3:
        kind = "Heading"
    parent = ""
    headings = [ln for ln in quote.joins["lines"] if ln["itemtype"] == "Heading"]
    if kind != "Heading" and headings and rng.random() < 0.6:
        parent = rng.choice(headings)["lineid"]
    item = b.pick("inventory", t) if kind == "Material" and rng.random() < 0.7 else None
    qty = 0 if kind == "Heading" else rng.choice((1, 1, 2, 3, 4, 6, 10))
    cost = (
        float(item.data["costex"]) if item else (0.0 if kind == "Heading" else round(rng.uniform(5, 400), 2))
    )
    rate = 95.0 if kind == "Labour" else 0.0
    sell = round(rate if kind == "Labour" else cost * 1.2, 2)
    ex = round(qty * sell, 2)
    tax = round(ex * 0.1, 2)
    data = {
        "lineid": b.long_id(),
        "parentlineid": parent,
        "itemid": item.data["itemid"] if item else "",
        "item": item.data["description"]
        if item
        else (
            "Section" if kind == "Heading" else "Labour - Installation" if kind == "Labour" else "Sundries"
        ),
        "partno": item.data["partnumber"] if item else "",
        "itemtype": kind,
        "qty": money4(qty),
        "cost": money4(cost if kind != "Labour" else rate * 0.55),
        "sell": money4(sell),
        "markup": money2(20),
        "labourunitrate": money4(rate),
        "labourtotal": money2(qty * rate),
        "labourmarkup": money2(0),
        "taxcode": "GST",
        "taxrate": "10.00",
        "totalex": money2(ex),
        "totaltax": money2(tax),
        "totalinc": money2(ex + tax),
        "isapproved": "true" if quote.data["status"] == "Approved" else "false",
        "isoptional": "true" if rng.random() < 0.05 else "false",
        "optiongroupname": "",
        "takeoffname": "",
        "worktype": "NT" if kind == "Labour" else "",
        "worktypevalue": money4(rate) if kind == "Labour" else "",
        "quote": {"quoteid": quote.data["quoteid"], "quotename": quote.data["quotename"]},
    }
    rec = StoredRecord(data, {}, t, None)
    rec.hidden["daterecorded"] = to_local(t)  # DateRecorded (the zone's documented default filter)
    attach(quote, "lines", without(data, "quote"), rec)
    _sum_quote(quote)
    return rec
