"""Seeded, deterministic data for the AroFlo sandbox (shapes per aroflo-api.md §3 and §6).

``generate(seed, now, scale)`` builds five years of history for the 42 readable zones plus the
LastUpdate change log. Every public record is exactly what the API returns: scalars are JSON
strings (except Tasks ``priority`` 0 and LastUpdate ``isdeleted``), joinable keys are always
present as ``[]``/``{}`` placeholders (§3.4), blank dates are ``""`` and blank datetimes ``" "``
(§3.3), fields with ``utc`` in the name are UTC and all other date/times are Australia/Melbourne
local time of the same instant (§3.6). Hidden state the WHERE engine and default filters need
(creation/update instants, values that only exist server-side) lives beside the record.

Generation order matters: every record is created at a sampled instant and only references
records created before it (tasks -> clients/locations/users, line items -> parents, payments ->
invoices ...). Child factories also attach their joined shape to the parent's ``joins``, so the
same code serves bulk generation and ``Dataset.create``.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aroflo_sandbox.zones import ZONES, Zone, zone_for_param

MELBOURNE = ZoneInfo("Australia/Melbourne")


@dataclass(eq=False)  # identity semantics: records are entities, and hidden links may form cycles
class StoredRecord:
    data: dict[str, Any]  # the public record exactly as the API returns it
    joins: dict[str, Any]  # record key -> joined value (used when the request has that join)
    created_utc: datetime  # naive UTC instant of creation
    updated_utc: datetime | None  # naive UTC of the last update, None if never updated
    deleted: bool = False
    # Server-side values that records do not show (e.g. Clients "archived", stage start date,
    # a material's parent link). Read by zones.WhereField getters and default filters.
    hidden: dict[str, Any] = field(default_factory=dict, repr=False)


# --------------------------------------------------------------------------- sizes

# Records per zone at scale 1.0 (keys: Zone.param.lower()). Scaled, min 1 each.
BASE_SIZES: dict[str, int] = {
    "users": 60,
    "clients": 520,
    "suppliers": 140,
    "locations": 900,
    "contacts": 800,
    "clientnotes": 1000,
    "projects": 80,
    "stages": 240,
    "inventory": 1000,
    "inventorystocklevels": 1500,
    "tasks": 1250,
    "taskmaterials": 2600,
    "tasklabours": 2100,
    "taskexpenses": 600,
    "quotes": 700,
    "quotelineitems": 2400,
    "invoices": 1100,
    "payments": 900,
    "purchaseorders": 450,
    "workorders": 200,
    "workorderlineitems": 600,
    "bills": 400,
    "billlineitems": 1200,
    "assets": 300,
    "timesheets": 3000,
    "schedules": 1500,
    "documentsandphotos": 250,
    "messageboard": 120,
    "messagetemplates": 40,
}
# Small reference zones: fixed size whatever the scale.
REFERENCE_SIZES: dict[str, int] = {
    "businessunits": 3,
    "permissiongroups": 8,
    "userposition": 12,
    "transactionterms": 6,
    "priorities": 10,
    "tasktypes": 15,
    "inventorycategories": 25,
    "customholders": 12,
    "inventorylists": 20,
    "assetcategories": 10,
    "substatuses": 18,
    "trackingcentres": 9,
}

# Visible "last updated" fields per zone and their format:
# ud = UTC date, udt = UTC datetime, ld = local date, ldt = local datetime.
_UPDATE_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "tasks": (("lastupdatedutc", "ud"), ("lastupdateddatetimeutc", "udt")),
    "users": (("lastupdatedutc", "ud"), ("lastupdateddatetimeutc", "udt")),
    "invoices": (
        ("lastupdated", "ld"),
        ("lastupdateddatetime", "ldt"),
        ("lastupdatedutc", "ud"),
        ("lastupdateddatetimeutc", "udt"),
    ),
    "bills": (("lastupdatedutc", "ud"), ("lastupdateddatetimeutc", "udt")),
    "locations": (("lastupdatedutc", "ud"), ("lastupdateddatetimeutc", "udt")),
    "inventory": (("lastupdatedutc", "ud"), ("lastupdateddatetimeutc", "udt")),
    "assets": (("lastupdatedutc", "ud"), ("lastupdateddatetimeutc", "udt")),
}

# --------------------------------------------------------------------------- formatting

_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DT_BLANK = " "  # empty datetime (§3.3: "a single space")
D_BLANK = ""  # empty date


def fmt_date(t: datetime | date) -> str:
    return t.isoformat()[:10].replace("-", "/")  # C-level formatting: generate() is hot


def fmt_datetime(t: datetime) -> str:
    return t.isoformat(" ", "seconds").replace("-", "/")


def fmt_dash(t: datetime, millis: int) -> str:
    """Clients/Suppliers created fields: ``2018-06-21 10:59:01.8`` (§3.6; SQL-style fraction)."""
    frac = f"{millis:03d}".rstrip("0") or "0"
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}.{frac}"


def fmt_human(t: datetime) -> str:
    """``Oct 23, 2018 7:00:00 AM`` (labour start/end, note timeposted, §3.6)."""
    hour = t.hour % 12 or 12
    half = "AM" if t.hour < 12 else "PM"
    return f"{_MON[t.month - 1]} {t.day}, {t.year} {hour}:{t.minute:02d}:{t.second:02d} {half}"


def money4(x: float) -> str:
    return f"{x:.4f}"


def money2(x: float) -> str:
    return f"{x:.2f}"


_OFFSETS: dict[tuple[int, int, int, int], timedelta] = {}
_NOON_OFFSETS: dict[date, timedelta] = {}


def to_local(utc: datetime) -> datetime:
    """Naive UTC -> naive Australia/Melbourne wall time (DST-correct; cached per UTC hour,
    which is exact because Melbourne's transitions happen on a UTC hour boundary)."""
    key = (utc.year, utc.month, utc.day, utc.hour)
    off = _OFFSETS.get(key)
    if off is None:
        off = utc.replace(tzinfo=UTC).astimezone(MELBOURNE).utcoffset() or timedelta(0)
        _OFFSETS[key] = off
    return utc + off


def _from_local_daytime(local: datetime) -> datetime:
    """Naive local time between 05:00 and 22:00 -> naive UTC (no DST ambiguity at those hours)."""
    day = local.date()
    off = _NOON_OFFSETS.get(day)
    if off is None:
        off = datetime(day.year, day.month, day.day, 12, tzinfo=MELBOURNE).utcoffset() or timedelta(0)
        _NOON_OFFSETS[day] = off
    return local - off


# --------------------------------------------------------------------------- vocabulary

_GIVEN = (
    "James",
    "Olivia",
    "Jack",
    "Charlotte",
    "William",
    "Amelia",
    "Noah",
    "Isla",
    "Thomas",
    "Mia",
    "Lachlan",
    "Grace",
    "Oliver",
    "Chloe",
    "Liam",
    "Sophie",
    "Ethan",
    "Zoe",
    "Cooper",
    "Ruby",
    "Harrison",
    "Emily",
    "Mitchell",
    "Jessica",
    "Daniel",
    "Hannah",
    "Riley",
    "Sarah",
    "Bradley",
    "Peter",
    "Tali",
    "Dave",
    "Priya",
    "Wei",
    "Nguyen",
    "Aisha",
    "Marco",
    "Sione",
    "Fatima",
    "Tom",
)
_SURNAMES = (
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Wilson",
    "Taylor",
    "Nguyen",
    "Johnson",
    "Martin",
    "White",
    "Anderson",
    "Walker",
    "Thompson",
    "Thomas",
    "Lee",
    "Ryan",
    "Kelly",
    "Harris",
    "King",
    "Young",
    "Campbell",
    "Mitchell",
    "O'Brien",
    "Murphy",
    "Clarke",
    "Stewart",
    "Wright",
    "Patel",
    "Chen",
    "Rossi",
    "Papadopoulos",
    "Singh",
    "Tran",
    "Baker",
    "Hughes",
    "Morgan",
)
_SUBURBS = (  # suburb, state, postcode, lat, lon
    ("Ringwood", "VIC", "3134", -37.8177, 145.2208),
    ("Mitcham", "VIC", "3132", -37.8168, 145.1929),
    ("Box Hill", "VIC", "3128", -37.8189, 145.1250),
    ("Richmond", "VIC", "3121", -37.8230, 144.9980),
    ("Melbourne", "VIC", "3000", -37.8136, 144.9631),
    ("Dandenong", "VIC", "3175", -37.9875, 145.2149),
    ("Frankston", "VIC", "3199", -38.1440, 145.1260),
    ("Geelong", "VIC", "3220", -38.1499, 144.3617),
    ("Bendigo", "VIC", "3550", -36.7570, 144.2794),
    ("Lyndhurst", "VIC", "3975", -38.0500, 145.2500),
    ("Footscray", "VIC", "3011", -37.8000, 144.9000),
    ("Carlton", "VIC", "3053", -37.8001, 144.9671),
    ("St Kilda", "VIC", "3182", -37.8676, 144.9801),
    ("Hawthorn", "VIC", "3122", -37.8226, 145.0354),
    ("Sydney", "NSW", "2000", -33.8708, 151.2073),
    ("Parramatta", "NSW", "2150", -33.8150, 151.0011),
    ("Chatswood", "NSW", "2067", -33.7969, 151.1803),
    ("Newcastle", "NSW", "2300", -32.9283, 151.7817),
    ("Brisbane City", "QLD", "4000", -27.4698, 153.0251),
    ("Southport", "QLD", "4215", -27.9670, 153.4000),
    ("Adelaide", "SA", "5000", -34.9285, 138.6007),
    ("Hobart", "TAS", "7000", -42.8821, 147.3272),
    ("Canberra", "ACT", "2601", -35.2809, 149.1300),
    ("Perth", "WA", "6000", -31.9523, 115.8613),
)
_STREETS = (
    "New",
    "High",
    "Maroondah",
    "Thompsons",
    "Whitehorse",
    "Station",
    "Church",
    "Victoria",
    "King",
    "Queen",
    "Elizabeth",
    "Collins",
    "Burke",
    "Canterbury",
    "Springvale",
    "Warrigal",
    "Blackburn",
    "Wantirna",
    "Boronia",
    "Mountain",
    "Ferntree Gully",
    "Stud",
    "Bell",
    "Hoddle",
)
_STREET_TYPES = ("St", "Rd", "Ave", "Hwy", "Pde", "Cres", "Ct", "Dr")
_BUSINESS_KINDS = (
    "Plumbing",
    "Property Group",
    "Body Corporate",
    "Real Estate",
    "Constructions",
    "Medical Centre",
    "Primary School",
    "Cafe",
    "Motors",
    "Strata Services",
    "Holdings",
    "Dental",
    "Pharmacy",
    "Childcare",
    "Fitness",
    "Hotel",
    "Bakery",
    "Logistics",
)
# The first six are wholesalers, the rest contractors.
_SUPPLIER_KINDS = (
    "Electrical Wholesale",
    "Plumbing Supplies",
    "Trade Centre",
    "Hire",
    "Cables",
    "Hardware",
    "Subbies",
    "Contracting",
    "Air Conditioning",
    "Locating & Camera",
)
_TASK_NAMES = (
    "Fix the sink",
    "Blocked drain",
    "Hot water service replacement",
    "Leaking tap",
    "Install split system",
    "Service split system",
    "Switchboard upgrade",
    "Replace GPO",
    "Install downlights",
    "Smoke alarm compliance",
    "Gas leak check",
    "Roof leak",
    "Toilet cistern repair",
    "Burst pipe",
    "CCTV drain inspection",
    "Annual maintenance",
    "Backflow testing",
    "Install dishwasher",
    "Safety switch test",
    "Replace light fittings",
)
_ITEMS = (  # manufacturer, description stem, category index, base cost
    ("Clipsal", "10 Amp 2000 SERIES Double Switched Powerpoint", 9, 5.89),
    ("Clipsal", "32mm x 10 Metre Medium Duty Corrugated Conduit", 7, 1.83),
    ("Various Cable Brands", "2.5mm 2 Core & Earth Flat Cable Per Metre", 5, 0.80),
    ("Wattmaster", "Square Adaptable Junction Box", 1, 3.25),
    ("IPD", "Standard Module Junction Box Base", 1, 8.11),
    ("B&R", "POLYNOVA PJ Junction Box With Opaque Lid", 1, 31.37),
    ("Belden", "CAT6A 4 Pair Screened Cable", 3, 1.95),
    ("Garland", "CAT5E 4 Pair U/UTP Cable 305 Metre Box", 3, 189.00),
    ("Rheem", "Hot Water Service 315L", 12, 1450.0),
    ("Caroma", "Toilet Suite Close Coupled", 13, 289.00),
    ("Methven", "Mixer Tap Chrome", 13, 145.00),
    ("Reece", "PVC DWV Pipe 100mm x 6m", 14, 42.50),
    ("Rinnai", "Continuous Flow Gas HWS 26L", 12, 1120.0),
    ("Daikin", "Split System 2.5kW Reverse Cycle", 15, 899.00),
    ("HPM", "Smoke Alarm 240V Photoelectric", 16, 38.90),
    ("Philips", "LED Downlight 10W Warm White", 17, 12.40),
    ("Hager", "RCBO 20A 30mA", 18, 46.20),
    ("Zip", "Boiling Water Tap", 13, 2150.0),
    ("Dux", "Tempering Valve 15mm", 12, 96.00),
    ("Kembla", "Copper Tube 15mm x 6m", 14, 58.30),
)
_SIZES_TXT = (
    "15mm",
    "20mm",
    "25mm",
    "32mm",
    "40mm",
    "50mm",
    "100mm",
    "1.5m",
    "3m",
    "6m",
    "White",
    "Black",
    "Grey",
    "Chrome",
    "Single",
    "Double",
    "Twin Pack",
    "Heavy Duty",
    "Slimline",
    "Outdoor",
)
_NOTE_TEXTS = (
    "Called client, left message.",
    "<p>Parts ordered, ETA 3 days.</p>",
    "Access via rear lane.",
    "<p>Client approved the quote by phone.</p>",
    "Tenant to be home after 2pm.",
    "<p>Work completed, site left clean.</p>",
    "Need a second tech for lifting.",
    "Gate code 4410#",
    "<p>Follow-up visit required.</p>",
    "Invoice sent to property manager.",
)
_NOTE_FILTERS = (
    "Internal Only",
    "Internal Only",
    "Internal Only",
    "Internal Admin Only",
    "Internal Admin and Manager Only",
    "Show Client",
    "Show Contractor",
    "Show All",
)
_FEATURES = (
    ("inventory", "Inventory"),
    ("quotes", "Quotes"),
    ("invoices", "Invoices"),
    ("timesheets", "Timesheets"),
    ("reports", "Reports"),
    ("scheduler", "Scheduler"),
)
_PROJECT_KINDS = ("Fit-out", "Maintenance Contract", "Refurbishment", "Stage Works", "Compliance Program")
_TEMPLATE_NAMES = (
    "Booking Confirmation",
    "Reminder",
    "ZAPScheduleWebHook",
    "Invoice Email",
    "Quote Follow Up",
)
_SIGNED_HOST = "https://office.aroflo.com/DocStorage/"


def _short_ref(n: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    out = []
    for _ in range(8):
        n, r = divmod(n, len(letters))
        out.append(letters[r])
    return "".join(out[:4]) + "-" + "".join(out[4:])


# --------------------------------------------------------------------------- the builder


class _Random(random.Random):
    """random.Random with float-based choice/randint/randrange: several times cheaper than the
    exact integer versions and plenty for synthetic data (keeps generate() well under budget)."""

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


class _Builder:
    """Generator state: RNG, id counters, record lists and shared helpers. Kept by the Dataset
    so later ``create`` calls continue the same sequences."""

    def __init__(self, seed: int, now: datetime, scale: float) -> None:
        self.rng = _Random(seed)
        self.now = now
        self.scale = scale
        self.start = now - timedelta(days=5 * 365 + 1)  # five years of history
        self.setup = self.start - timedelta(days=10)  # site set-up: reference data and imports
        self.recs: dict[str, list[StoredRecord]] = {p: [] for p in ZONES}
        self._long = 0
        self._short = 0
        self.counters: dict[str, int] = {}
        self.stock_keys: set[tuple[str, str, str]] = set()
        self.index: dict[str, StoredRecord] = {}  # clients and suppliers by id
        self.names: set[str] = set()
        # All signed URLs of a response share one expiry (§6.8); the server may rewrite it.
        self.url_expires = int((now + timedelta(minutes=10)).replace(tzinfo=UTC).timestamp())
        self.webapp_prefix = bytes(self.rng.randrange(32, 120) for _ in range(18))

    # ---- ids ----------------------------------------------------------------------------------
    def long_id(self) -> str:
        """``JSZaXyBRTEAgCg==``-style id: base64 of a uuencoded 5-byte value, like AroFlo's.
        An odd multiplier mod 2**40 is a bijection, so ids never repeat."""
        self._long += 1
        v = (self._long * 0x9E3779B1 + 0x2D5A17C3) % (1 << 40)
        return base64.b64encode(binascii.b2a_uu(v.to_bytes(5, "big"))).decode()

    def short_id(self) -> str:
        """``IyYqKyIK``-style id (small reference tables)."""
        self._short += 1
        v = (self._short * 0x9E3779 + 0x1F2E3D) % (1 << 24)
        return base64.b64encode(binascii.b2a_uu(v.to_bytes(3, "big"))).decode()

    def webapp_id(self) -> str:
        raw = binascii.b2a_uu(self.webapp_prefix + self.rng.getrandbits(48).to_bytes(6, "big")).decode()
        return "".join(c if c.isalnum() else f"%{ord(c):02X}" for c in raw)

    def guid(self) -> str:
        h = f"{self.rng.getrandbits(128):032X}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def seq(self, name: str, first: int) -> int:
        n = self.counters.get(name, first - 1) + 1
        self.counters[name] = n
        return n

    def signed_url(self) -> str:
        ref = _short_ref(self.rng.getrandbits(40))
        return (
            f"{_SIGNED_HOST}{ref}-original?expires={self.url_expires}"
            f"&signature={self.rng.getrandbits(256):064X}"
        )

    # ---- time ---------------------------------------------------------------------------------
    def work_hours(self, t: datetime) -> datetime:
        """Move t to a random local business-hours time of its local day (still UTC, naive)."""
        rng = self.rng
        local = to_local(t)
        hour = rng.choice((7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 13, 13, 14, 14, 15, 15, 16, 17, 18))
        out = _from_local_daytime(
            datetime(local.year, local.month, local.day, hour, rng.randrange(60), rng.randrange(60))
        )
        if out >= self.now:
            out = self.now - timedelta(seconds=rng.randint(60, 3600))
        return out

    def recent(self, max_days: float) -> datetime:
        t = self.now - timedelta(seconds=self.rng.uniform(600, max_days * 86400))
        return self.work_hours(t).replace(microsecond=0)

    def after(self, t: datetime, max_days: float) -> datetime:
        """An instant after t, at most max_days later and before now."""
        room = min(max_days * 86400, (self.now - t).total_seconds() - 30)
        if room <= 60:
            return t + timedelta(seconds=1) if t + timedelta(seconds=1) < self.now else t
        return t + timedelta(seconds=int(self.rng.uniform(60, room)))

    def times(
        self, n: int, *, recent: bool, import_burst: bool = False, lo: datetime | None = None
    ) -> list[datetime]:
        """n sorted creation instants over the history window.

        More activity in later years (a growing business), business hours, and - for zones with
        > 100 records - bursts of 20-60 records sharing one second (bulk imports, batch jobs),
        one of them in the last 10 days so incremental syncs meet it at their cursor. Zones with a
        30-day default filter get a few records in the last 30 days.
        """
        rng = self.rng
        lo = lo or self.start
        span = (self.now - lo).total_seconds() - 3600
        out = [self.work_hours(lo + timedelta(seconds=int(span * rng.random() ** 0.8))) for _ in range(n)]
        free = list(range(n))
        rng.shuffle(free)
        if n > 100:
            sizes = [rng.randint(20, 60) for _ in range(3)]
            while sum(sizes) > n // 3:
                sizes = [max(20, s // 2) for s in sizes]
                if sum(sizes) > n // 3:
                    sizes.pop()
            anchors = [self.recent(10)]
            anchors.append(
                self.setup + timedelta(days=1, hours=2)
                if import_burst
                else self.work_hours(lo + timedelta(seconds=int(span * rng.uniform(0.2, 0.9))))
            )
            anchors.append(self.work_hours(lo + timedelta(seconds=int(span * rng.uniform(0.3, 0.95)))))
            for size, anchor in zip(sizes, anchors, strict=False):
                for _ in range(size):
                    out[free.pop()] = anchor.replace(microsecond=0)
        if recent and n > 1:
            for _ in range(min(max(3, round(n * 0.02)), n - 1, len(free))):
                out[free.pop()] = self.recent(28)
        out.sort()
        return out

    def update_times(self, created: list[datetime], share: float = 0.65) -> list[datetime | None]:
        """Last-update instants: most records change after creation (log-uniform delay), a good
        share never; big zones also get update bursts (batch edits) sharing one second."""
        rng = self.rng
        out: list[datetime | None] = []
        for c in created:
            room = (self.now - c).total_seconds() - 60
            if rng.random() >= share or room < 300:
                out.append(None)
                continue
            delay = math.exp(rng.uniform(math.log(120), math.log(room)))
            out.append(c + timedelta(seconds=int(delay)))
        if len(created) > 100:
            for anchor in (
                self.now - timedelta(days=rng.uniform(0.5, 6)),
                self.start + (self.now - self.start) * rng.uniform(0.4, 0.9),
            ):
                anchor = anchor.replace(microsecond=0)
                candidates = [i for i, c in enumerate(created) if c < anchor - timedelta(minutes=5)]
                for i in rng.sample(candidates, min(len(candidates), rng.randint(20, 50))):
                    out[i] = anchor
        return out

    # ---- picking related records --------------------------------------------------------------
    def pick(
        self,
        zone: str,
        t: datetime,
        window: int | None = None,
        pred: Callable[[StoredRecord], bool] | None = None,
    ) -> StoredRecord | None:
        """A record of `zone` created at or before t (the `window` most recent ones if given)."""
        lst = self.recs[zone]
        if not lst:
            return None
        i = bisect.bisect_right(lst, t, key=_created_key)
        if i == 0:
            return None  # nothing that old (child zones start after their parents, see _PARENTS)
        lo = max(0, i - window) if window else 0
        rng = self.rng
        choice = lst[rng.randrange(lo, i)]
        if pred is not None:
            for _ in range(12):
                if pred(choice):
                    break
                choice = lst[rng.randrange(lo, i)]
        return choice

    def choice(self, zone: str) -> StoredRecord:
        return self.rng.choice(self.recs[zone])

    # ---- people, places, shared shapes ---------------------------------------------------------
    def person(self) -> tuple[str, str]:
        return self.rng.choice(_GIVEN), self.rng.choice(_SURNAMES)

    def phone(self) -> str:
        rng = self.rng
        return f"0{rng.choice('3278')} {rng.randint(8000, 9999)} {rng.randint(1000, 9999)}"

    def mobile(self) -> str:
        rng = self.rng
        return f"04{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"

    def place(self) -> dict[str, str]:
        rng = self.rng
        suburb, state, postcode, lat, lon = rng.choice(_SUBURBS)
        return {
            "street": f"{rng.randint(1, 420)} {rng.choice(_STREETS)} {rng.choice(_STREET_TYPES)}",
            "suburb": suburb,
            "state": state,
            "postcode": postcode,
            "gpslat": f"{lat + rng.uniform(-0.02, 0.02):.7f}",
            "gpslong": f"{lon + rng.uniform(-0.02, 0.02):.7f}",
        }

    def custom_fields(self, numeric_ids: bool = False) -> list[dict[str, str]]:
        rng = self.rng
        specs = (
            ("Access Notes", "textarea", rng.choice(("Key in lockbox", "Call on arrival", ""))),
            ("Induction Required", "checkbox", rng.choice(("TRUE", "FALSE"))),
            ("Warranty Expiry", "Datefield", fmt_date(self.now + timedelta(days=rng.randint(-400, 900)))),
            ("Strata Plan", "text", f"SP{rng.randint(10000, 99999)}"),
            ("Preferred Tech", "Select", rng.choice(("Any", "Senior", "Apprentice OK"))),
        )
        out = []
        for name, kind, value in rng.sample(specs, rng.randint(1, 3)):
            fid = str(rng.randint(30000, 39999)) if numeric_ids else self.short_id()
            out.append({"fieldid": fid, "name": name, "type": kind, "value": value, "archived": "false"})
        return out

    def note(self, t: datetime, user: StoredRecord | None, task_style: bool = False) -> dict[str, Any]:
        """A joined note (§6.9); task notes add ``note`` (duplicate of content) and ``sticky``."""
        rng = self.rng
        local = to_local(t)
        content = rng.choice(_NOTE_TEXTS)
        n: dict[str, Any] = {
            "noteid": self.long_id(),
            "content": content,
            "filter": rng.choice(_NOTE_FILTERS),
            "dateposted": fmt_date(local),
            "timeposted": fmt_human(local),
            "user": user_ref(user) if user else {"userid": "", "username": ""},
        }
        if task_style:
            n["note"] = content
            n["sticky"] = "true" if rng.random() < 0.1 else "false"
        return n

    def attachment(self, t: datetime, user: StoredRecord | None) -> dict[str, Any]:
        rng = self.rng
        ext = rng.choice(("jpg", "jpg", "png", "pdf", "docx"))
        return {
            "documentid": self.long_id(),
            "name": f"{rng.choice(('image', 'IMG_', 'scan', 'photo'))}{rng.randint(1, 9999)}.{ext}",
            "comment": "",
            "filter": rng.choice(_NOTE_FILTERS[:3]),
            "sizeinbytes": str(rng.randint(20_000, 4_000_000)),
            "uploadeddatetime": fmt_datetime(t),  # appears to be UTC (§3.6)
            "uploadedbyuser": user_ref(user) if user else {"userid": "", "username": ""},
            "url": self.signed_url(),
        }

    def stamp(self, zone: str, rec: StoredRecord, at: datetime | None) -> None:
        """Set the update instant and the zone's visible last-updated fields consistently."""
        rec.updated_utc = at
        for key, fmt in _UPDATE_FIELDS.get(zone, ()):
            if at is None:
                rec.data[key] = DT_BLANK if fmt.endswith("dt") else D_BLANK
            else:
                t = at if fmt[0] == "u" else to_local(at)
                rec.data[key] = fmt_datetime(t) if fmt.endswith("dt") else fmt_date(t)
        if zone == "inventorystocklevels":  # always shows its latest movement, local time
            utc = at or rec.created_utc
            local = to_local(utc)
            rec.data["lastupdated"] = fmt_date(local)
            rec.data["lastupdateddatetime"] = fmt_datetime(local)
            link = rec.hidden.get("_parent")
            for entry in link[0].joins["stocklevels"] if link else ():
                if entry["assignedtoid"] == rec.data["assignedtoid"]:  # the join also has UTC (D:inventory)
                    entry.update(
                        lastupdated=fmt_date(local),
                        lastupdateddatetime=fmt_datetime(local),
                        lastupdatedutc=fmt_date(utc),
                        lastupdateddatetimeutc=fmt_datetime(utc),
                    )
        elif zone == "messageboard":
            rec.data["lastupdated"] = fmt_datetime(to_local(at)) if at else ""
        elif zone in ("clients", "suppliers") and at is not None:
            rec.data["postable"] = "TRUE"  # set by every create/update in the UI (§6.3)


def _created_key(rec: StoredRecord) -> datetime:
    return rec.created_utc


# --------------------------------------------------------------------------- shared shapes


def user_ref(u: StoredRecord) -> dict[str, str]:
    d = u.data
    return {"userid": d["userid"], "username": f"{d['givennames']} {d['surname']}"}


def org_ref(bu: StoredRecord) -> dict[str, str]:
    return {"orgid": bu.data["orgid"], "orgname": bu.data["businessunitname"]}


def _address_obj(p: dict[str, str], country: str = "AUSTRALIA", gps: bool = True) -> dict[str, str]:
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


def _addr5(p: dict[str, str]) -> dict[str, str]:
    return {
        "address1": p["street"],
        "address2": "",
        "suburb": p["suburb"],
        "state": p["state"],
        "postcode": p["postcode"],
    }


def _task_brief(task: StoredRecord) -> dict[str, Any]:
    """The ``task`` object on task materials/labours/expenses (D:taskmaterials)."""
    d = task.data
    return {
        "taskid": d["taskid"],
        "status": d["status"],
        "org": dict(d["org"]),
        "linkprocesseddate": d["linkprocesseddate"],
        "refcode": d["refcode"],
        "jobnumber": d["jobnumber"],
        "linkprocessed": d["linkprocessed"],
        "client": dict(d["client"]),
    }


def _task_summary(task: StoredRecord, client_key: str = "orgid") -> dict[str, Any]:
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


def _abn(rng: random.Random) -> str:
    return f"{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def _html(text: str) -> str:
    return text if text.startswith("<") else f"<p>{text}</p>"


def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def _attach(
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


# --------------------------------------------------------------------------- reference zones


def _reference_time(b: _Builder, i: int) -> datetime:
    # Reference data is entered at set-up, a few items later on.
    if i < 3 or b.rng.random() < 0.6:
        return b.setup + timedelta(hours=2, seconds=i)
    return b.work_hours(b.start + (b.now - b.start) * b.rng.random() * 0.8)


def _businessunit(b: _Builder, t: datetime) -> StoredRecord:
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
        "abn": _abn(rng),
        "terms": "",
        "termsnote": "",
        "usecustompriorities": "false",
        "archived": "FALSE",
        "address": _address_obj(p, gps=False),
        "mailingaddress": _address_obj(p, gps=False),
        "locations": [],
        "priorities": [],
    }
    return StoredRecord(data, {"locations": [], "priorities": []}, t, None)


def _permissiongroup(b: _Builder, t: datetime) -> StoredRecord:
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


def _userposition(b: _Builder, t: datetime) -> StoredRecord:
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
            "Position": names[n % len(names)] + ("" if n < len(names) else f" {n}"),
            "listorder": str(n),
            "org": org_ref(bu),
            "archive": "false",
            "positionid": b.long_id(),
        },
        {},
        t,
        None,
    )


def _transactionterm(b: _Builder, t: datetime) -> StoredRecord:
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


def _priority(b: _Builder, t: datetime) -> StoredRecord:
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


def _tasktype(b: _Builder, t: datetime) -> StoredRecord:
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
            "businessunit": org_ref(bu),
            "description": "",
            "tasktypeid": b.long_id(),
            "archived": "true" if n == 14 else "false",
            "tasktype": names[n % len(names)] + ("" if n < len(names) else f" {n}"),
        },
        {},
        t,
        None,
    )
    rec.hidden["clientid"] = ""  # set when a client is restricted to this type
    return rec


def _substatus(b: _Builder, t: datetime) -> StoredRecord:
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
            "substatus": names[n % len(names)] + ("" if n < len(names) else f" ({kind})"),
        },
        {},
        t,
        None,
    )


def _trackingcentre(b: _Builder, t: datetime) -> StoredRecord:
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
    name = names[n % len(names)] + ("" if n < len(names) else f" {n}")
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


def _inventorycategory(b: _Builder, t: datetime) -> StoredRecord:
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
            "categoryname": names[n % len(names)] + ("" if n < len(names) else f" {n}"),
        },
        {},
        t,
        None,
    )


def _customholder(b: _Builder, t: datetime) -> StoredRecord:
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
            "customholdername": names[n % len(names)] + ("" if n < len(names) else f" {n}"),
        },
        {},
        t,
        None,
    )
    return rec


def _assetcategory(b: _Builder, t: datetime) -> StoredRecord:
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
            "categoryname": names[n % len(names)] + ("" if n < len(names) else f" {n}"),
        },
        {},
        t,
        None,
    )


# --------------------------------------------------------------------------- people and organisations


def _user(b: _Builder, t: datetime) -> StoredRecord:
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
            for fid, name in _FEATURES
        ],
        "customfields": b.custom_fields() if rng.random() < 0.4 else [],
        "trackingcentredefaults": [
            {"labourtrackingcentreid": tc["trackingcentreid"], "labourtrackingcentrename": tc["name"]}
        ],
        "notes": [],
        "documentsandphotos": [],
    }
    return StoredRecord(data, joins, t, None)


def _organisation(b: _Builder, t: datetime, kind: str) -> StoredRecord:
    """Clients and Suppliers share a shape (§6.3, §6.5)."""
    rng = b.rng
    given, surname = b.person()
    n = b.seq(kind, 1)
    supplier_type = rng.choice(("wholesaler", "wholesaler", "contractor"))
    for attempt in range(20):  # names are unique in AroFlo ("Client already exists", §3.7)
        if kind == "clients":
            name = (
                f"{rng.choice(_SURNAMES)} {rng.choice(_BUSINESS_KINDS)}"
                if rng.random() < 0.75
                else f"{rng.choice(_GIVEN)} {rng.choice(_SURNAMES)}"
            )
        else:
            kinds = _SUPPLIER_KINDS[:6] if supplier_type == "wholesaler" else _SUPPLIER_KINDS[6:]
            name = f"{rng.choice(_SUBURBS)[0]} {rng.choice(kinds)}"
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
            "abn": _abn(rng) if rng.random() < 0.7 else "",
            "address": _address_obj(p, gps=True),
            "mailingaddress": _address_obj(p, gps=False),
            # Integrations reset postable after reading (§6.3): old records mostly FALSE.
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
            "orgs": [
                {"orgid": bu.data["orgid"], "orgname": bu.data["businessunitname"], "archived": "false"}
            ],
            "contacts": [],
            "locations": [],
            "customfields": [],
            "notes": [],
            "documentsandphotos": [],
        }
    )
    if kind == "clients":
        data["usecustompriorities"] = "false"
        data["priorities"] = []
    joins: dict[str, Any] = {
        "contacts": [],
        "locations": [],
        "notes": [],
        "documentsandphotos": [],
        "customfields": b.custom_fields() if rng.random() < 0.3 else [],
    }
    if kind == "clients":
        joins["priorities"] = []
    rec = StoredRecord(data, joins, t, None)
    rec.hidden.update(
        archived="true" if rng.random() < 0.05 else "false", locations=[], contacts=[], task_seq=0
    )
    b.index[data[key]] = rec
    types = b.recs["tasktypes"]
    if kind == "clients" and n <= 2 and len(types) > n:  # a couple of types restricted to one client
        types[-n].hidden["clientid"] = data[key]
    return rec


def _client(b: _Builder, t: datetime) -> StoredRecord:
    return _organisation(b, t, "clients")


def _supplier(b: _Builder, t: datetime) -> StoredRecord:
    return _organisation(b, t, "suppliers")


def _location_join_shape(d: dict[str, Any]) -> dict[str, Any]:
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


def _location(b: _Builder, t: datetime) -> StoredRecord:
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
    shape = _location_join_shape(data)
    shape["customfields"] = joins["customfields"]
    _attach(owner, "locations", shape, rec, "locationid")
    return rec


def _contact(b: _Builder, t: datetime) -> StoredRecord:
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
    _attach(
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


def _clientnote(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    client = b.pick("clients", t)
    user = b.pick("users", t)
    assert client is not None and user is not None
    local = to_local(t)
    content = rng.choice(_NOTE_TEXTS)
    data = {
        "noteid": b.long_id(),
        "clientid": client.data["clientid"],
        "content": content,
        "filter": rng.choice(_NOTE_FILTERS),
        "sticky": "1" if rng.random() < 0.08 else "0",
        "user": {"userid": user.data["userid"], "username": user.data["username"]},
        "created_utc": fmt_datetime(t),
        "datetimeposted": fmt_datetime(local),
    }
    rec = StoredRecord(data, {}, t, None)
    _attach(
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


# --------------------------------------------------------------------------- projects


def _project(b: _Builder, t: datetime) -> StoredRecord:
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
        "projectname": f"{client.data['clientname']} {rng.choice(_PROJECT_KINDS)}",
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


def _stage(b: _Builder, t: datetime) -> StoredRecord:
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
        "stagename": names[n % len(names)] + ("" if n < len(names) else f" {n}"),
        "stagetype": {"stagetypeid": "", "stagetype": ""},
        "substatus": {"substatusid": "", "substatus": ""},
    }
    rec = StoredRecord(data, {}, t, None)
    # Start_date (default filter, §5.1) is not in the record: the local day the stage starts.
    start = to_local(t) + timedelta(days=rng.randint(0, 14))
    rec.hidden["start_date"] = datetime(start.year, start.month, start.day)
    project.hidden["stages"].append(rec)
    return rec


# --------------------------------------------------------------------------- inventory


def _inventory(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    n = b.seq("item", 0)
    maker, stem, cat_i, base = _ITEMS[n % len(_ITEMS)]
    variant = _SIZES_TXT[(n // len(_ITEMS)) % len(_SIZES_TXT)]
    extra = n // (len(_ITEMS) * len(_SIZES_TXT))
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


def _stock_holder(b: _Builder) -> tuple[str, str, str, StoredRecord]:
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


def _stocklevel(b: _Builder, t: datetime) -> StoredRecord:
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
    # Joined into Inventory with UTC fields too (D:inventory join sample).
    _attach(
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


def _inventorylist(b: _Builder, t: datetime) -> StoredRecord:
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
        "listname": names[n % len(names)] + ("" if n < len(names) else f" {n}"),
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


# --------------------------------------------------------------------------- tasks and their lines

_BLANK_CONTACT = {"surname": "", "givennames": "", "userid": ""}


def _task_status_for(b: _Builder, t: datetime) -> str:
    age = (b.now - t).days
    r = b.rng.random()
    if age > 120:
        return "Archived" if r < 0.35 else ("Completed" if r < 0.93 else ("Pending" if r < 0.97 else "Quote"))
    if age > 30:
        return ("Completed", "Completed", "Completed", "Archived", "Pending", "In Progress", "Quote")[
            int(r * 7)
        ]
    return ("Not Started", "Not Started", "In Progress", "In Progress", "Pending", "Completed", "Quote")[
        int(r * 7)
    ]


def _task(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    client = b.pick("clients", t)
    assert client is not None
    cd = client.data
    bu = b.recs["businessunits"][0 if rng.random() < 0.75 else rng.randrange(len(b.recs["businessunits"]))]
    ttype = b.choice("tasktypes").data
    locs = [r for r in client.hidden["locations"] if r.created_utc <= t]
    loc = rng.choice(locs) if locs and rng.random() < 0.8 else None
    contacts = [r for r in client.hidden["contacts"] if r.created_utc <= t]
    contact = rng.choice(contacts).data if contacts and rng.random() < 0.6 else None
    local = to_local(t)
    status = _task_status_for(b, t)
    client.hidden["task_seq"] += 1
    due = local.replace(hour=0, minute=0, second=0) + timedelta(days=rng.randint(1, 21))
    completed = linkproc = None
    if status in ("Completed", "Archived"):
        completed_utc = b.after(t, 20)
        completed = to_local(completed_utc)
        if rng.random() < 0.6:
            linkproc = to_local(b.after(completed_utc, 10))
    readtask = status != "Not Started" or rng.random() < 0.4
    priorities = b.recs["priorities"]
    priority: Any = (
        rng.choice(priorities).data["priorityid"] if rng.random() < 0.3 else 0
    )  # number 0 when unset
    place = loc.data if loc else {"gpslat": cd["address"]["gpslat"], "gpslong": cd["address"]["gpslong"]}
    jobnumber = str(b.seq("jobnumber", 1036))
    data: dict[str, Any] = {
        "taskid": b.long_id(),
        "jobnumber": jobnumber,
        "refcode": f"{cd['shortname']}{client.hidden['task_seq']}",
        "custon": f"W{rng.randint(100000, 999999)}/{rng.randint(1, 9)}" if rng.random() < 0.35 else "",
        "taskname": rng.choice(_TASK_NAMES),
        "description": rng.choice(
            (
                "Task Description",
                "<p>Client reports issue, please attend.</p>",
                "Attend and quote",
                "<p>Routine service as per schedule.</p>",
                "Tenant reports leak under kitchen sink.",
            )
        ),
        "contactname": f"{contact['givennames']} {contact['surname']}"
        if contact
        else cd["firstname"] + " " + cd["surname"],
        "contactphone": (contact["mobile"] or contact["phone"]) if contact else cd["phone"],
        "contact": {
            "surname": contact["surname"],
            "givennames": contact["givennames"],
            "userid": contact["userid"],
        }
        if contact
        else dict(_BLANK_CONTACT),
        "status": status,
        "substatus": {"substatusid": "", "substatus": ""},
        "linkprocessed": "true" if linkproc else "false",
        "linkprocesseddate": fmt_datetime(linkproc) if linkproc else DT_BLANK,  # holds a datetime (§3.6)
        "readtask": "true" if readtask else "false",
        "readtaskdatetime": fmt_datetime(to_local(b.after(t, 3))) if readtask else DT_BLANK,
        "requestdate": fmt_date(local),
        "requestdatetime": fmt_datetime(local),
        "duedate": fmt_date(due),
        "duedatetime": fmt_datetime(due),
        "completeddate": fmt_date(completed) if completed else D_BLANK,
        "completeddatetime": fmt_datetime(completed) if completed else DT_BLANK,
        "createdutc": fmt_date(t),
        "createddatetimeutc": fmt_datetime(t),
        "lastupdatedutc": D_BLANK,
        "lastupdateddatetimeutc": DT_BLANK,
        "client": {"clientid": cd["clientid"], "clientname": cd["clientname"]},
        "org": org_ref(bu),
        "tasktype": ttype["tasktype"],
        "tasktasktype": {"tasktypeid": ttype["tasktypeid"], "tasktype": ttype["tasktype"]},
        "tasklocation": {
            "locationid": loc.data["locationid"] if loc else "",
            "locationname": loc.data["locationname"]
            if loc
            else f"{cd['address']['addressline1']}, {cd['address']['suburb']}",
        },
        "priority": priority,
        "assetid": "",
        "gpslatitude": place["gpslat"],
        "gpslongitude": place["gpslong"],
        "webappEncodedID": b.webapp_id(),
        # Joinable areas: always present, empty unless joined (§3.4).
        "assets": [],
        "assigneds": [],
        "customfields": [],
        "documentsandphotos": [],
        "expenses": [],
        "labours": [],
        "materials": [],
        "purchaseorders": [],
        "salesperson": [],
        "tasknotes": [],
        "location": {},
        "project": {},
        "stage": {},
        "tasktotals": {},
        "quote": {},
    }
    user = b.pick("users", t)
    joins: dict[str, Any] = {
        "tasknotes": [
            b.note(b.after(t, 30), b.pick("users", t) if rng.random() < 0.7 else None, task_style=True)
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))
        ],
        "assigneds": [],
        "materials": [],
        "labours": [],
        "expenses": [],
        "purchaseorders": [],
        "assets": [],
        "customfields": b.custom_fields() if rng.random() < 0.3 else [],
        "documentsandphotos": [b.attachment(b.after(t, 5), user)] if rng.random() < 0.15 else [],
        "salesperson": [],
        "project": {},
        "stage": {},
        "quote": {},
        "tasktotals": {"totallab": "0.00", "totalmat": "0.00", "totalexp": "0.00", "totalhrs": "0.00"},
        "substatus": {"substatusid": "", "substatus": ""},
        "location": {},
    }
    for _ in range(rng.choice((1, 1, 1, 2))):
        who = b.pick("users", t)
        if who is None:
            break
        at = to_local(b.after(t, 2))
        joins["assigneds"].append(
            {
                "user": user_ref(who),
                "org": {"orgid": "", "orgname": ""},
                "dateassigned": fmt_date(at),
                "timeassigned": fmt_human(at),
                "dateunassigned": "",
                "timeunassigned": "",
                "readtask": data["readtask"],
                "readtaskdatetime": data["readtaskdatetime"],
            }
        )
    if loc is not None:
        joins["location"] = {
            **_location_join_shape(loc.data),
            "customfields": loc.joins.get("customfields", []),
        }
    if status in ("Pending", "In Progress", "Not Started") and rng.random() < 0.4:
        sub = b.choice("substatuses").data
        joins["substatus"] = {"substatusid": sub["substatusid"], "substatus": sub["substatus"]}
    if rng.random() < 0.3 and user is not None:
        ud = user.data
        joins["salesperson"] = [
            {"user_id": ud["userid"], "givenname": ud["givennames"], "surname": ud["surname"]}
        ]
    rec = StoredRecord(data, joins, t, None)
    sales = (
        joins["salesperson"][0] if joins["salesperson"] else {"user_id": "", "givenname": "", "surname": ""}
    )
    rec.hidden.update(
        salesperson_id=sales["user_id"],
        salesperson_givenname=sales["givenname"],
        salesperson_surname=sales["surname"],
        deleted_local=None,
        requested_local=local,
        completed_local=completed,
    )
    project = b.pick("projects", t) if rng.random() < 0.15 else None
    if project is not None:
        pd = project.data
        stages = [s for s in project.hidden.get("stages", []) if s.created_utc <= t]
        joins["project"] = {
            "projectid": pd["projectid"],
            "projectname": pd["projectname"],
            "projectnumber": pd["projectnumber"],
            "refno": pd["refno"],
            "status": pd["status"].title(),
            "startdate": pd["startdate"],
            "enddate": pd["enddate"],
            "closeddate": pd["closeddate"],
            "manager": pd["manageruser"]["username"],
            "contact": pd["contactuser"]["username"],
            "projecttype": pd["projecttype"]["projecttype"],
            "custon": pd["custon"],
            "description": pd["description"],
            "location": pd["location"]["locationname"],
        }
        if stages:
            st = rng.choice(stages).data
            joins["stage"] = {"stageid": st["stageid"], "stagename": st["stagename"]}
    return rec


def _add_totals(task: StoredRecord, key: str, amount: float, hours: float = 0.0) -> None:
    tt = task.joins["tasktotals"]
    tt[key] = money2(float(tt[key]) + amount)
    if hours:
        tt["totalhrs"] = money2(float(tt["totalhrs"]) + hours)


def _material(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    task = b.pick("tasks", t, window=60)
    assert task is not None
    item = b.pick("inventory", t) if rng.random() < 0.75 else None
    who = b.pick("users", t)
    assert who is not None
    qty = rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 7, 10, 25, 30))
    if item is not None:
        d = item.data
        cost, sell = float(d["costex"]), float(d["sell_task"])
        itemid, part, desc, inv = d["itemid"], d["partnumber"], d["description"], "true"
    else:
        cost = round(rng.uniform(0, 120), 2)
        sell = round(cost * 1.2, 2)
        itemid, part, desc, inv = (
            "",
            "",
            rng.choice(("something", "sundries", "fixings", "sealant", "adaptor")),
            "false",
        )
    processed = (b.now - t).days > 20 and rng.random() < 0.5
    proc = to_local(b.after(t, 15)) if processed else None
    ordered = rng.random() < 0.1
    dl = to_local(b.after(t, 5)) if rng.random() < 0.015 else None  # soft-deleted lines stay listed
    data = {
        "matlinkprocesseddatetime": fmt_datetime(proc) if proc else DT_BLANK,
        "matlinkprocesseddate": fmt_date(proc) if proc else D_BLANK,
        "task": _task_brief(task),
        "quantity": str(qty),
        "matlinkprocessed": "true" if processed else "false",
        "purchaseorderisordered": "true" if ordered else "false",
        "deleted": "true" if dl else "false",
        "takenfrom": {
            "takenfromid": who.data["userid"],
            "takenfromtype": "user",
            "takenfromname": f"{who.data['givennames']} {who.data['surname']}",
        },
        "item": desc,
        "cost": money4(cost),
        "deleteddate": fmt_date(dl) if dl else D_BLANK,
        "sell": money4(sell),
        "lineid": b.long_id(),
        "purchaseorderqtybilled": money4(qty) if ordered else "",
        "partnumber": part,
        "purchaseorderqtyordered": money4(qty) if ordered else "",
        "deletedtime": fmt_human(dl) if dl else "",
        "dateused": fmt_date(to_local(t)),
        "itemid": itemid,
        "isinventory": inv,
        "deleteddatetime": fmt_datetime(dl) if dl else DT_BLANK,
    }
    rec = StoredRecord(data, {}, t, None)
    _attach(task, "materials", _without(data, "task"), rec)
    if dl is None:
        _add_totals(task, "totalmat", qty * sell)
    return rec


def _labour(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    task = b.pick("tasks", t, window=60)
    who = b.pick("users", t)
    assert task is not None and who is not None
    local = to_local(t)
    start = local.replace(hour=rng.randint(6, 14), minute=rng.choice((0, 15, 30, 45)), second=0)
    hours = rng.choice((0.5, 1, 1, 1.5, 2, 2, 3, 4, 6, 8))
    end = start + timedelta(hours=hours)
    rate = rng.choice((83.0, 95.0, 110.0, 125.0))
    processed = (b.now - t).days > 20 and rng.random() < 0.5
    proc = fmt_date(to_local(b.after(t, 15))) if processed else D_BLANK
    deleted = rng.random() < 0.02
    dl = to_local(b.after(t, 5)) if deleted else None
    data = {
        "labverified": "true" if rng.random() < 0.3 else "false",
        "task": _task_brief(task),
        "worktype": rng.choice(("NT", "NT", "NT", "OT1", "OT2", "TT")),
        "workdatetimeend": fmt_datetime(end),
        "lablinkprocesseddatetime": proc,  # a date despite the name (§3.6)
        "endtime": fmt_human(end),
        "lablinkprocesseddate": proc,
        "deleted": "1" if deleted else "0",
        "user": {"userid": who.data["userid"], "username": f"{who.data['givennames']} {who.data['surname']}"},
        "lablinkprocessed": "true" if processed else "false",
        "cost": money4(hours * rate * 0.55),
        "starttime": fmt_human(start),
        "deleteddate": fmt_date(dl) if dl else D_BLANK,
        "hours": f"{hours:.2f}",
        "sell": money4(hours * rate),
        "lineid": b.long_id(),
        "workdatetimestart": fmt_datetime(start),
        "note": rng.choice(("", "", "this is a task labour", "travel + diagnosis", "install and test")),
        "lablocked": "true" if processed else "false",
        "deletedtime": fmt_human(dl) if dl else "",
        "deleteddatetime": fmt_datetime(dl) if dl else DT_BLANK,
        "workdate": fmt_date(start),
    }
    rec = StoredRecord(data, {}, t, None)
    rec.hidden.update(isinventory="false", labeodapproved="true" if rng.random() < 0.2 else "false")
    _attach(task, "labours", _without(data, "task"), rec)
    if not deleted:
        _add_totals(task, "totallab", hours * rate, hours)
    return rec


def _expense(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    task = b.pick("tasks", t, window=60)
    who = b.pick("users", t) if rng.random() < 0.6 else None
    assert task is not None
    cost = rng.choice((8.5, 15.0, 22.0, 35.0, 60.0, 120.0, 250.0))
    data = {
        "overheadallocation": "",
        "cost": money4(cost),
        "task": _task_brief(task),
        "sell": money4(cost),
        "description": rng.choice(("parking", "tolls", "skip bin", "equipment hire", "permit fee")),
        "quantity": rng.choice(("0", "1", "1", "2")),
        "lineid": b.long_id(),
        "dateused": fmt_date(to_local(t)),
        "user": {"userid": who.data["userid"], "username": f"{who.data['givennames']} {who.data['surname']}"}
        if who
        else {"userid": "", "username": ""},
    }
    rec = StoredRecord(data, {}, t, None)
    processed = (b.now - t).days > 20 and rng.random() < 0.5
    rec.hidden.update(
        linkprocessed="true" if processed else "false",
        linkprocessed_local=to_local(b.after(t, 15)) if processed else None,
    )
    _attach(task, "expenses", _without(data, "task"), rec)
    _add_totals(task, "totalexp", cost)
    return rec


# --------------------------------------------------------------------------- quotes


def _quote(b: _Builder, t: datetime) -> StoredRecord:
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
    expiry = local + timedelta(days=30)
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
        "taskdescription": _html(td["description"]),
        **dpair("created", local),
        **dpair("due", due),
        **dpair("approved", approved),
        **dpair("rejected", rejected),
        **dpair("acceptance", accepted),
        **dpair("acceptanceexpiry", expiry),
        "client": client,
        "org": dict(td["org"]),
        "task": _task_summary(task, "clientid"),
        "address": {
            "address1": p["addressline1"],
            "address2": "",
            "suburb": p["suburb"],
            "state": p["state"],
            "postcode": p["postcode"],
        },
        "contactname": td["contactname"],
        "contactphone": td["contactphone"],
        "estimator": user_ref(est) if rng.random() < 0.7 else {},
        "acceptedby": {"userid": td["contact"]["userid"], "username": td["contactname"]} if accepted else {},
        "substatus": {"substatusid": sub["substatusid"], "substatus": sub["substatus"]}
        if sub
        else {"substatusid": "", "substatus": ""},
        "project": {},
        "stage": {},
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
        "notes": [b.note(b.after(t, 10), est)] if rng.random() < 0.3 else [],
        "documentsandphotos": [],
        "project": dict(task.joins["project"]),
        "stage": dict(task.joins["stage"]),
    }
    rec = StoredRecord(data, joins, t, None)
    # The task's quote join shows its (latest) quote's totals (§6.1); kept in step by _sum_quote.
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


def _quoteline(b: _Builder, t: datetime) -> StoredRecord:
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
    rec.hidden["daterecorded"] = to_local(t)  # DateRecorded (default filter, §5.1)
    _attach(quote, "lines", _without(data, "quote"), rec)
    _sum_quote(quote)
    return rec


# --------------------------------------------------------------------------- invoices, payments


def _invoice_line(b: _Builder, task: StoredRecord | None, tc: dict[str, Any]) -> dict[str, Any]:
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


def _invoice(b: _Builder, t: datetime) -> StoredRecord:
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
    lines = [_invoice_line(b, task, b.choice("trackingcentres").data) for _ in range(rng.randint(1, 4))]
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
        "address": {
            "address1": p["addressline1"],
            "address2": "",
            "suburb": p["suburb"],
            "state": p["state"],
            "postcode": p["postcode"],
        },
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
        "task": _task_summary(task),
        "project": dict(task.joins["project"]),
        "stage": dict(task.joins["stage"]),
        "notes": [],
        "documentsandphotos": [],
    }
    rec = StoredRecord(data, joins, t, None)
    rec.hidden.update(
        taskid=td["taskid"],
        task_requested=task.hidden["requested_local"],
        task_completed=task.hidden["completed_local"],
        linkprocessed="true" if proc else "false",
        cusinvoiced="false",
    )
    return rec


def _payment(b: _Builder, t: datetime) -> StoredRecord:
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


# --------------------------------------------------------------------------- purchasing


def _po_line(b: _Builder, task: StoredRecord | None, t: datetime) -> dict[str, Any]:
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


def _purchaseorder(b: _Builder, t: datetime) -> StoredRecord:
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
        "address": _addr5(
            {
                "street": bu.data["address"]["addressline1"],
                "suburb": bu.data["address"]["suburb"],
                "state": bu.data["address"]["state"],
                "postcode": bu.data["address"]["postcode"],
            }
        ),
        "acceptancestatus": "",
    }
    joins: dict[str, Any] = {
        "lines": lines,
        "tasks": [_task_summary(task)] if task else [],
        "documentsandphotos": [],
        "projects": [task.joins["project"]] if task and task.joins["project"] else [],
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


def _workorder(b: _Builder, t: datetime) -> StoredRecord:
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
        "tasks": [_task_summary(task)],
        "bills": [],
        "documentsandphotos": [],
        "notes": [b.note(b.after(t, 3), user)] if rng.random() < 0.3 else [],
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


def _workorderline(b: _Builder, t: datetime) -> StoredRecord:
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
    rec.hidden["wo_created_utc"] = wo.created_utc  # wo_order.created_UTC (default filter, §5.1)
    _attach(wo, "lines", _without(data, "workorder"), rec)
    _sum_lines(wo, "totalex", "totaltax")
    return rec


def _bill(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    wo = b.pick("workorders", t, window=60) if rng.random() < 0.2 else None
    po = None if wo is not None else b.pick("purchaseorders", t, window=100)
    user = b.pick("users", t)
    assert user is not None
    supplier_id = po.data["supplier"]["orgid"] if po else (wo.data["contractor"]["orgid"] if wo else "")
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
        "supplier": {"orgid": supplier_id},
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
    tasks = list(parent.joins["tasks"]) if parent else []
    joins = {"lines": [], "tasks": tasks, "notes": [], "documentsandphotos": []}
    rec = StoredRecord(data, joins, t, None)
    rec.hidden["linkprocessed_local"] = to_local(b.after(t, 10)) if status == "processed" else None
    rec.hidden["task_ids"] = [x["taskid"] for x in tasks]
    if wo is not None:
        wo.joins["bills"].append(
            {"billid": data["billid"], "billnumber": data["billnumber"], "status": status}
        )
    return rec


def _billline(b: _Builder, t: datetime) -> StoredRecord:
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
    shape = _without(data, "billid", "qtyreceived")
    shape["itemtype"] = "Material" if item or rng.random() < 0.8 else "Freight"
    _attach(bill, "lines", shape, rec)
    lines = bill.joins["lines"]
    ex = sum(float(ln["total"]) for ln in lines)
    tax = sum(float(ln["taxamount"]) for ln in lines)
    bill.data.update(totalex=money2(ex), totalgst=money2(tax), totalinc=money2(ex + tax))
    return rec


# --------------------------------------------------------------------------- assets, timesheets, schedules


def _asset(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    client = b.pick("clients", t)
    assert client is not None
    cat = b.choice("assetcategories").data
    locs = [r for r in client.hidden["locations"] if r.created_utc <= t]
    loc = rng.choice(locs) if locs else None
    maker = rng.choice(("Daikin", "Rheem", "Rinnai", "Mitsubishi Electric", "Zip", "Grundfos", "Wilkins"))
    data = {
        "assetid": b.long_id(),
        "assetname": f"{maker} {cat['categoryname']} {rng.randint(1, 99)}",
        "category": {"categoryid": cat["categoryid"], "categoryname": cat["categoryname"]},
        "ordercode": f"AS{rng.randint(1000, 9999)}",
        "customerid": f"C{rng.randint(100, 999)}" if rng.random() < 0.5 else "",
        "serialnumber": f"{maker[:2].upper()}{rng.getrandbits(32):08X}",
        "barcode": str(rng.randint(10**11, 10**12 - 1)),
        "modelnumber": f"M{rng.randint(100, 999)}-{rng.randint(10, 99)}",
        "manufacturer": maker,
        "supplier": "",
        "odo": "0",
        "odotype": "",
        "cost": money4(rng.uniform(200, 9000)),
        "quantity": "1",
        "archived": "true" if rng.random() < 0.06 else "false",
        "datecreated": fmt_date(to_local(t)),
        "lastupdatedutc": D_BLANK,
        "lastupdateddatetimeutc": DT_BLANK,
        "client": {"clientid": client.data["clientid"], "clientname": client.data["clientname"]},
        "org": org_ref(b.recs["businessunits"][0]),
        "location": {},
        "assettypes": [],
        "customfields": [],
        "notes": [],
        "documentsandphotos": [],
    }
    joins = {
        "customfields": b.custom_fields(numeric_ids=True),  # asset fieldids are numeric strings (§3.3)
        "location": {**_location_join_shape(loc.data), "customfields": loc.joins.get("customfields", [])}
        if loc
        else {},
        "notes": [],
        "documentsandphotos": [],
    }
    return StoredRecord(data, joins, t, None)


def _timesheet(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    user = b.pick("users", t)
    assert user is not None
    kind = rng.choice(("Productive", "Productive", "Productive", "Non-Productive", "Expense"))
    task = b.pick("tasks", t, window=60) if kind == "Productive" else None
    local = to_local(t)
    start = local.replace(hour=rng.randint(6, 13), minute=rng.choice((0, 15, 30, 45)), second=0)
    hours = rng.choice((0.5, 1, 2, 3, 4, 7.6, 8))
    finish = start + timedelta(hours=hours)
    rate = rng.choice((45.0, 52.0, 60.0))
    charge = rng.choice((83.0, 95.0, 110.0)) if task else 0.0
    tc = b.choice("trackingcentres").data
    verified = (b.now - t).days > 7 and rng.random() < 0.7
    ud = user.data
    who = {"userid": ud["userid"], "givennames": ud["givennames"], "surname": ud["surname"]}
    data = {
        "timesheetid": b.long_id(),
        "workdate": fmt_date(start),
        "startdatetime": fmt_datetime(start),
        "finishdatetime": fmt_datetime(finish),
        "hours": f"{hours:.2f}",
        "type": kind,
        "note": rng.choice(("", "", "Site visit", "Training", "Travel", "Workshop")),
        "user": who,
        "task": {
            "taskid": task.data["taskid"],
            "jobnumber": task.data["jobnumber"],
            "taskname": task.data["taskname"],
        }
        if task
        else {"taskid": "", "jobnumber": "", "taskname": ""},
        "worktype": {
            "worktypeid": "IyZKUyAK",
            "worktype": "NT",
            "worktypedescription": "Normal Time",
            "worktyperatetype": "Hourly",
        },
        "overhead": {"overheadid": "", "overhead": "", "overheadtype": "", "overheadunit": ""}
        if kind != "Non-Productive"
        else {
            "overheadid": "IyZKXyEK",
            "overhead": rng.choice(("Training", "Admin", "Leave")),
            "overheadtype": "Time",
            "overheadunit": "Hours",
        },
        "trackingcentre": {"trackingcentreid": tc["trackingcentreid"], "trackingcentre": tc["name"]},
        "costrate": money4(rate),
        "cost": money4(rate * hours),
        "chargerate": money4(charge),
        "charge": money4(charge * hours),
        "hourlyrate": money4(rate),
        "resourceoverheadrate": money4(0),
        "grouping": {"groupid": b.short_id(), "tsgroupid": str(rng.randint(1000, 99999))},
        "insertedby": dict(who),
        "inserteddatetimeutc": fmt_datetime(t),
        "verifiedby": {
            **(dict(who) if verified else {"userid": "", "givennames": "", "surname": ""}),
            "isverified": "true" if verified else "false",
            "verifieddatetime": fmt_datetime(to_local(b.after(t, 7))) if verified else DT_BLANK,
        },
    }
    return StoredRecord(data, {}, t, None)


def _schedule(b: _Builder, t: datetime) -> StoredRecord:
    rng = b.rng
    local = to_local(t)
    kind = rng.choice(("task", "task", "task", "task", "ad-hoc event", "periodic"))
    task = b.pick("tasks", t, window=40) if kind == "task" else None
    target = b.pick("assets", t) if kind == "periodic" and rng.random() < 0.3 else None
    to_asset = target is not None
    target = target or b.pick("users", t)
    inserter = b.pick("users", t)
    assert target is not None and inserter is not None
    # Scheduled ahead of when it was entered, so recent entries land in the future.
    start = (local + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 7, 14, 30, 45)))).replace(
        hour=rng.randint(6, 16), minute=rng.choice((0, 30)), second=0
    )
    hours = rng.choice((1, 1, 2, 2, 3, 4, 8))
    end = start + timedelta(hours=hours)
    if task is not None:
        stype = {
            "typename": task.data["tasklocation"]["locationname"],
            "typeid": task.data["taskid"],
            "type": "task",
        }
    elif kind == "periodic":
        stype = {"typename": "Quarterly Service", "typeid": "JCYqXyVRICAgCg==", "type": "periodic"}
    else:
        stype = {"typename": "An Adhoc Meeting", "typeid": "JCcqVy1QICAgCg==", "type": "ad-hoc event"}
    if to_asset:
        sched_to = {
            "scheduledtoid": target.data["assetid"],
            "scheduledtoname": target.data["assetname"][:50],
            "scheduledtotype": "asset",
        }
    else:
        sched_to = {
            "scheduledtoid": target.data["userid"],
            "scheduledtoname": f"{target.data['givennames']} {target.data['surname']}",
            "scheduledtotype": "user",
        }
    sched_to["crew"] = (
        {"crewid": "IiQ6LCAK", "crewname": "Dream Team"}
        if rng.random() < 0.1
        else {"crewid": "", "crewname": ""}
    )
    iu = inserter.data
    data = {
        "scheduletype": stype,
        "scheduleid": b.long_id(),
        "startdate": fmt_date(start),
        "org": org_ref(b.recs["businessunits"][0]),
        "insertedby": {"surname": iu["surname"], "givennames": iu["givennames"], "userid": iu["userid"]},
        "ishidden": "false",
        "enddate": fmt_date(end),
        "islocked": "true" if rng.random() < 0.05 else "false",
        "inserteddatetimeutc": fmt_datetime(t),
        "hours": str(hours),
        "note": rng.choice(("", "", "Go fix the thing", "to discuss things", "Bring ladder")),
        "enddatetime": fmt_datetime(end),
        "grouping": {"groupid": b.short_id()},
        "scheduledto": sched_to,
        "startdatetime": fmt_datetime(start),
    }
    rec = StoredRecord(data, {}, t, None)
    rec.hidden["taskid"] = task.data["taskid"] if task else ""
    return rec


# --------------------------------------------------------------------------- documents, messages


def _document(b: _Builder, t: datetime) -> StoredRecord:
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
    return StoredRecord(data, {}, t, None)


def _message(b: _Builder, t: datetime) -> StoredRecord:
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
        "message": _html(rng.choice(_NOTE_TEXTS)),
        "filtertype": rng.choice(("Internal Only", "Show All")),
        "subject": rng.choice(subjects),
        "lastupdated": "",
        "postedby": f"{user.data['givennames']} {user.data['surname']}",
        "dateposted": fmt_date(to_local(t)),
        "specificfilter": {"specificfilterid": "", "specificfiltername": ""},
    }
    return StoredRecord(data, {}, t, None)


def _messagetemplate(b: _Builder, t: datetime) -> StoredRecord:
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
            "templatename": f"{rng.choice(_TEMPLATE_NAMES)} {n}",
            "templatesubject": rng.choice(("Your booking", "Reminder: [Task]", "", "Quote [Job Number]")),
        },
        {},
        t,
        None,
    )


# --------------------------------------------------------------------------- generation plan

Factory = Callable[[_Builder, datetime], StoredRecord]

# (zone key, factory, kind) in dependency order. kind: "ref" = small reference zone created at
# set-up; otherwise keyword flags for _Builder.times.
_PLAN: tuple[tuple[str, Factory, dict[str, Any]], ...] = (
    ("businessunits", _businessunit, {"ref": True}),
    ("permissiongroups", _permissiongroup, {"ref": True}),
    ("userposition", _userposition, {"ref": True}),
    ("transactionterms", _transactionterm, {"ref": True}),
    ("priorities", _priority, {"ref": True}),
    ("tasktypes", _tasktype, {"ref": True}),
    ("substatuses", _substatus, {"ref": True}),
    ("trackingcentres", _trackingcentre, {"ref": True}),
    ("inventorycategories", _inventorycategory, {"ref": True}),
    ("customholders", _customholder, {"ref": True}),
    ("assetcategories", _assetcategory, {"ref": True}),
    ("users", _user, {"founders": 4}),
    ("clients", _client, {"import_burst": True, "founders": 1}),
    ("suppliers", _supplier, {"import_burst": True, "founders": 2}),
    ("locations", _location, {}),
    ("contacts", _contact, {}),
    ("clientnotes", _clientnote, {}),
    ("projects", _project, {}),
    ("stages", _stage, {}),
    ("inventory", _inventory, {"import_burst": True, "founders": 1}),
    ("inventorystocklevels", _stocklevel, {}),
    ("inventorylists", _inventorylist, {"ref": True}),
    ("tasks", _task, {}),
    ("taskmaterials", _material, {}),
    ("tasklabours", _labour, {}),
    ("taskexpenses", _expense, {}),
    ("quotes", _quote, {}),
    ("quotelineitems", _quoteline, {}),
    ("invoices", _invoice, {}),
    ("payments", _payment, {}),
    ("purchaseorders", _purchaseorder, {}),
    ("workorders", _workorder, {}),
    ("workorderlineitems", _workorderline, {}),
    ("bills", _bill, {}),
    ("billlineitems", _billline, {}),
    ("assets", _asset, {}),
    ("timesheets", _timesheet, {}),
    ("schedules", _schedule, {}),
    ("documentsandphotos", _document, {}),
    ("messageboard", _message, {}),
    ("messagetemplates", _messagetemplate, {}),
)
_FACTORIES: dict[str, Factory] = {key: f for key, f, _ in _PLAN}

# A child zone's history starts a day after its parent's first record, so every child can
# reference a parent created before it.
_PARENTS: dict[str, str] = {
    "locations": "clients",
    "contacts": "clients",
    "clientnotes": "clients",
    "projects": "clients",
    "stages": "projects",
    "inventorystocklevels": "inventory",
    "tasks": "clients",
    "taskmaterials": "tasks",
    "tasklabours": "tasks",
    "taskexpenses": "tasks",
    "quotes": "tasks",
    "quotelineitems": "quotes",
    "invoices": "tasks",
    "payments": "invoices",
    "purchaseorders": "suppliers",
    "workorders": "tasks",
    "workorderlineitems": "workorders",
    "bills": "purchaseorders",
    "billlineitems": "bills",
    "assets": "clients",
    "timesheets": "users",
    "schedules": "users",
    "documentsandphotos": "users",
    "messageboard": "users",
}


def _size(key: str, scale: float) -> int:
    if key in REFERENCE_SIZES:
        return REFERENCE_SIZES[key]
    return max(1, round(BASE_SIZES[key] * scale))


# Text fields the default update edits, first match wins.
_EDITABLE = (
    "description", "note", "content", "message", "comment", "subject", "templatesubject", "stagename",
    "projectname", "assetname", "locationname", "SiteContact", "deliveryinstructions", "reference", "email",
    "item", "groupname", "customholdername", "categoryname", "transactionterm", "shortdescription",
    "Position", "listname", "name",
)  # fmt: skip


def _mutate(zone_key: str, rec: StoredRecord, n: int) -> None:
    """The default change of ``Dataset.update``: a plausible edit of one visible field."""
    d = rec.data
    if zone_key == "tasks":
        nxt = {
            "Quote": "Not Started",
            "Not Started": "In Progress",
            "In Progress": "Pending",
            "Pending": "Completed",
            "Completed": "Archived",
        }.get(d["status"])
        if nxt:
            d["status"] = nxt
            return
    if zone_key == "inventorystocklevels":  # a stock movement
        d["quantity"] = money4(float(d["quantity"]) + 1)
        return
    for key in _EDITABLE:
        if isinstance(d.get(key), str):
            base = d[key].split(" (rev ")[0]
            d[key] = f"{base} (rev {n})"
            return


# --------------------------------------------------------------------------- the dataset


@dataclass
class Dataset:
    now: datetime  # naive UTC "now" the data was generated against
    zones: dict[str, list[StoredRecord]]  # keyed by Zone.param.lower(); "lastupdate" = the change log
    _builder: Any = field(default=None, repr=False, compare=False)
    _log_index: dict[tuple[str, str], StoredRecord] = field(default_factory=dict, repr=False, compare=False)

    def record_id(self, zone: Zone, rec: StoredRecord) -> str:
        """The zoneid LastUpdate uses for a record: its first primary-key field (for the
        LastUpdate zone itself, the logged record's zoneid)."""
        if zone.param.lower() == "lastupdate":
            return str(rec.data["zoneid"])
        return str(rec.data[zone.primary_key[0]])

    # ---- mutations (sandbox control endpoints) ------------------------------------------------
    def create(self, zone_param: str, at: datetime) -> StoredRecord:
        zone, key = self._zone(zone_param)
        if key == "lastupdate":
            raise ValueError("LastUpdate is read only; it changes with the other zones")
        rec = _FACTORIES[key](self._builder, at)
        self._builder.stamp(key, rec, None)
        self.zones[key].append(rec)
        self._log(zone, self.record_id(zone, rec), at, deleted=False)
        self._touch_parent(rec, at)
        return rec

    def update(
        self, zone_param: str, record_id: str, at: datetime, changes: dict | None = None
    ) -> StoredRecord:
        zone, key = self._zone(zone_param)
        rec = self._find(zone, key, record_id)
        if changes:
            for k, v in changes.items():
                if isinstance(v, dict) and isinstance(rec.data.get(k), dict):
                    rec.data[k].update(v)
                else:
                    rec.data[k] = v
        else:
            self._builder.counters["rev"] = self._builder.counters.get("rev", 0) + 1
            _mutate(key, rec, self._builder.counters["rev"])
        self._builder.stamp(key, rec, at)
        self._refresh_parent(rec)
        self._log(zone, record_id, at, deleted=False)
        self._touch_parent(rec, at)
        return rec

    def delete(self, zone_param: str, record_id: str, at: datetime) -> None:
        zone, key = self._zone(zone_param)
        rec = self._find(zone, key, record_id)
        self.zones[key].remove(rec)
        rec.deleted = True
        link = rec.hidden.get("_parent")
        if link is not None:
            parent, join_key, id_field = link
            parent.joins[join_key] = [
                e for e in parent.joins.get(join_key, []) if e.get(id_field) != record_id
            ]
        self._log(zone, record_id, at, deleted=True)
        self._touch_parent(rec, at)

    # ---- helpers ------------------------------------------------------------------------------
    def _zone(self, zone_param: str) -> tuple[Zone, str]:
        zone = zone_for_param(zone_param)
        if zone is None:
            raise KeyError(f"unknown zone {zone_param!r}")
        return zone, zone.param.lower()

    def _find(self, zone: Zone, key: str, record_id: str) -> StoredRecord:
        for rec in self.zones[key]:
            if self.record_id(zone, rec) == record_id:
                return rec
        raise KeyError(f"no {zone.name} record with id {record_id!r}")

    def _touch_parent(self, rec: StoredRecord, at: datetime) -> None:
        """A change to a line, note or contact is a change to its parent too (its totals and joins move
        with it), so the parent is stamped and logged like any other update."""
        link = rec.hidden.get("_parent")
        if link is None:
            return
        parent = link[0]
        for key, records in self.zones.items():
            if key != "lastupdate" and any(r is parent for r in records):
                zone = ZONES[key]
                self._builder.stamp(key, parent, at)
                self._log(zone, self.record_id(zone, parent), at, deleted=False)
                return

    @staticmethod
    def _refresh_parent(rec: StoredRecord) -> None:
        link = rec.hidden.get("_parent")
        if link is None:
            return
        parent, join_key, id_field = link
        for entry in parent.joins.get(join_key, []):
            if entry.get(id_field) == rec.data.get(id_field):
                for k in entry:
                    if k in rec.data:
                        entry[k] = rec.data[k]

    def _log(self, zone: Zone, record_id: str, at: datetime, deleted: bool) -> None:
        """One LastUpdate entry per (zonename, zoneid): the newest change replaces the old one."""
        if zone.lastupdate_name is None or zone.id_reference is None:
            return
        log = self.zones["lastupdate"]
        old = self._log_index.pop((zone.lastupdate_name, record_id), None)
        if old is not None:
            log.remove(old)
        entry = _log_entry(zone, record_id, at, deleted)
        bisect.insort_right(log, entry, key=_created_key)
        self._log_index[(zone.lastupdate_name, record_id)] = entry


def _log_entry(zone: Zone, record_id: str, at: datetime, deleted: bool) -> StoredRecord:
    assert zone.lastupdate_name is not None
    return StoredRecord(
        {
            "zoneid": record_id,
            "zonename": zone.lastupdate_name,
            "zoneidreference": zone.id_reference,
            "lastupdateutc": fmt_datetime(at),
            "isdeleted": 1 if deleted else 0,
        },
        {},
        at,
        None,
    )


def generate(seed: int = 42, now: datetime | None = None, scale: float = 1.0) -> Dataset:
    """Build the deterministic dataset for (seed, now, scale)."""
    if now is None:
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    now = now.replace(tzinfo=None, microsecond=0)
    b = _Builder(seed, now, scale)
    rng = b.rng
    for key, factory, opts in _PLAN:
        zone = ZONES[key]
        n = _size(key, scale)
        if opts.get("ref"):
            created = sorted(_reference_time(b, i) for i in range(n))
        else:
            parent = b.recs.get(_PARENTS.get(key, ""), [])
            lo = max(b.start, parent[0].created_utc + timedelta(days=1)) if parent else b.start
            created = b.times(
                n, recent=zone.default_filter is not None, import_burst=opts.get("import_burst", False), lo=lo
            )
            # The first few (founders, the first import) exist from set-up day.
            for i in range(min(opts.get("founders", 0), n)):
                created[i] = b.setup + timedelta(hours=1, minutes=i)
            created.sort()
        records = b.recs[key]
        for t in created:
            records.append(factory(b, t))
        share = 0.0 if opts.get("ref") else 0.65
        for rec, upd in zip(records, b.update_times(created, share) if share else [None] * n, strict=True):
            b.stamp(key, rec, upd)

    # LastUpdate: one entry per tracked record (its last change), plus a few deletions of
    # records that no longer exist (isdeleted 1, §5.3).
    entries: list[StoredRecord] = []
    ds = Dataset(now=now, zones=b.recs, _builder=b)
    for key, records in b.recs.items():
        zone = ZONES[key]
        if zone.lastupdate_name is None:
            continue
        for rec in records:
            entries.append(
                _log_entry(zone, ds.record_id(zone, rec), rec.updated_utc or rec.created_utc, False)
            )
        for _ in range(len(records) // 200):
            gone = b.start + (now - b.start) * rng.uniform(0.05, 0.999)
            entries.append(_log_entry(zone, b.long_id(), gone.replace(microsecond=0), True))
    entries.sort(key=_created_key)
    b.recs["lastupdate"] = entries
    ds._log_index = {(e.data["zonename"], e.data["zoneid"]): e for e in entries}
    return ds
