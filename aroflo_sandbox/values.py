"""AroFlo's value formats: how the API writes dates, times and money, and how to read them back.

Every scalar is a string. Fields with ``utc`` in the name are UTC; all other dates and times are
Australia/Melbourne local time of the same instant. Blank dates are ``""`` and blank datetimes a single
space (docs/aroflo.md#data-types). Times here are naive ``datetime`` objects, UTC or local as the name says::

    fmt_datetime(datetime(2024, 1, 2, 3, 4, 5))           -> "2024/01/02 03:04:05"
    to_local(datetime(2024, 1, 2, 3, 4, 5))               -> datetime(2024, 1, 2, 14, 4, 5)   (AEDT)
    parse_api_datetime("Oct 23, 2018 7:00:00 AM")         -> datetime(2018, 10, 23, 7, 0, 0)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

MELBOURNE = ZoneInfo("Australia/Melbourne")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBERS = {name: number for number, name in enumerate(_MONTHS, start=1)}
DT_BLANK = " "  # empty datetime: a single space
D_BLANK = ""  # empty date


def fmt_date(t: datetime | date) -> str:
    return t.isoformat()[:10].replace("-", "/")  # C-level formatting: generate() is hot


def fmt_datetime(t: datetime) -> str:
    return t.isoformat(" ", "seconds").replace("-", "/")


def fmt_dash(t: datetime, millis: int) -> str:
    """Clients/Suppliers created fields: ``2018-06-21 10:59:01.8`` (SQL-style fraction)."""
    frac = f"{millis:03d}".rstrip("0") or "0"
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}.{frac}"


def fmt_human(t: datetime) -> str:
    """``Oct 23, 2018 7:00:00 AM`` (labour start/end, note timeposted)."""
    hour = t.hour % 12 or 12
    half = "AM" if t.hour < 12 else "PM"
    return f"{_MONTHS[t.month - 1]} {t.day}, {t.year} {hour}:{t.minute:02d}:{t.second:02d} {half}"


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


def from_local_daytime(local: datetime) -> datetime:
    """Naive local time between 05:00 and 22:00 -> naive UTC (no DST ambiguity at those hours)."""
    day = local.date()
    off = _NOON_OFFSETS.get(day)
    if off is None:
        off = datetime(day.year, day.month, day.day, 12, tzinfo=MELBOURNE).utcoffset() or timedelta(0)
        _NOON_OFFSETS[day] = off
    return local - off


def parse_api_datetime(value: Any) -> datetime | None:
    """Parse any date/datetime shape the API returns (docs/aroflo.md#data-types); None for blanks ("" / " ").

    Shapes: ``2024/01/02``, ``2024/01/02 03:04:05``, ``2018-06-21 10:59:01.8`` (Clients/Suppliers)
    and ``Oct 23, 2018 7:00:00 AM`` (labour start/end, note timeposted).
    """
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    s = value.strip()
    if len(s) < 10:
        return None
    try:
        if s[4] in "/-":
            if len(s) == 10:
                return datetime(int(s[0:4]), int(s[5:7]), int(s[8:10]))
            return datetime(
                int(s[0:4]), int(s[5:7]), int(s[8:10]), int(s[11:13]), int(s[14:16]), int(s[17:19])
            )
        # "Oct 23, 2018 7:00:00 AM"
        mon, day, year, clock, half = s.replace(",", "").split()
        hh, mm, ss = (int(x) for x in clock.split(":"))
        hh = hh % 12 + (12 if half.upper() == "PM" else 0)
        return datetime(int(year), _MONTH_NUMBERS[mon], int(day), hh, mm, ss)
    except (ValueError, KeyError, IndexError):
        return None
