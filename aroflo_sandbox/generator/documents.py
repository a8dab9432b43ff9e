"""DocumentsAndPhotos, the MessageBoard and MessageTemplates."""

from __future__ import annotations

from datetime import datetime

from aroflo_sandbox import files
from aroflo_sandbox.generator.builder import Builder
from aroflo_sandbox.generator.shapes import as_html, org_ref
from aroflo_sandbox.generator.vocabulary import NOTE_TEXTS, TEMPLATE_NAMES
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import fmt_date, to_local


def new_document(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    user = b.pick("users", t)
    assert user is not None
    cats = (
        ("IyZKQyQK", "Marketing"),
        ("IyZKQyUK", "Safety"),
        ("IyZKQyYK", "Policies"),
        ("IyZKQycK", "Forms"),
    )
    cid, cname = rng.choice(cats)
    doc = b.attachment(t, user)
    doc["name"] = (
        f"{rng.choice(('SWMS', 'Policy', 'Brochure', 'Form', 'Induction'))}_{b.seq('doc', 1)}."
        f"{rng.choice(('pdf', 'pdf', 'docx', 'xlsx', 'jpg'))}"
    )
    doc["comment"] = rng.choice(("", "", "Current version", "Superseded"))
    data = {
        k: doc[k]
        for k in (
            "documentid",
            "name",
            "comment",
            "filter",
            "sizeinbytes",
            "uploadeddatetime",
            "uploadedbyuser",
        )
    }
    data["category"] = {"categoryid": cid, "categoryname": cname}
    data["url"] = doc["url"]
    ref = files.ref_of(doc["url"])
    assert ref is not None
    data["sizeinbytes"] = str(files.directory_file_size(ref))  # the file the sandbox serves at the link
    return StoredRecord(data, {}, t, None)


def new_message(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    user = b.pick("users", t)
    assert user is not None
    subjects = (
        "Toolbox meeting Friday",
        "New van allocation",
        "Christmas shutdown dates",
        "Price increase notice",
        "Safety alert: ladders",
        "Welcome our new apprentice",
        "Timesheets due Monday",
        "Software update",
    )
    data = {
        "messageid": b.short_id(),
        "message": as_html(rng.choice(NOTE_TEXTS)),
        "filtertype": rng.choice(("Internal Only", "Show All")),
        "subject": rng.choice(subjects),
        "lastupdated": "",
        "postedby": f"{user.data['givennames']} {user.data['surname']}",
        "dateposted": fmt_date(to_local(t)),
        "specificfilter": {"specificfilterid": "", "specificfiltername": ""},
    }
    return StoredRecord(data, {}, t, None)


def new_messagetemplate(b: Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    n = b.seq("template", 1)
    html = rng.random() < 0.5
    return StoredRecord(
        {
            "createdutc": fmt_date(t),
            "formattype": "HTML" if html else "Text",
            "org": org_ref(b.recs["businessunits"][0]),
            "templateid": b.long_id(),
            "templatetext": "<p>Hi [Reported By/Contact], your job [Job Number] is booked for "
            "[Schedule Date @ Time].</p>"
            if html
            else '{"jobnumber": "[Job Number]", "client": "[Client Name]", "task": "[Task]"}',
            "templatename": f"{rng.choice(TEMPLATE_NAMES)} {n}",
            "templatesubject": rng.choice(("Your booking", "Reminder: [Task]", "", "Quote [Job Number]")),
        },
        {},
        t,
        None,
    )
