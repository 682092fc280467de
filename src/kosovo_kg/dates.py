"""Partial dates: as printed ("11 June 2008", "February 2008", "2008", "2008-02") plus bounds."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_RE = "|".join(calendar.month_name[1:])

DAY = "Day"
MONTH = "Month"
YEAR = "Year"


@dataclass(frozen=True)
class PartialDate:
    """A date with day, month or year precision, and its earliest/latest bounds."""

    lexical: str  # ISO form: 2008-06-11, 2008-06 or 2008
    precision: str  # Day | Month | Year
    earliest: dt.date
    latest: dt.date

    @property
    def datatype(self) -> str:
        return {DAY: "date", MONTH: "gYearMonth", YEAR: "gYear"}[self.precision]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def make(year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    if month is None:
        return PartialDate(f"{year:04d}", YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if day is None:
        return PartialDate(
            f"{year:04d}-{month:02d}", MONTH, dt.date(year, month, 1), _month_end(year, month)
        )
    value = dt.date(year, month, day)  # raises ValueError on 31 February
    return PartialDate(value.isoformat(), DAY, value, value)


_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DMY = re.compile(rf"^(\d{{1,2}}) ({_MONTH_RE}) (\d{{4}})$", re.IGNORECASE)
_MY = re.compile(rf"^({_MONTH_RE}) (\d{{4}})$", re.IGNORECASE)
_MDY = re.compile(rf"^({_MONTH_RE}) (\d{{1,2}}),? (\d{{4}})$", re.IGNORECASE)


def parse(text: str) -> PartialDate:
    """Parse a printed or ISO date. Raises ValueError with the text when it is not a date."""
    value = " ".join(text.split())
    try:
        if m := _ISO.match(value):
            year, month, day = m.groups()
            return make(int(year), int(month) if month else None, int(day) if day else None)
        if m := _DMY.match(value):
            return make(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if m := _MDY.match(value):
            return make(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if m := _MY.match(value):
            return make(int(m.group(2)), MONTHS[m.group(1).lower()])
    except ValueError as exc:  # 30 February, month 13: datetime says which
        raise ValueError(f"not a date: {text!r} ({exc})") from None
    raise ValueError(f"not a date: {text!r}")


def try_parse(text: str | None) -> PartialDate | None:
    """`parse(text)`, or None when the text is empty or not a date."""
    if not text:
        return None
    try:
        return parse(text)
    except ValueError:
        return None


# Dates mentioned inside running text ("On 23 June 2008", "In February 2008", "in 2009").
_MENTION = re.compile(
    rf"(?:\b(?:[Oo]n|[Ii]n|[Bb]y|[Ss]ince|[Ff]rom|[Aa]s of|[Ll]ate|[Ee]arly|[Uu]ntil|[Tt]hrough)\s+)?"
    rf"(?:(?P<d>\d{{1,2}}) (?P<dm>{_MONTH_RE}) (?P<dy>\d{{4}})"
    rf"|(?P<m>{_MONTH_RE}) (?P<my>\d{{4}})"
    rf"|(?P<y>(?:19|20)\d{{2}}))\b"
)


@dataclass(frozen=True)
class Mention:
    text: str  # as printed, with its preposition: "On 23 June 2008"
    start: int
    date: PartialDate


def mentions(text: str) -> list[Mention]:
    """Every date stated in `text`, in order, each with the words as printed."""
    found: list[Mention] = []
    for m in _MENTION.finditer(text):
        if m.group("d"):
            date = make(int(m.group("dy")), MONTHS[m.group("dm").lower()], int(m.group("d")))
        elif m.group("m"):
            date = make(int(m.group("my")), MONTHS[m.group("m").lower()])
        else:
            year_start = m.start("y")
            before = text[max(0, year_start - 1) : year_start]
            after = text[m.end("y") : m.end("y") + 1]
            if before in {"–", "-", "/"} or after in {"–", "/"}:
                continue  # part of a score or a range of numbers, e.g. "1–1", not a year
            date = make(int(m.group("y")))
        found.append(Mention(m.group(0), m.start(), date))
    return found
