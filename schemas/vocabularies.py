"""Controlled vocabularies: action categories and governing bodies, with zh and en names.

New categories are added here with both names, never as ad hoc strings in extractors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    key: str
    zh: tuple[str, ...]  # first name is the canonical printed form
    en: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return self.zh + self.en


CATEGORIES: tuple[Term, ...] = (
    Term("accountability", ("问责制",), ("Accountability",)),
    Term("country_impact", ("在国家级的影响", "国家级影响", "国家层面的影响", "国家一级的影响"),
         ("Impact at country level", "Impact at the country level", "Country-level impact", "Country impact")),
    Term("financing", ("筹资",), ("Financing",)),
    Term("governance", ("治理",), ("Governance",)),
    Term("results", ("结果",), ("Results",)),
)

BODIES: tuple[Term, ...] = (
    Term("WHA", ("世界卫生大会",), ("World Health Assembly", "Health Assembly")),
    Term("EB", ("执行委员会",), ("Executive Board",)),
    Term(
        "PBAC",
        ("执行委员会规划、预算和行政委员会", "规划、预算和行政委员会"),
        (
            "Programme, Budget and Administration Committee of the Executive Board",
            "Programme, Budget and Administration Committee",
        ),
    ),
)

CATEGORY_KEYS: tuple[str, ...] = tuple(t.key for t in CATEGORIES)
BODY_KEYS: tuple[str, ...] = tuple(t.key for t in BODIES)


def _fold(text: str) -> str:
    """Compare names the way a reader would: width, case and spacing do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip()


def category_key(printed: str) -> str | None:
    """The vocabulary key of a category as printed, or None if it is not in the vocabulary."""
    folded = _fold(printed)
    for term in CATEGORIES:
        if any(_fold(name) == folded for name in term.names):
            return term.key
    return None


def body_key(printed: str) -> str | None:
    """The body key (WHA/EB/PBAC) named by a header line, or None.

    The longest name wins, so the PBAC ("执行委员会规划、预算和行政委员会") is not read as
    the Executive Board it belongs to.
    """
    folded = _fold(printed)
    best: tuple[int, str] | None = None
    for term in BODIES:
        for name in term.names:
            n = _fold(name)
            if n in folded and (best is None or len(n) > best[0]):
                best = (len(n), term.key)
    return best[1] if best else None
