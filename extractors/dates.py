"""Dates as printed in governing-body documents, in Chinese and English, to ISO 8601.

Only the explicit forms these documents use are accepted (2024年4月22日, 2024 年 4 月 22 日, 22 April
2024, April 22, 2024, and the French 23 mai 1980 of older UN documents): a fuzzy parser would
turn numbers that are not dates into dates, and a wrong date is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    name: i
    for i, names in enumerate(
        [("january", "jan", "janvier"), ("february", "feb", "février", "fevrier"), ("march", "mar", "mars"),
         ("april", "apr", "avril"), ("may", "mai"), ("june", "jun", "juin"), ("july", "jul", "juillet"),
         ("august", "aug", "août", "aout"), ("september", "sep", "sept", "septembre"),
         ("october", "oct", "octobre"), ("november", "nov", "novembre"), ("december", "dec", "décembre",
                                                                          "decembre")],
        start=1,
    )
    for name in names
}
_MONTH = (r"(January|February|March|April|May|June|July|August|September|October|November|December"
          # the French of older United Nations documents (23 mai 1980)
          r"|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
          r"|décembre|decembre)")

ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A day is not the end of another number or symbol ("Rev.1 March 2023" names no day).
# A scan's text layer may read a day's 1 as l or I ("l6 avril 1980"): before a month name, that
# is still the day.
EN_DMY = re.compile(rf"(?<![\d.,/])\b(\d{{1,2}}|[lI]\d|\d[lI])[^\S\n]+{_MONTH}[^\S\n]+(\d{{4}})\b", re.IGNORECASE)
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
        iso = _make(int(m[3]), MONTHS[m[2].lower()], int(m[1].replace("l", "1").replace("I", "1")))
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
