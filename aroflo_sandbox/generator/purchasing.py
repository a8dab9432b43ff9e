"""PurchaseOrders, WorkOrders with their WorkOrderLineItems, and Bills with their BillLineItems."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import address_lines, attach, org_ref, task_summary, user_ref, without
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import D_BLANK, DT_BLANK, fmt_date, fmt_datetime, money2, money4, to_local


def _po_line(b: Builder, task: StoredRecord | None, t: datetime) -> dict[str, Any]:
    rng = b.rng
    item = b.pick("inventory", t) if rng.random() < 0.7 else None
    qty = rng.choice((1, 1, 2, 3, 5, 10))
    cost = float(item.data["costex"]) if item else round(rng.uniform(5, 300), 2)
    desc = item.data["description"] if item else "an ad-hoc item"
    return {
        "accountcode": "1-1800" if item else "5-1021",
        "qtybilled": money4(qty if rng.random() < 0.8 else 0),
        "total": money4(qty * cost),
        "price": money4(cost),
        "qtyordered": money4(qty),
        "partno": item.data["partnumber"] if item else "",
        "transactioncode": "6",
        "item": desc,
        "taxamount": f"{qty * cost * 0.1:.8f}",
        "taskid": task.data["taskid"] if task else "",
        "cost": money4(cost),
        "description": desc,
        "taskisused": "true" if task else "false",
        "lineid": b.long_id(),
        "taxcode": "GST",
        "taskqtyused": str(qty) if task else "",
        "itemid": item.data["itemid"] if item else "",
        "taxrate": "10.00",
    }


def new_purchaseorder(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    sup = b.pick("suppliers", t, pred=lambda r: r.data["suppliertype"] == "wholesaler")
    task = b.pick("tasks", t, window=80) if rng.random() < 0.85 else None
    user = b.pick("users", t)
    assert sup is not None and user is not None
    local = to_local(t)
    age = (b.now - t).days
    status = (
        "processed"
        if age > 60 and rng.random() < 0.8
        else rng.choice(("in progress", "pending approval", "approved"))
    )
    lines = [_po_line(b, task, t) for _ in range(rng.randint(1, 5))]
    ex = sum(float(ln["total"]) for ln in lines)
    bu = b.recs["businessunits"][0]
    delivery = local + timedelta(days=rng.randint(1, 10)) if rng.random() < 0.5 else None
    sd = sup.data
    data = {
        "org": org_ref(bu),
        "supplier": {"orgid": sd["supplierid"], "orgname": sd["suppliername"]},
        "supplierinvoicenumber": f"SI{rng.randint(100000, 999999)}" if status == "processed" else "",
        "lines": [],
        "totalex": money2(ex),
        "tasks": [],
        "notes": [],
        "status": status,
        "purchasedate": fmt_date(local),
        "ordernumber": f"{b.seq('po', 1001):06d}",
        "documentsandphotos": [],
        "link": {
            "orgid": sd["supplierid"],
            "orgname": sd["suppliername"],
            "externalid": sd["link"]["externalid"],
        },
        "duedate": fmt_date(local + timedelta(days=rng.choice((0, 7, 14, 30)))),
        "purchasedbyuser": user_ref(user),
        "dateinvoiced": fmt_date(local) if status == "processed" else D_BLANK,
        "deliverybydate": fmt_date(delivery) if delivery else D_BLANK,
        "projects": [],
        "totalinc": money2(ex * 1.1),
        "deliverybydatetime": fmt_datetime(delivery) if delivery else DT_BLANK,
        "datereceived": fmt_date(to_local(b.after(t, 7))) if status in ("approved", "processed") else D_BLANK,
        "deliveryinstructions": rng.choice(("", "", "Leave at rear dock", "Call on arrival")),
        "isTaxInclusive": "true" if rng.random() < 0.1 else "false",
        "purchaseorderid": b.long_id(),
        "address": address_lines(bu.data["address"]),
        "acceptancestatus": "",
    }
    project = task.joins["project"] if task else {}
    stage = task.joins["stage"] if task else {}
    joins: dict[str, Any] = {
        "lines": lines,
        "tasks": [_po_task(task)] if task else [],
        "documentsandphotos": b.some_documents(t, 0.2),
        # A purchase order's project names the task's stage too (PurchaseOrders example "with Project").
        "projects": [{**project, "stagename": stage.get("stagename", "")}] if project else [],
    }
    rec = StoredRecord(data, joins, t, None)
    rec.hidden.update(
        adhocsupplier="false",
        linkprocessed="true" if status == "processed" else "false",
        task_requested=task.hidden["requested_local"] if task else None,
        task_completed=task.hidden["completed_local"] if task else None,
    )
    if task is not None:
        task.joins["purchaseorders"].append({"purchaseorderid": data["purchaseorderid"]})
    return rec


def _po_task(task: StoredRecord) -> dict[str, Any]:
    """A purchase order's `tasks` join entry: the task summary with its link-processed state."""
    d = task.data
    return {
        **task_summary(task),
        "linkprocessed": d["linkprocessed"],
        "linkprocesseddate": d["linkprocesseddate"],
        "webappEncodedID": d["webappEncodedID"],
    }


def _brief_task(task: dict[str, Any]) -> dict[str, Any]:
    """A work order's or bill's `tasks` join entry, from a task or its summary (AroFlo's WorkOrders example
    "with tasks")."""
    return {k: task[k] for k in ("taskid", "jobnumber", "taskname")}


def new_workorder(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    sub = b.pick("suppliers", t, pred=lambda r: r.data["suppliertype"] == "contractor")
    task = b.pick("tasks", t, window=80)
    user = b.pick("users", t)
    assert sub is not None and task is not None and user is not None
    local = to_local(t)
    age = (b.now - t).days
    status = (
        "Processed"
        if age > 60 and rng.random() < 0.7
        else rng.choice(("In Progress", "Pending Approval", "Approved"))
    )
    acceptance = rng.choice(("", "Not Sent", "Awaiting Decision", "Accepted", "Accepted", "Declined"))
    required = local + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
    approved = to_local(b.after(t, 10)) if status in ("Approved", "Processed") else None
    accepted = to_local(b.after(t, 5)) if acceptance == "Accepted" else None
    processed = to_local(b.after(t, 30)) if status == "Processed" else None
    loc = task.data["tasklocation"]
    n = b.seq("workorder", 1001)
    data = {
        "location": {"locationid": loc["locationid"], "locationname": loc["locationname"]},
        "processeddate": fmt_date(processed) if processed else D_BLANK,
        "org": dict(task.data["org"]),
        "workorderid": b.long_id(),
        "approveddate": fmt_date(approved) if approved else D_BLANK,
        "lines": [],
        "processeddatetime": fmt_datetime(processed) if processed else DT_BLANK,
        "totalex": money2(0),
        "tasks": [],
        "createddate": fmt_date(local),
        "notes": [],
        "status": status,
        "requiredbydatetime": fmt_datetime(required),
        "description": "<p>Need you to go do some work for me.</p>",
        "refno": str(n),
        "documentsandphotos": [],
        "totaltax": money2(0),
        "acceptanceexpirydate": fmt_date(local + timedelta(days=14)) if acceptance else D_BLANK,
        "acceptanceexpirydatetime": fmt_datetime(local + timedelta(days=14)) if acceptance else DT_BLANK,
        "approveddatetime": fmt_datetime(approved) if approved else DT_BLANK,
        "totalinc": money2(0),
        "bills": [],
        "contractor": {"orgid": sub.data["supplierid"], "orgname": sub.data["suppliername"]},
        "workordernumber": str(n),
        "acceptedby": {
            "userid": "",
            "username": f"{sub.data['firstname']} {sub.data['surname']}" if accepted else "",
        },
        "acceptancedatetime": fmt_datetime(accepted) if accepted else DT_BLANK,
        "createddatetime": fmt_datetime(local),
        "acceptancestatus": acceptance,
        "sentby": {"userid": "", "username": f"{user.data['givennames']} {user.data['surname']}"},
        "acceptancedate": fmt_date(accepted) if accepted else D_BLANK,
        "requiredbydate": fmt_date(required),
    }
    joins = {
        "lines": [],
        "tasks": [_brief_task(task.data)],
        "bills": [],
        "documentsandphotos": b.some_documents(t, 0.2),
        "notes": b.some_notes(t, 0.3),
    }
    return StoredRecord(data, joins, t, None)


def _sum_lines(parent: StoredRecord, ex_key: str, tax_key: str) -> None:
    lines = parent.joins["lines"]
    ex = sum(float(ln[ex_key]) for ln in lines)
    tax = sum(float(ln[tax_key]) for ln in lines)
    d = parent.data
    d["totalex"] = money2(ex)
    d["totalinc"] = money2(ex + tax)
    d["totaltax" if "totaltax" in d else "totalgst"] = money2(tax)


def new_workorderline(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    wo = b.pick("workorders", t, window=30)
    assert wo is not None
    item = b.pick("inventory", t) if rng.random() < 0.6 else None
    qty = rng.choice((1, 2, 4, 8, 10))
    cost = float(item.data["costex"]) if item else round(rng.uniform(20, 150), 2)
    ex = round(qty * cost, 2)
    task_id = wo.joins["tasks"][0]["taskid"] if wo.joins["tasks"] else ""
    data = {
        "qtybilled": money4(qty if rng.random() < 0.7 else 0),
        "qtyordered": money4(qty),
        "workorder": {"workorderid": wo.data["workorderid"], "workordernumber": wo.data["workordernumber"]},
        "totalinc": money2(ex * 1.1),
        "itemtype": "Material" if item else rng.choice(("Labour", "Material")),
        "partno": item.data["partnumber"] if item else "",
        "qtyused": money4(qty),
        "totalex": money2(ex),
        "item": item.data["description"] if item else "Subcontract labour",
        "taskid": task_id,
        "cost": money4(cost),
        "isbilled": "true" if rng.random() < 0.5 else "false",
        "lineid": b.long_id(),
        "taxcode": "GST",
        "trackingcentreid": b.choice("trackingcentres").data["trackingcentreid"],
        "totaltax": money2(ex * 0.1),
        "itemid": item.data["itemid"] if item else "",
        "taxrate": "10.00",
    }
    rec = StoredRecord(data, {}, t, None)
    rec.hidden["wo_created_utc"] = wo.created_utc  # wo_order.created_UTC (documented default filter)
    attach(wo, "lines", without(data, "workorder"), rec)
    _sum_lines(wo, "totalex", "totaltax")
    return rec


def new_bill(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    wo = b.pick("workorders", t, window=60) if rng.random() < 0.2 else None
    po = None if wo is not None else b.pick("purchaseorders", t, window=100)
    user = b.pick("users", t)
    assert user is not None
    supplier = po.data["supplier"] if po else (wo.data["contractor"] if wo else {"orgid": "", "orgname": ""})
    supplier_id, name = supplier["orgid"], supplier["orgname"]
    local = to_local(t)
    age = (b.now - t).days
    status = (
        "processed"
        if age > 45 and rng.random() < 0.8
        else rng.choice(("in progress", "pending approval", "approved"))
    )
    data: dict[str, Any] = {
        "dateinvoiced": fmt_date(local),
        "billnumber": f"{rng.randint(10, 99)}-{rng.randint(10000, 99999)}",
        "workorder": {
            "workorderid": wo.data["workorderid"] if wo else "",
            "workordernumber": wo.data["workordernumber"] if wo else "",
        },
        "org": org_ref(b.recs["businessunits"][0]),
        "totalinc": money2(0),
        "billid": b.long_id(),
        # Older bills name the supplier as well (AroFlo's Bills example "Approved Bills").
        "supplier": {"orgid": supplier_id} if rng.random() < 0.8 else {"orgid": supplier_id, "orgname": name},
        "lines": [],
        "totalex": money2(0),
        "tasks": [],
        "notes": [],
        "status": status,
        "isTaxInclusive": "0",
        "lastupdatedutc": D_BLANK,
        "surchargeamount": money2(0),
        "description": "",
        "lastupdateddatetimeutc": DT_BLANK,
        "address": {"postcode": "", "state": "VIC", "suburb": "", "address1": "", "address2": ""},
        "documentsandphotos": [],
        "totalgst": money2(0),
        "purchaseorder": {
            "purchaseorderid": po.data["purchaseorderid"] if po else "",
            "ordernumber": po.data["ordernumber"] if po else "",
        },
        "duedate": fmt_date(local + timedelta(days=30)),
        "lastupdateuser": {"userid": user.data["userid"], "username": user.data["username"]},
    }
    parent = po or wo
    tasks = [_brief_task(entry) for entry in parent.joins["tasks"]] if parent else []
    joins = {"lines": [], "tasks": tasks, "notes": [], "documentsandphotos": []}
    rec = StoredRecord(data, joins, t, None)
    rec.hidden["linkprocessed_local"] = to_local(b.after(t, 10)) if status == "processed" else None
    rec.hidden["task_ids"] = [x["taskid"] for x in tasks]
    if wo is not None:
        wo.joins["bills"].append({"billid": data["billid"], "billnumber": data["billnumber"]})
    return rec


def new_billline(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    bill = b.pick("bills", t, window=40)
    assert bill is not None
    item = b.pick("inventory", t) if rng.random() < 0.7 else None
    qty = rng.choice((1, 1, 2, 3, 5))
    price = float(item.data["costex"]) if item else round(rng.uniform(5, 500), 2)
    total = qty * price
    task_ids = bill.hidden["task_ids"]
    data = {
        "total": money4(total),
        "accountcode": "1-1800" if item else "5-1021",
        "price": money4(price),
        "qtyreceived": money4(qty),
        "billid": bill.data["billid"],
        "taxamount": money2(total * 0.1),
        "taskid": rng.choice(task_ids) if task_ids else "",
        "description": item.data["description"]
        if item
        else rng.choice(("Perform XYZ @ ABC", "Freight", "Sundries")),
        "lineid": b.long_id(),
        "taxcode": "GST",
        "qty": money4(qty),
        "itemid": item.data["itemid"] if item else "",
        "ordercode": item.data["partnumber"] if item else "",
        "taxrate": "10.00",
    }
    rec = StoredRecord(data, {}, t, None)
    shape = without(data, "billid", "qtyreceived")
    shape["itemtype"] = "Material" if item or rng.random() < 0.8 else "Freight"
    attach(bill, "lines", shape, rec)
    lines = bill.joins["lines"]
    ex = sum(float(ln["total"]) for ln in lines)
    tax = sum(float(ln["taxamount"]) for ln in lines)
    bill.data.update(totalex=money2(ex), totalgst=money2(tax), totalinc=money2(ex + tax))
    return rec
