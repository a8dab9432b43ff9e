"""Invoices (with their lines) and the Payments made against them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import BLANK_TASK_SUMMARY, address_lines, task_summary
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import D_BLANK, DT_BLANK, fmt_date, fmt_datetime, money2, money4, to_local


def _invoice_line(b: Builder, task: StoredRecord | None, tc: dict[str, Any]) -> dict[str, Any]:
    rng = b.rng
    labour = rng.random() < 0.5
    qty = rng.choice((1, 1, 2, 3, 4))
    price = rng.choice((83.0, 95.0, 110.0)) if labour else round(rng.uniform(5, 600), 2)
    total = qty * price
    return {
        "accountcode": "4-1010" if labour else "4-1020",
        "qtybilled": money4(qty),
        "total": money4(total),
        "task": {
            "taskid": task.data["taskid"] if task else "",
            "jobnumber": task.data["jobnumber"] if task else "",
            "webappEncodedID": task.data["webappEncodedID"] if task else "",
        },
        "price": money4(price),
        "itemtype": "Labour" if labour else "Material",
        "transactioncode": "00" if labour else "6",
        "qtyused": money4(qty),
        "taxamount": money2(total * 0.1),
        "description": "Labour" if labour else rng.choice(("Materials", "Parts and fittings", "Callout fee")),
        "lineid": b.long_id(),
        "taxcode": "GST",
        "trackingcentreid": tc["trackingcentreid"],
        "itemid": "",
        "ordercode": "NT" if labour else "",
        "taxrate": "10.00",
    }


def new_invoice(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    task = b.pick("tasks", t, window=120, pred=lambda r: r.data["status"] in ("Completed", "Archived"))
    user = b.pick("users", t)
    assert task is not None and user is not None
    td = task.data
    local = to_local(t)
    age = (b.now - t).days
    status = (
        "processed"
        if age > 45 and rng.random() < 0.85
        else rng.choice(("not started", "pending approval", "approved", "approved"))
    )
    # A few invoices are raised without a task (sold over the counter): the task join is blank.
    invoiced = None if rng.random() < 0.05 else task
    lines = [_invoice_line(b, invoiced, b.choice("trackingcentres").data) for _ in range(rng.randint(1, 4))]
    ex = sum(float(ln["total"]) for ln in lines)
    cl = b.index.get(td["client"]["clientid"])
    p = cl.data["address"] if cl else {"addressline1": "", "suburb": "", "state": "", "postcode": ""}
    proc = to_local(b.after(t, 10)) if status == "processed" else None
    data = {
        "invoiceid": b.long_id(),
        "invoicenumber": str(b.seq("invoice", 10001)),
        "status": status,
        "description": td["taskname"],
        "dateinvoiced": fmt_date(local),
        "duedate": fmt_date(local + timedelta(days=rng.choice((7, 14, 30)))),
        "createdutc": fmt_date(t),
        "createddatetimeutc": fmt_datetime(t),
        "lastupdated": D_BLANK,
        "lastupdateddatetime": DT_BLANK,
        "lastupdatedutc": D_BLANK,
        "lastupdateddatetimeutc": DT_BLANK,
        "lastupdateuser": {"userid": user.data["userid"], "username": user.data["username"]},
        "invoicedbyuser": {"userid": user.data["userid"], "username": user.data["username"]},
        "linkprocesseddate": fmt_date(proc) if proc else D_BLANK,
        "deliverystatus": rng.choice(("To be Printed", "To be Emailed", "Emailed")),
        "partinvoice": "true" if rng.random() < 0.05 else "false",
        "isTaxInclusive": "false",
        "surchargeamount": money2(0),
        "totalex": money2(ex),
        "totalgst": money2(ex * 0.1),
        "totalinc": money2(ex * 1.1),
        "custon": td["custon"],
        "client": {"orgid": td["client"]["clientid"], "orgname": td["client"]["clientname"]},
        "org": dict(td["org"]),
        "address": address_lines(p),
        "link": {
            "orgid": td["client"]["clientid"],
            "orgname": td["client"]["clientname"],
            "externalid": cl.data["link"]["externalid"] if cl else "",
        },
        "task": {},
        "project": {},
        "stage": {},
        "lines": [],
        "notes": [],
        "documentsandphotos": [],
    }
    joins = {
        "lines": lines,
        "task": task_summary(invoiced) if invoiced else dict(BLANK_TASK_SUMMARY),
        "project": dict(invoiced.joins["project"]) if invoiced else {},
        "stage": dict(invoiced.joins["stage"]) if invoiced else {},
        "notes": [],
        "documentsandphotos": [],
    }
    rec = StoredRecord(data, joins, t, None)
    rec.hidden.update(
        taskid=invoiced.data["taskid"] if invoiced else "",
        task_requested=invoiced.hidden["requested_local"] if invoiced else None,
        task_completed=invoiced.hidden["completed_local"] if invoiced else None,
        linkprocessed="true" if proc else "false",
        cusinvoiced="false",
    )
    return rec


def new_payment(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    inv = b.pick("invoices", t, window=150)
    user = b.pick("users", t)
    assert inv is not None and user is not None
    total = float(inv.data["totalinc"])
    amount = total if rng.random() < 0.85 else round(total * rng.uniform(0.2, 0.8), 2)
    method = rng.choice(("Direct Debit", "EFT", "EFT", "Credit Card", "Cheque", "Cash"))
    surcharge = round(amount * 0.015, 2) if method == "Credit Card" else 0.0
    processed = (b.now - t).days > 14 and rng.random() < 0.7
    data = {
        "paymentid": b.long_id(),
        "amount": money4(amount),
        "totalamount": money4(amount + surcharge),
        "surchargeamount": money4(surcharge),
        "surchargepercentage": money4(1.5 if surcharge else 0),
        "datepaid": fmt_date(to_local(t)),
        "paymentmethodname": method,
        "reference": f"INV {inv.data['invoicenumber']}",
        "notes": "",
        "chequenumber": str(rng.randint(100000, 999999)) if method == "Cheque" else "",
        "bankname": "",
        "bankbranch": "",
        "bankcode": "",
        "bankaccountnumber": "",
        "linkprocessed": "true" if processed else "false",
        "datelinkprocessed": fmt_date(to_local(b.after(t, 10))) if processed else D_BLANK,
        "linkedto": {"linkedtoid": inv.data["invoiceid"], "linkedtotype": "invoice"},
        "receivedby": {"userid": user.data["userid"], "username": user.data["username"]},
    }
    return StoredRecord(data, {}, t, None)
