"""When an action is expected to be completed, from its status text.

Only a statement about the action's own completion counts: an expectation or target word
(预计, 目标, 计划 / expected, target, planned) together with a completion word (完成, 结束 /
complete, close, closure) in one sentence. Its period (2024 年底, 2025 年第二季度, 2025 年 1 月,
end-2024, Q2 2025, January 2025) becomes the last day of that period. Other dates in a
status (a committee meeting, a module roll-out) are not the action's completion.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from gbdocs.extractors.dates import MONTHS

_ZH_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_EN_Q = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"

PERIODS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})\s*年\s*(?:年)?底"), "year_end"),
    (re.compile(r"(\d{4})\s*年\s*第\s*([一二三四1-4])\s*季度"), "quarter"),
    (re.compile(r"(\d{4})\s*年\s*年中"), "mid_year"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)"), "month"),
    (re.compile(r"(\d{4})\s*年(?!\s*(?:\d|底|第|年中|-))"), "year"),
    (re.compile(r"\b(?:end[- ]|the end of\s+)(\d{4})\b", re.IGNORECASE), "year_end"),
    (re.compile(r"\bQ([1-4])\s+(\d{4})\b"), "quarter_en"),
    (re.compile(r"\b(first|second|third|fourth) quarter of\s+(\d{4})\b", re.IGNORECASE), "quarter_words"),
    (re.compile(r"\bmid-(\d{4})\b", re.IGNORECASE), "mid_year"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b"), "month_en"),
    (re.compile(r"(?<![\d/.\-–])\b(20\d{2})\b(?![\d/\-–])"), "year"),
]
EXPECT = re.compile(r"预计|目标|计划|expect|target|plan", re.IGNORECASE)
COMPLETE = re.compile(r"完成|结束|complet|clos", re.IGNORECASE)
SENTENCE = re.compile(r"[^。；;]+?(?:[。；;]|(?<=[a-z0-9)])\.(?=\s|$)|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    iso: str  # last day of the period
    text: str  # the period as printed


def _last_day(kind: str, m: re.Match[str]) -> str:
    if kind in ("year_end", "year"):
        return f"{m.group(1)}-12-31"
    if kind == "mid_year":
        return f"{m.group(1)}-06-30"
    if kind in ("quarter", "quarter_en", "quarter_words"):
        if kind == "quarter":
            year, q = int(m.group(1)), _ZH_Q[m.group(2)]
        elif kind == "quarter_en":
            q, year = int(m.group(1)), int(m.group(2))
        else:
            q, year = _EN_Q[m.group(1).lower()], int(m.group(2))
        month = 3 * q
        return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    if kind == "month":
        year, month = int(m.group(1)), int(m.group(2))
    else:  # month_en
        year, month = int(m.group(2)), MONTHS[m.group(1).lower()]
    return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def expected_completion(status: str) -> Period | None:
    """The period the status text names for the action's completion, or None.

    Where several statements qualify, the last wins (updates end with the outlook); within
    a sentence the period nearest to the completion word wins, a specific one (end of year,
    quarter, month) over a bare year.
    """
    found: Period | None = None
    for sentence in SENTENCE.findall(status.replace("\n", "。")):
        if not (EXPECT.search(sentence) and COMPLETE.search(sentence)):
            continue
        anchor = COMPLETE.search(sentence).start()
        candidates: list[tuple[int, int, int, Period]] = []
        taken: list[tuple[int, int]] = []
        for rank, (pattern, kind) in enumerate(PERIODS):
            for m in pattern.finditer(sentence):
                if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                specific = 1 if kind == "year" else 0
                distance = min(abs(m.start() - anchor), abs(m.end() - anchor))
                candidates.append((specific, distance, rank, Period(_last_day(kind, m), m.group(0))))
        if candidates:
            found = min(candidates, key=lambda c: c[:3])[3]
    return found


def period_of(text: str) -> Period | None:
    """The period a date cell names when it names no day (2025 年第二季度, December 2025,
    Fourth quarter of 2025): the most specific one in the text, as its last day."""
    best: tuple[int, int, Period] | None = None
    for rank, (pattern, kind) in enumerate(PERIODS):
        m = pattern.search(text)
        if m:
            candidate = (1 if kind == "year" else 0, rank, Period(_last_day(kind, m), m.group(0)))
            if best is None or candidate[:2] < best[:2]:
                best = candidate
    return best[2] if best else None
