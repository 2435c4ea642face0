"""Controlled vocabularies: action categories, with zh and en names (bodies: ``gbdocs.schemas.bodies``).

New categories are added here with both names, never as ad hoc strings in extractors.
"""

from __future__ import annotations

from dataclasses import dataclass

from gbdocs.schemas.bodies import fold


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

CATEGORY_KEYS: tuple[str, ...] = tuple(t.key for t in CATEGORIES)


def category_key(printed: str) -> str | None:
    """The vocabulary key of a category as printed, or None if it is not in the vocabulary."""
    folded = fold(printed)
    for term in CATEGORIES:
        if any(fold(name) == folded for name in term.names):
            return term.key
    return None
