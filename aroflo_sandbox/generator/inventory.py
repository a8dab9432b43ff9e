"""Inventory items, their stock levels (InventoryStockLevels) and InventoryLists."""

from __future__ import annotations

from datetime import datetime

from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import attach, nth_name, org_ref
from aroflo_sandbox.generator.vocabulary import PRODUCT_VARIANTS, PRODUCTS
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import D_BLANK, DT_BLANK, fmt_date, fmt_datetime, money4


def new_item(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    n = b.seq("item", 0)
    maker, stem, cat_i, base = PRODUCTS[n % len(PRODUCTS)]
    variant = PRODUCT_VARIANTS[(n // len(PRODUCTS)) % len(PRODUCT_VARIANTS)]
    extra = n // (len(PRODUCTS) * len(PRODUCT_VARIANTS))
    cats = b.recs["inventorycategories"]
    cat = cats[cat_i % len(cats)].data
    cost = round(base * rng.uniform(0.7, 1.4), 2)
    sell = round(cost * rng.choice((1.0, 1.0, 1.2, 1.35)), 2)
    part = f"{maker[:3].upper()}{rng.randint(100, 999)}{variant[:2].upper()}{extra or ''}-{n}"
    desc = f"{maker} {stem} {variant}" + (f" Mk{extra + 1}" if extra else "")
    data = {
        "stocklevels": [],
        "flexcost": money4(0),
        "createddatetimeutc": fmt_datetime(t),
        "manufacturer": maker,
        "invcmarginon": "COST",
        "supplier": "",
        "useSimplePricing": "1" if rng.random() < 0.9 else "0",
        "taskmarginon": "COST",
        "sell_qte": money4(sell),
        "invcmargin": money4(0),
        "createdutc": fmt_date(t),
        "lastupdatedutc": D_BLANK,
        "costex": money4(cost),
        "description": desc,
        "lastupdateddatetimeutc": DT_BLANK,
        "category": {"categoryid": cat["categoryid"], "categoryname": cat["categoryname"]},
        "partnumber": part,
        "sell_invc": money4(sell),
        "documentsandphotos": [],
        "identifier": ", ".join(w.lower() for w in desc.split()[:5])[:50],
        "itemid": b.long_id(),
        "sell_task": money4(sell),
        "taskmargin": money4(0),
    }
    rec = StoredRecord(data, {"stocklevels": []}, t, None)
    rec.hidden.update(assignedtotype="", isuserarchived="false", ischolderarchived="false")
    return rec


def _stock_holder(b: Builder) -> tuple[str, str, str, StoredRecord]:
    rng = b.rng
    r = rng.random()
    if r < 0.45:
        h = b.choice("businessunits")
        return "org", h.data["orgid"], h.data["businessunitname"], h
    if r < 0.8:
        h = b.choice("users")
        return "user", h.data["userid"], f"{h.data['givennames']} {h.data['surname']}", h
    h = b.choice("customholders")
    return "cholder", h.data["customholderid"], h.data["customholdername"], h


def new_stocklevel(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    for _ in range(50):
        item = b.pick("inventory", t)
        assert item is not None
        kind, hid, hname, holder = _stock_holder(b)
        key = (item.data["itemid"], kind, hid)
        if key not in b.stock_keys:
            break
    assert item is not None
    b.stock_keys.add(key)
    data = {
        "assignedtotype": kind,
        "lastupdateddatetime": "",
        "quantity": money4(rng.choice((0, 0, 1, 2, 5, 10, 25, 40, 100))),
        "assignedtoid": hid,
        "assignedto": hname,
        "lastupdated": "",
        "itemid": item.data["itemid"],
    }
    rec = StoredRecord(data, {}, t, None)
    rec.hidden.update(
        isuserarchived=holder.data.get("archived", "false") if kind == "user" else "false",
        ischolderarchived=holder.data.get("archived", "false") if kind == "cholder" else "false",
        isbuarchived="false",
    )
    if not item.hidden["assignedtotype"]:
        item.hidden.update(
            assignedtotype=kind,
            isuserarchived=rec.hidden["isuserarchived"],
            ischolderarchived=rec.hidden["ischolderarchived"],
        )
    # Joined into Inventory with UTC fields too (AroFlo's Inventory join=stocklevels example).
    attach(
        item,
        "stocklevels",
        {
            "assignedtotype": kind,
            "lastupdatedutc": "",
            "lastupdateddatetime": "",
            "quantity": data["quantity"],
            "assignedtoid": hid,
            "lastupdateddatetimeutc": "",
            "assignedto": hname,
            "lastupdated": "",
        },
        rec,
        "assignedtoid",
    )
    return rec


def new_inventorylist(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    names = (
        "GPO Install",
        "Double GPO install",
        "Downlight Kit",
        "HWS Changeover",
        "Split System Install",
        "Toilet Replacement",
        "Smoke Alarm Compliance",
        "Switchboard Upgrade",
        "Tap Service",
        "Drain Clear",
    )
    n = len(b.recs["inventorylists"])
    items = rng.sample(b.recs["inventory"], min(len(b.recs["inventory"]), rng.randint(2, 5)))
    lines = []
    total = 0.0
    for it in items:
        d = it.data
        qty = rng.choice((1, 1, 2, 5, 10))
        total += qty * float(d["costex"])
        inv = {
            k: d[k]
            for k in (
                "flexcost",
                "manufacturer",
                "invcmarginon",
                "supplier",
                "useSimplePricing",
                "taskmarginon",
                "sell_qte",
                "invcmargin",
                "costex",
                "description",
                "category",
                "partnumber",
                "sell_invc",
                "itemid",
                "sell_task",
                "taskmargin",
            )
        }
        lines.append(
            {
                "quantity": money4(qty),
                "manufacturer": d["manufacturer"],
                "labour_rate": "0",
                "supplier": "",
                "sell_qte": d["sell_qte"],
                "costex": d["costex"],
                "inventoryitem": inv,
                "description": d["description"],
                "use_inventory_pricing": "true",
                "partnumber": d["partnumber"],
                "sell_invc": d["sell_invc"],
                "itemid": d["itemid"],
                "sell_task": d["sell_task"],
            }
        )
    cat = b.choice("inventorycategories").data
    listtype = ("task specific", "assembly", "sor")[n % 3]
    data = {
        "labourrate": "0",
        "invoicecost": money4(total),
        "listid": b.short_id(),
        "taskcost": money4(total),
        "taskusing": "Cost",
        "items": [],
        "listname": nth_name(names, n),
        "quotesell": money4(0),
        "businessunit": org_ref(b.recs["businessunits"][0]),
        "listtype": listtype,
        "cost": money4(0),
        "quotecost": money4(total),
        "sell": money4(0),
        "tasksell": money4(0),
        "category": {"categoryid": cat["categoryid"], "categoryname": cat["categoryname"]},
        "quoteusing": "Cost",
        "invoiceusing": "Cost",
        "invoicesell": money4(0),
    }
    return StoredRecord(data, {"items": lines}, t, None)
