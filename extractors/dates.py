"""Dates as printed in governing-body documents, in Chinese and English, to ISO 8601.

Only the explicit forms these documents use are accepted (2024年4月22日, 2024 年 4 月 22 日,
22 April 2024, April 22, 2024): a fuzzy parser would turn numbers that are not dates into
dates, and a wrong date is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    name: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"

ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
EN_DMY = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})\b", re.IGNORECASE)
EN_MDY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),\s*(\d{{4}})\b", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    iso: str
    text: str  # as printed
    start: int
    end: int


def _make(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[FoundDate]:
    """Every full date (day, month, year) in ``text``, in order."""
    found: list[FoundDate] = []
    for m in ZH_DATE.finditer(text):
        iso = _make(int(m[1]), int(m[2]), int(m[3]))
        if iso:
            found.append(FoundDate(iso, m[0], m.start(), m.end()))
    for m in EN_DMY.finditer(text):
        iso = _make(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
        if iso:
            found.append(FoundDate(iso, m[0], m.start(), m.end()))
    for m in EN_MDY.finditer(text):
        iso = _make(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
        if iso:
            found.append(FoundDate(iso, m[0], m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def parse_date(text: str) -> str | None:
    """ISO date of the first full date in ``text``, or None."""
    found = find_dates(text)
    return found[0].iso if found else None
