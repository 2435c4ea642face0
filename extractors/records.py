"""Typed records that extractors return; the pipeline turns them into the output tables.

Field names are the column names of ``schemas`` (the key columns doc_key, symbol and
language are added by the pipeline, once per document).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentRecord:
    symbol: str
    language: str
    body: str | None
    session: int | None
    session_name: str | None
    agenda_item: str | None
    date: str | None
    title: str | None
    report_by: str | None
    requested_action: str | None
    pages: int
    source_file: str
    sha256: str


@dataclass(frozen=True)
class ParagraphRecord:
    number: str
    section: str | None
    page: int
    text: str
    footnotes: tuple[str, ...] = ()  # texts of the footnotes its markers point to


@dataclass(frozen=True)
class ReferenceRecord:
    kind: str
    ref: str
    ref_text: str
    page: int
    in_footnote: bool
    accessed: str | None


@dataclass(frozen=True)
class ActionRecord:
    action_id: str
    category: str | None
    category_key: str | None
    action: str
    due_date: str | None
    due_date_text: str | None
    status: str | None
    expected_completion: str | None
    expected_completion_text: str | None
    source: str  # table | list
    page_start: int
    page_end: int
    strategy: str  # how its table was found: lines | text | list (not an output column)


@dataclass(frozen=True)
class ProgressRecord:
    as_of: str
    report_symbol: str | None
    total: int
    implemented: int
    ongoing: int
    pct_implemented: float
    pct_ongoing: float
    note: str | None
    page: int


@dataclass(frozen=True)
class FigureRecord:
    paragraph: str
    figure: int  # place in the paragraph, from 1
    page: int
    value: float
    unit: str
    measure: str
    qualifier: str
    text: str
    sentence: str
