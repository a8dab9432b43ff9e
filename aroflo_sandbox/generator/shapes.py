"""Small shapes several zones share: a user or business-unit reference, an address, a task summary,
a location as joined, and how a child record's joined shape is attached to its parent. Example::

    user_ref(user)  -> {"userid": "JSZaXyBRTEAgCg==", "username": "Olivia Nguyen"}
"""

from __future__ import annotations

import random
from typing import Any

from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import DT_BLANK


def user_ref(u: StoredRecord) -> dict[str, str]:
    d = u.data
    return {"userid": d["userid"], "username": f"{d['givennames']} {d['surname']}"}


def org_ref(bu: StoredRecord) -> dict[str, str]:
    return {"orgid": bu.data["orgid"], "orgname": bu.data["businessunitname"]}


def address_object(p: dict[str, str], country: str = "AUSTRALIA", gps: bool = True) -> dict[str, str]:
    out = {
        "addressline1": p["street"],
        "addressline2": "",
        "suburb": p["suburb"],
        "state": p["state"],
        "postcode": p["postcode"],
        "country": country,
    }
    if gps:
        out["gpslat"] = p["gpslat"]
        out["gpslong"] = p["gpslong"]
    return out


def address_lines(address: dict[str, str]) -> dict[str, str]:
    """An ``address_object`` as invoices, quotes and purchase orders show it:
    ``{"addressline1": "12 High St", "suburb": ...}`` -> ``{"address1": "12 High St", "address2": "", ...}``
    """
    return {
        "address1": address["addressline1"],
        "address2": "",
        "suburb": address["suburb"],
        "state": address["state"],
        "postcode": address["postcode"],
    }


def task_summary(task: StoredRecord, client_key: str = "orgid") -> dict[str, Any]:
    d = task.data
    client = {
        client_key: d["client"]["clientid"],
        client_key.replace("id", "name"): d["client"]["clientname"],
    }
    return {
        "taskid": d["taskid"],
        "jobnumber": d["jobnumber"],
        "refcode": d["refcode"],
        "taskname": d["taskname"],
        "tasktype": d["tasktype"],
        "requestdate": d["requestdate"],
        "requestdatetime": d["requestdatetime"],
        "completeddate": d["completeddate"],
        "completeddatetime": d["completeddatetime"],
        "client": client,
    }


# The task join of a record linked to no task: AroFlo sends the shape with blank values (Invoices examples).
BLANK_TASK_SUMMARY = {
    "taskid": "",
    "jobnumber": "",
    "refcode": "",
    "taskname": "",
    "tasktype": "",
    "requestdate": "",
    "requestdatetime": DT_BLANK,
    "completeddate": "",
    "completeddatetime": DT_BLANK,
    "client": {"orgid": "", "orgname": ""},
}


def nth_name(names: tuple[str, ...], n: int, suffix: str = "") -> str:
    """The n-th of a list of names, the list again past its end, told apart by `suffix` (default: n):
    `nth_name(("Labour", "Travel"), 1)` -> "Travel", `nth_name(("Labour", "Travel"), 3)` -> "Travel 3"."""
    return names[n % len(names)] + ("" if n < len(names) else f" {suffix or n}")


def abn(rng: random.Random) -> str:
    return f"{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def as_html(text: str) -> str:
    return text if text.startswith("<") else f"<p>{text}</p>"


def without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def attach(
    parent: StoredRecord | None,
    key: str,
    entry: dict[str, Any],
    child: StoredRecord,
    id_field: str = "lineid",
) -> None:
    """Add a child's joined shape to its parent and remember the link (kept in step on
    update/delete)."""
    if parent is None:
        return
    parent.joins.setdefault(key, []).append(entry)
    child.hidden["_parent"] = (parent, key, id_field)


def location_join_shape(d: dict[str, Any]) -> dict[str, Any]:
    return {
        k: d[k]
        for k in (
            "locationid",
            "gpslat",
            "postcode",
            "SiteContact",
            "state",
            "suburb",
            "SiteEmail",
            "customfields",
            "locationname",
            "country",
            "gpslong",
            "address",
            "archived",
            "SitePhone",
        )
    }
