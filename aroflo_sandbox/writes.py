"""Writes through the API: what a POST of clients or of task notes does to the account, and AroFlo's answer.

AroFlo documents a POSTXML per zone; the sandbox models the two writes destination-aroflo makes, as strictly
as it models reads (docs/sandbox.md#writes):

* ``zone=clients``: ``<clients><client>...</client>...</clients>``, an insert for each client without a
  ``clientid``, an update for each with one (AroFlo's Clients zone documentation, "POSTXML Variable
  definition", "POST Create Client", "POST Update Client primary contact phone");
* ``zone=tasks``: notes added to existing tasks, ``<tasks><task><taskid/><notes><note>...`` (the Tasks zone
  documentation, "POSTXML variable definition", "POST Insert Notes to Task").

``apply(dataset, zone, postxml, at)`` reads the postxml, checks each record against the definition, commits
the valid ones in posted order (a later record sees an earlier one: two new clients of one name clash) and
returns AroFlo's ``postresults``: each record echoed with its posted fields, trimmed, plus the new
``clientid`` or an ``error``, and an ``errors`` entry per refused record. The server (``server.py``) has
authenticated and counted the call before. A value is read as AroFlo reads it, CDATA included, its
surrounding whitespace trimmed (the Create Client example posts ``<![CDATA[ A Test Client ]]>`` and echoes
"A Test Client")::

    >>> [value(e, []) for e in records("<clients><client><clientname><![CDATA[ A Test Client ]]></clientname>"
    ...                                "</client></clients>", "clients", "client")[0]]
    ['A Test Client']
    >>> records("<clients><client>", "clients", "client")
    Traceback (most recent call last):
    ...
    aroflo_sandbox.writes.PostxmlError: postxml is not well-formed XML (no element found: line 1, column 17)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aroflo_sandbox.dataset import Dataset
from aroflo_sandbox.generator.people import posted_client
from aroflo_sandbox.records import StoredRecord
from aroflo_sandbox.values import fmt_date, fmt_datetime, fmt_human, to_local
from aroflo_sandbox.zones import ZONES

# ---- AroFlo's POSTXML definitions (Clients and Tasks zone documentation) -----------------------------------

# A client's text fields and their documented STRING(n) lengths.
CLIENT_TEXT = {
    "clientname": 50, "firstname": 50, "surname": 50, "abn": 50, "shortname": 6, "phone": 50, "mobile": 50,
    "fax": 50, "email": 250, "website": 1000, "termsnote": 50,
}  # fmt: skip
CLIENT_VALUES = ("postable", "gpslat", "gpslong")  # BOOLEAN, FLOAT, FLOAT
ADDRESS_TEXT = {
    "addressline1": 150,
    "addressline2": 150,
    "suburb": 100,
    "state": 50,
    "postcode": 10,
    "country": 50,
}
ADDRESSES = ("address", "mailingaddress")
TERM_TEXT = {"transactiontermid": None, "transactionterm": 50}  # an AroFlo ID, a STRING(50)
REQUIRED = ("clientname", "firstname", "surname")  # "INSERT required"
# "By update the phone, fax, mobile or email keys, we are actually updating the values on the Client's Primary
# Contact" (POST Update Client primary contact phone).
PRIMARY_CONTACT = ("phone", "mobile", "fax", "email")
NOT_MODELLED = ("locations", "contacts", "customfields", "link")  # documented; the sandbox refuses them
NOT_WRITABLE = ("datecreated", "dateinserted", "datetimeinserted")  # documented without INSERT or UPDATE
# A note's filter (STRING(50), one of five names, any case: the example posts "internal admin only") and the
# code the POST's echo shows for it: "4" and "0" are the example's, the other three the sandbox's choice.
NOTE_FILTERS = {
    name.lower(): (name, code)
    for name, code in (
        ("Internal Only", "0"), ("Show Client", "1"), ("Show Contractor", "2"), ("Show All", "3"),
        ("Internal Admin Only", "4"),
    )
}  # fmt: skip
# Who a note posted through the API shows as its user: the notes "POST Insert Notes to Task" posted appear in
# the Tasks example "Get Tasks with notes" (the same task) with a blank user.
API_USER = {"userid": "", "username": ""}

# AroFlo's answer to a client name that is taken (POST Create Client, "ERROR: Client already exists").
CLASH = "Client already exists in AroFlo. Please use another name."
CLASH_ERROR = {
    "message": "Unable to make changes to Database",
    "code": "209",
    "detail": "Client already exists",
    "type": "Database",
}
REQUIRED_TEXT = "All Required fields need to be supplied"  # the detail an integrator saw with code 106
SEPARATE_CALLS = (
    "Updates and Inserts are separate operations and so must be sent to AroFloAPI as different calls"
)
_FLOAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class PostxmlError(ValueError):
    """The postxml as a whole cannot be read: nothing of it is written."""


@dataclass
class Outcome:
    """What a POST did: AroFlo's ``postresults`` and how many records it posted and wrote (the stats)."""

    results: dict[str, Any]
    posted: int = 0  # clients, or notes, in the postxml
    written: int = 0  # clients inserted or updated, notes added


def apply(dataset: Dataset, zone: str, postxml: str | None, at: datetime) -> Outcome:
    """Commit a POST's postxml for `zone` (a zone= value the server knows) at `at` (naive UTC)."""
    key = zone.lower()
    if key not in ("clients", "tasks"):
        return Outcome(postresults(ZONES[key].record_key, [], [], [not_modelled(f"zone={zone}")]))
    if not (postxml or "").strip():
        return Outcome(postresults(key, [], [], [invalid("No postxml was supplied")]))
    try:
        elements = records(str(postxml), key, key.removesuffix("s"))
    except PostxmlError as error:
        return Outcome(postresults(key, [], [], [invalid(str(error))]))
    if key == "clients":
        return _Clients(dataset, at).post(elements)
    return _Notes(dataset, at).post(elements)


# ---- answers -----------------------------------------------------------------------------------------------


def postresults(
    key: str,
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    errors: list[dict[str, str]],
    inserted: int | None = None,
) -> dict[str, Any]:
    """AroFlo's ``postresults``, its counters as its examples send them (see ``total``): the records echoed,
    or for task notes (`inserted`) the notes written.

    >>> postresults("clients", [], [{"clientid": "JCQ6WyBRICAgCg==", "postable": "false"}], [])
    ... # doctest: +NORMALIZE_WHITESPACE
    {'updatetotal': 1, 'errors': [], 'updates': {'clients': [{'clientid': 'JCQ6WyBRICAgCg==',
     'postable': 'false'}]}, 'inserttotal': '0', 'inserts': {'clients': []}}
    """
    return {
        "updatetotal": total(len(updates)),
        "errors": errors,
        "updates": {key: updates},
        "inserttotal": total(len(inserts) if inserted is None else inserted),
        "inserts": {key: inserts},
    }


def total(count: int) -> int | str:
    """A counter as AroFlo's examples send it: a number, and none as the string "0" (they mix the two; a
    client must read both)."""
    return count if count else "0"


def invalid(detail: str) -> dict[str, str]:
    """The ``errors`` entry of a refused record or postxml: the code and message an integrator saw for invalid
    XML and missing required fields; the detail says what is wrong (AroFlo documents no such texts)."""
    return {"message": "Data Supplied in XML is invalid", "code": "106", "detail": detail, "type": "XML"}


def not_modelled(what: str) -> dict[str, str]:
    """The ``errors`` entry of a POST the sandbox does not model (nothing is written)."""
    return {
        "message": "Not modelled by the sandbox",
        "code": "999",
        "detail": f"The sandbox models writes of clients and task notes only, not {what}: nothing written.",
        "type": "Sandbox",
    }


# ---- reading a postxml -------------------------------------------------------------------------------------


def records(postxml: str, root: str, item: str) -> list[ET.Element]:
    """The `item` elements of a `<root>` postxml. A DOCTYPE or entity declaration is refused, as is anything
    but `item` elements under the root."""
    if _DECLARATION.search(postxml):
        raise PostxmlError("postxml may not declare a DOCTYPE or entities")
    try:
        tree = ET.fromstring(postxml)
    except ET.ParseError as error:
        raise PostxmlError(f"postxml is not well-formed XML ({error})") from None
    if tree.tag != root:
        raise PostxmlError(f"the root element of a {root} postxml is <{root}>, not <{tree.tag}>")
    stray = next((child.tag for child in tree if child.tag != item), None)
    if stray is not None:
        raise PostxmlError(f"<{root}> holds <{item}> elements only, not <{stray}>")
    return list(tree)


def children(element: ET.Element, problems: list[str]) -> dict[str, ET.Element]:
    """An element's children by tag, in posted order; a tag given twice is a problem."""
    found: dict[str, ET.Element] = {}
    for child in element:
        if child.tag in found:
            problems.append(f"<{child.tag}> is given twice in <{element.tag}>")
        found[child.tag] = child
    return found


def value(element: ET.Element, problems: list[str]) -> str:
    """An element's value, CDATA included, its surrounding whitespace trimmed."""
    if len(element):
        problems.append(f"<{element.tag}> takes a value, not elements")
    return (element.text or "").strip()


def too_long(values: dict[str, str], limits: Mapping[str, int | None], where: str = "") -> list[str]:
    """The values longer than their documented STRING(n).

    >>> too_long({"shortname": "TeClient"}, {"shortname": 6})
    ['shortname is longer than 6 characters (STRING(6))']
    """
    return [
        f"{where}{name} is longer than {limit} characters (STRING({limit}))"
        for name, text in values.items()
        if (limit := limits.get(name)) is not None and len(text) > limit
    ]


# ---- clients -----------------------------------------------------------------------------------------------


@dataclass
class PostedClient:
    """One `<client>` as posted: its fields trimmed, what they mean, and what is wrong with them."""

    clientid: str | None = None  # None: an insert
    echo: dict[str, Any] = field(
        default_factory=dict
    )  # the posted fields as AroFlo echoes them, posted order
    values: dict[str, str] = field(default_factory=dict)  # CLIENT_TEXT and CLIENT_VALUES fields
    addresses: dict[str, dict[str, str]] = field(default_factory=dict)  # address / mailingaddress parts
    orgids: list[str] = field(default_factory=list)
    term: dict[str, str] = field(default_factory=dict)  # transactiontermid / transactionterm
    problems: list[str] = field(default_factory=list)

    @property
    def insert(self) -> bool:
        return self.clientid is None


def read_client(element: ET.Element) -> PostedClient:
    """A `<client>` element read against the POSTXML definition; unknown elements are problems (strict).

    >>> posted = read_client(ET.fromstring("<client><clientname> Acme </clientname><fax/><colour>1</colour>"
    ...                                    "<orgs><org><orgid>JCdKUy==</orgid></org></orgs></client>"))
    >>> posted.echo, posted.problems
    ({'clientname': 'Acme', 'fax': '', 'orgs': {'org': {'orgid': 'JCdKUy=='}}}, \
["<colour> is not an element of a client in AroFlo's POSTXML"])
    """
    posted = PostedClient()
    problems = posted.problems
    for tag, child in children(element, problems).items():
        if tag == "clientid":
            posted.clientid = posted.echo[tag] = value(child, problems)
        elif tag in CLIENT_TEXT or tag in CLIENT_VALUES:
            posted.values[tag] = posted.echo[tag] = value(child, problems)
        elif tag in ADDRESSES:
            posted.addresses[tag] = _parts(child, ADDRESS_TEXT, problems)
            posted.echo[tag] = dict(posted.addresses[tag])
        elif tag == "transactionterms":
            posted.term = _parts(child, TERM_TEXT, problems)
            posted.echo[tag] = dict(posted.term)
            if not posted.term:
                problems.append("<transactionterms> holds neither <transactiontermid> nor <transactionterm>")
        elif tag == "orgs":
            posted.orgids = _orgids(child, problems)
            orgs = [{"orgid": orgid} for orgid in posted.orgids]
            posted.echo[tag] = {"org": orgs[0] if len(orgs) == 1 else orgs}  # one child: an object
        elif tag in NOT_MODELLED:
            problems.append(f"<{tag}> is documented by AroFlo but not modelled by the sandbox")
        elif tag in NOT_WRITABLE:
            problems.append(f"<{tag}> cannot be inserted or updated")
        else:
            problems.append(f"<{tag}> is not an element of a client in AroFlo's POSTXML")
    return posted


def _parts(element: ET.Element, known: dict[str, Any], problems: list[str]) -> dict[str, str]:
    parts = {}
    for tag, child in children(element, problems).items():
        if tag in known:
            parts[tag] = value(child, problems)
        else:
            problems.append(f"<{tag}> is not an element of <{element.tag}>")
    return parts


def _orgids(element: ET.Element, problems: list[str]) -> list[str]:
    orgids = []
    for org in element:
        if org.tag != "org":
            problems.append(f"<orgs> holds <org> elements only, not <{org.tag}>")
            continue
        parts = children(org, problems)
        for tag in parts.keys() - {"orgid"}:
            what = "cannot be inserted or updated" if tag == "archived" else "is not an element of <org>"
            problems.append(f"<{tag}> of <org> {what}")
        orgid = value(parts["orgid"], problems) if "orgid" in parts else ""
        if not orgid:
            problems.append("an <org> needs its <orgid>")
        orgids.append(orgid)
    if not orgids:
        problems.append("<orgs> holds no <org>")
    return orgids


def check_client(posted: PostedClient) -> None:
    """Add to `posted.problems` what the POSTXML definition refuses, the account aside."""
    problems, values = posted.problems, posted.values
    if posted.insert:
        missing = [name for name in REQUIRED if not values.get(name)]
        if missing:
            problems.insert(0, f"{REQUIRED_TEXT}: {', '.join(missing)}")
        if "postable" in values:
            problems.append("postable cannot be set on insert")
    else:
        if not posted.clientid:
            problems.append("<clientid> is empty")
        emptied = [name for name in REQUIRED if name in values and not values[name]]
        if emptied:
            problems.append(f"{', '.join(emptied)} cannot be set empty")
        if set(posted.echo) == {"clientid"}:
            problems.append("nothing to update: the client carries only its clientid")
    problems += too_long(values, CLIENT_TEXT)
    problems += too_long(posted.term, TERM_TEXT, "transactionterms ")
    for tag, parts in posted.addresses.items():
        problems += too_long(parts, ADDRESS_TEXT, f"{tag} ")
        if ("state" in parts) != ("country" in parts):
            problems.append(f"{tag}: State and Country are required pairs, send both or neither")
    if "postable" in values and values["postable"].lower() not in ("true", "false"):
        problems.append("postable is a BOOLEAN: true or false")
    for name in ("gpslat", "gpslong"):
        if name in values and values[name] and not _FLOAT.fullmatch(values[name]):
            problems.append(f"{name} is a FLOAT")


def _org(unit: StoredRecord) -> dict[str, str]:
    """A business unit as a client's ``orgs`` lists it."""
    return {"orgid": unit.data["orgid"], "orgname": unit.data["businessunitname"], "archived": "false"}


@dataclass
class _Clients:
    """The clients of one POST, checked against the account and committed one by one."""

    dataset: Dataset
    at: datetime  # naive UTC, with its microseconds (the dash-format creation fields show milliseconds)

    def post(self, elements: list[ET.Element]) -> Outcome:
        posted = [read_client(element) for element in elements]
        if len({p.insert for p in posted}) > 1:  # AroFlo's README, "Updates and Inserts"
            return Outcome(postresults("clients", [], [], [invalid(SEPARATE_CALLS)]), posted=len(posted))
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        errors: list[dict[str, str]] = []
        for client in posted:
            error = self._write(client)
            if error is not None:
                errors.append(error)
            (inserts if client.insert else updates).append(client.echo)
        return Outcome(
            postresults("clients", inserts, updates, errors), len(posted), len(posted) - len(errors)
        )

    def _write(self, client: PostedClient) -> dict[str, str] | None:
        """Check and write one client: None, or the ``errors`` entry refusing it (its echo says why)."""
        check_client(client)
        clash = None if client.problems else self._commit(client)
        if client.problems:
            client.echo["error"] = "; ".join(client.problems)
            return invalid(client.echo["error"])
        return clash

    def _commit(self, client: PostedClient) -> dict[str, str] | None:
        """Write one client the definition allows, unless the account refuses it: a problem (an unknown id)
        or a taken name (AroFlo's clash answer, returned)."""
        record = None if client.insert else self._client(str(client.clientid))
        if record is None and not client.insert:
            client.problems.append(f"no client has the clientid {client.clientid}")
        units = [self._business_unit(orgid, client.problems) for orgid in client.orgids]
        term = self._term(client.term, client.problems) if client.term else None
        name = client.values.get("clientname")
        if client.problems:
            return None
        if name is not None and self._taken(name, record):
            client.echo["error"] = CLASH
            return dict(CLASH_ERROR)
        orgs = [unit for unit in units if unit is not None]
        if record is None:
            client.echo["clientid"] = self._insert(client, orgs, term).data["clientid"]
        else:
            self._update(record, client, orgs, term)
        return None

    def _insert(
        self, client: PostedClient, orgs: list[StoredRecord], term: StoredRecord | None
    ) -> StoredRecord:
        orgs = orgs or self.dataset.live(ZONES["businessunits"])[:1]  # the account's default business unit
        home = orgs[0].data["address"] if orgs else {}
        posted: dict[str, Any] = {k: v for k, v in client.values.items() if k in CLIENT_TEXT}
        for tag in ADDRESSES:
            parts = client.addresses.get(tag, {})
            whole = {name: "" for name in ADDRESS_TEXT}
            if "state" not in parts:
                # "if the client is in the same state and country as the BU then you can leave off the
                # state/country tags"
                whole.update(state=home.get("state", ""), country=home.get("country", ""))
            posted[tag] = {**whole, **parts}
        posted["address"].update({k: v for k, v in client.values.items() if k in ("gpslat", "gpslong")})
        moment = self.at.replace(microsecond=0)
        record = posted_client(self.dataset.builder, moment, self.at.microsecond // 1000, posted, orgs, term)
        return self.dataset.insert("clients", record, moment)

    def _update(
        self, record: StoredRecord, client: PostedClient, orgs: list[StoredRecord], term: StoredRecord | None
    ) -> None:
        """Change only the posted fields (one posted empty becomes empty); phone, mobile, fax and email also
        on the client's primary contact. Postable keeps its value unless posted (AroFlo sets it for changes
        made in its interface)."""
        moment = self.at.replace(microsecond=0)
        values = client.values
        changes: dict[str, Any] = {k: v for k, v in values.items() if k in CLIENT_TEXT}
        changes.update({tag: dict(parts) for tag, parts in client.addresses.items()})
        gps = {k: v for k, v in values.items() if k in ("gpslat", "gpslong")}
        if gps:
            changes["address"] = {**changes.get("address", {}), **gps}
        if client.orgids:  # "assign the client to those business units": added to those it has
            assigned = list(record.data["orgs"])
            for unit in orgs:
                if all(org["orgid"] != unit.data["orgid"] for org in assigned):
                    assigned.append(_org(unit))
            changes["orgs"] = assigned
        if client.term:
            changes["terms"] = term.data["transactionterm"] if term else ""
            changes["transactionterms"] = {
                "transactiontermid": term.data["transactiontermid"] if term else "",
                "transactionterm": changes["terms"],
            }
        postable = values["postable"].upper() if "postable" in values else record.data["postable"]
        contact_fields = {k: values[k] for k in PRIMARY_CONTACT if k in values}
        if contact_fields:
            contact = next((c for c in record.hidden.get("contacts", []) if not c.deleted), None)
            if contact is not None:
                self.dataset.update("contacts", contact.data["userid"], moment, contact_fields)
            client.echo["primarycontact"] = {
                **contact_fields,
                "userid": contact.data["userid"] if contact else "",
            }
        self.dataset.update("clients", record.data["clientid"], moment, changes)
        record.data["postable"] = postable
        if "clientname" in values:
            self.dataset.builder.names.add(values["clientname"])

    def _client(self, clientid: str) -> StoredRecord | None:
        return next((r for r in self.dataset.live(ZONES["clients"]) if r.data["clientid"] == clientid), None)

    def _business_unit(self, orgid: str, problems: list[str]) -> StoredRecord | None:
        unit = next((r for r in self.dataset.live(ZONES["businessunits"]) if r.data["orgid"] == orgid), None)
        if unit is None and orgid:
            problems.append(f"no business unit has the orgid {orgid}")
        return unit

    def _term(self, posted: dict[str, str], problems: list[str]) -> StoredRecord | None:
        """The transaction term a posted ``transactionterms`` names (by id, name or both); None clears it."""
        terms = self.dataset.live(ZONES["transactionterms"])
        termid, name = posted.get("transactiontermid"), posted.get("transactionterm")
        by_id = next((t for t in terms if t.data["transactiontermid"] == termid), None) if termid else None
        by_name = (
            next((t for t in terms if t.data["transactionterm"].lower() == name.lower()), None)
            if name
            else None
        )
        if termid and by_id is None:
            problems.append(f"no transaction term has the transactiontermid {termid}")
        if name and by_name is None:
            problems.append(f"no transaction term is named {name}")
        if by_id is not None and by_name is not None and by_id is not by_name:
            problems.append("transactiontermid and transactionterm name different terms")
        return by_id or by_name

    def _taken(self, name: str, record: StoredRecord | None) -> bool:
        """Another client (archived ones included) has this name, compared trimmed and case-insensitively."""
        wanted = name.strip().casefold()
        return any(
            other is not record and str(other.data["clientname"]).strip().casefold() == wanted
            for other in self.dataset.live(ZONES["clients"])
        )


# ---- task notes --------------------------------------------------------------------------------------------


@dataclass
class PostedNote:
    """One `<note>` as posted, trimmed (as AroFlo trims a ClientNotes content: its example), HTML kept."""

    content: str = ""
    filter: str = ""
    sticky: str = ""
    problems: list[str] = field(default_factory=list)


def read_note(element: ET.Element) -> PostedNote:
    """A `<note>` checked against the POSTXML definition: content, filter and sticky, each required (strict).

    >>> read_note(ET.fromstring("<note><content><![CDATA[<p>Hi</p>]]></content><filter>internal only</filter>"
    ...                         "<sticky>TRUE</sticky></note>"))
    PostedNote(content='<p>Hi</p>', filter='internal only', sticky='TRUE', problems=[])
    >>> read_note(ET.fromstring("<note><content>Hi</content><filter>Staff</filter></note>")).problems
    ... # doctest: +NORMALIZE_WHITESPACE
    ['filter is one of Internal Only, Show Client, Show Contractor, Show All, Internal Admin Only, not Staff',
     '<sticky> is required']
    """
    note = PostedNote()
    parts = children(element, note.problems)
    for tag, child in parts.items():
        if tag in ("content", "filter", "sticky"):
            setattr(note, tag, value(child, note.problems))
        else:
            note.problems.append(f"<{tag}> is not an element of a note in AroFlo's POSTXML")
    if "content" in parts and not note.content:
        note.problems.append("content is empty")
    if "filter" in parts and note.filter.lower() not in NOTE_FILTERS:
        names = ", ".join(name for name, _ in NOTE_FILTERS.values())
        note.problems.append(f"filter is one of {names}, not {note.filter}")
    if "filter" in parts and len(note.filter) > 50:
        note.problems.append("filter is longer than 50 characters (STRING(50))")
    if "sticky" in parts and note.sticky.lower() not in ("true", "false"):
        note.problems.append("sticky is a BOOLEAN: true or false")
    note.problems += [f"<{tag}> is required" for tag in ("content", "filter", "sticky") if tag not in parts]
    return note


def _not_notes(tags: set[str]) -> str | None:
    """Why a `<task>` with these elements is not a notes write (None when it is one: a taskid and notes).

    >>> _not_notes({"taskid", "notes"}), _not_notes({"taskid", "notes", "status"}), _not_notes({"notes"})
    (None, 'a <task> carrying <status>', 'a <task> without <taskid> (a new task)')
    """
    other = sorted(tags - {"taskid", "notes"})
    if "taskid" not in tags:
        return "a <task> without <taskid> (a new task)"
    if other:
        return f"a <task> carrying <{other[0]}>"
    if "notes" not in tags:
        return "a <task> without <notes>"
    return None


@dataclass
class _Notes:
    """The task notes of one POST: each task checked against the account, its valid notes added."""

    dataset: Dataset
    at: datetime

    def post(self, elements: list[ET.Element]) -> Outcome:
        for element in elements:  # only a notes write is modelled: <taskid> and <notes>, nothing else
            reason = _not_notes({child.tag for child in element})
            if reason:
                return Outcome(postresults("tasks", [], [], [not_modelled(reason)]))
        updates: list[dict[str, Any]] = []
        errors: list[dict[str, str]] = []
        posted = written = 0
        for element in elements:
            echo, notes, task_errors = self._task(element)
            posted += notes
            written += sum("error" not in note for note in echo["notes"])
            updates.append(echo)
            errors += task_errors
        return Outcome(postresults("tasks", [], updates, errors, inserted=written), posted, written)

    def _task(self, element: ET.Element) -> tuple[dict[str, Any], int, list[dict[str, str]]]:
        """One task's echo, the number of notes it posted and its ``errors`` entries."""
        problems: list[str] = []
        parts = children(element, problems)
        taskid = value(parts["taskid"], problems)
        notes = [read_note(n) for n in parts["notes"] if n.tag == "note"]
        problems += [
            f"<notes> holds <note> elements only, not <{n.tag}>" for n in parts["notes"] if n.tag != "note"
        ]
        if not notes:
            problems.append("<notes> holds no <note>")
        task = next((t for t in self.dataset.live(ZONES["tasks"]) if t.data["taskid"] == taskid), None)
        if task is None:
            problems.append(f"no task has the taskid {taskid}")
        if problems or task is None:
            detail = "; ".join(problems)
            return {"taskid": taskid, "notes": [], "error": detail}, len(notes), [invalid(detail)]
        local = to_local(self.at.replace(microsecond=0))
        echoes, errors = [], []
        for note in notes:
            if note.problems:
                detail = "; ".join(note.problems)
                refused = {
                    "note": note.content,
                    "filter": note.filter,
                    "sticky": note.sticky,
                    "error": detail,
                }
                echoes.append({"TASKID": taskid, **refused})
                errors.append(invalid(detail))
                continue
            name, code = NOTE_FILTERS[note.filter.lower()]
            sticky = note.sticky.lower() == "true"
            task.joins.setdefault("tasknotes", []).append(  # newest last, as the Tasks example lists them
                {
                    "noteid": self.dataset.builder.long_id(),
                    "content": note.content,
                    "filter": name,
                    "dateposted": fmt_date(local),
                    "timeposted": fmt_human(local),
                    "user": dict(API_USER),
                    "note": note.content,
                    "sticky": "true" if sticky else "false",
                }
            )
            echoes.append(
                {
                    "TASKID": taskid,
                    "filter": code,
                    "note": note.content,
                    "dateposted": fmt_datetime(local),
                    "sticky": "1" if sticky else "0",
                }
            )
        if len(errors) < len(notes):
            self.dataset.touch("tasks", taskid, self.at.replace(microsecond=0))
        return {"taskid": taskid, "notes": echoes}, len(notes), errors
