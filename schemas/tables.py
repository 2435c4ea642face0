"""The output tables of gbdocs: the contract with users.

Every table starts with the three key columns (``doc_key``, ``symbol``, ``language``);
the order of ``Table.columns`` is the column order of every CSV gbdocs writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gbdocs.schemas.bodies import BODY_KEYS
from gbdocs.schemas.vocabularies import CATEGORY_KEYS

DType = Literal["string", "integer", "number", "date", "boolean"]

# pandas dtypes that round-trip nulls for each logical type.
PANDAS_DTYPES: dict[str, str] = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "date": "datetime64[ns]",  # a day (midnight): written and read as ISO 8601 YYYY-MM-DD
    "boolean": "boolean",
}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: DType
    description: str
    nullable: bool = True
    # Frictionless `format` for strings with a fixed shape (e.g. "yearmonth").
    format: str | None = None
    # Allowed values, for columns bound to a vocabulary.
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    row: str  # what one row is
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns that identify a row: its primary key
    # The table's name in SQL (the DuckDB catalog) where its CSV name is an SQL keyword.
    sql_name: str | None = None

    @property
    def catalog_name(self) -> str:
        return self.sql_name or self.name

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def pandas_dtypes(self) -> dict[str, str]:
        return {c.name: PANDAS_DTYPES[c.dtype] for c in self.columns}


KEYS: tuple[Column, ...] = (
    Column("doc_key", "string", "Document key: <symbol>:<language>, e.g. A77/28:zh", nullable=False),
    Column("symbol", "string", "Document symbol as normalised, e.g. A77/28, EBPBAC25/3", nullable=False),
    Column("language", "string", "Language of the document (ISO 639-1)", nullable=False, enum=("zh", "en")),
)

REPORT_BY = ("Director-General", "Secretariat")
REQUESTED_ACTIONS = ("note", "adopt", "consider", "other")
ACTION_SOURCES = ("table", "list")
FIGURE_UNITS = ("percent", "count", "money", "duration")
FIGURE_QUALIFIERS = ("exact", "more_than", "approx", "range")
REFERENCE_KINDS = ("document", "decision", "resolution", "url")

DOCUMENTS = Table(
    "documents",
    "document",
    (
        *KEYS,
        Column("body", "string", "Governing body: a key of the body registry (WHA, EB, PBAC, GA, UNICEF-EB, "
               "UNDP-EB, UNW-EB, JIU)", enum=BODY_KEYS),
        Column("session", "integer", "Session or meeting number where the document numbers its session "
               "(第七十七届 -> 77, Eightieth session -> 80; empty for First regular session 2025)"),
        Column("session_name", "string", "The session as printed (Annual session 2025, 第七十七届世界卫生大会)"),
        Column("agenda_item", "string", "Provisional agenda item as printed, without the label (15.3)"),
        Column("date", "date", "Date printed in the header block, ISO 8601 (empty if it names no day)"),
        Column("title", "string", "Title as printed", nullable=False),
        Column("report_by", "string", "Author of the report", enum=REPORT_BY),
        Column("requested_action", "string", "What the closing section asks the body to do",
               enum=REQUESTED_ACTIONS),
        Column("pages", "integer", "Number of pages of the PDF", nullable=False),
        Column("source_file", "string", "File name of the PDF, without directories", nullable=False),
        Column("sha256", "string", "SHA-256 of the PDF bytes, lower-case hex", nullable=False),
    ),
    key=("doc_key",),
)

PARAGRAPHS = Table(
    "paragraphs",
    "numbered paragraph or lettered sub-item",
    (
        *KEYS,
        Column("number", "string", "Paragraph number as printed without the dot: 7, 9(b)", nullable=False),
        Column("section", "string", "Heading the paragraph falls under; empty before the first heading"),
        Column("page", "integer", "Page on which the paragraph starts", nullable=False),
        Column("text", "string",
               "Text without the number, footnote markers, running headers or page numbers; "
               "bullet items and unnumbered follow-on paragraphs on their own lines", nullable=False),
    ),
    key=("doc_key", "number"),
)

ACTIONS = Table(
    "actions",
    "action of an action table or of an action list",
    (
        *KEYS,
        Column("action_id", "string", "ID as printed (SIP2023_A3), or <paragraph>.<n> for list items",
               nullable=False),
        Column("category", "string", "Category as printed"),
        Column("category_key", "string", "Category from the vocabulary; empty if not in it",
               enum=CATEGORY_KEYS),
        Column("action", "string", "The action, as printed", nullable=False),
        Column("due_date", "date", "Initial expected due date, ISO 8601"),
        Column("due_date_text", "string", "Due date as printed"),
        Column("status", "string", "Status update as printed; cell paragraphs separated by newlines"),
        Column("expected_completion", "date", "Last day of the period named in the status text"),
        Column("expected_completion_text", "string", "That period as printed (2024 年底, Q2 2025)"),
        Column("source", "string", "Where the action was found", nullable=False, enum=ACTION_SOURCES),
        Column("page_start", "integer", "First page of the row or item", nullable=False),
        Column("page_end", "integer", "Last page of the row or item", nullable=False),
    ),
    key=("doc_key", "action_id"),
)

PROGRESS = Table(
    "progress",
    "data row of a progress table",
    (
        *KEYS,
        Column("as_of", "string", "Month of the data, YYYY-MM", nullable=False, format="yearmonth"),
        Column("report_symbol", "string", "Symbol of the progress report the row cites"),
        Column("total", "integer", "Number of actions", nullable=False),
        Column("implemented", "integer", "Actions implemented (closed)", nullable=False),
        Column("ongoing", "integer", "Actions ongoing (open)", nullable=False),
        Column("pct_implemented", "number", "Share of actions closed, percent", nullable=False),
        Column("pct_ongoing", "number", "Share of actions still open, percent", nullable=False),
        Column("note", "string", "Text of the table notes the row's markers (*, **) point to"),
        Column("page", "integer", "Page of the row", nullable=False),
    ),
    key=("doc_key", "as_of"),
)

FIGURES = Table(
    "figures",
    "figure stated in prose",
    (
        *KEYS,
        Column("paragraph", "string", "Number of the paragraph the figure is in: 7, 9(b)", nullable=False),
        Column("figure", "integer", "The figure's place in its paragraph, in reading order: 1 for the first "
               "(the same figure may be stated twice in a paragraph)", nullable=False),
        Column("page", "integer", "Page of the figure", nullable=False),
        Column("value", "number", "The number (percent as 84, not 0.84)", nullable=False),
        Column("unit", "string", "Kind of figure", nullable=False, enum=FIGURE_UNITS),
        Column("measure", "string", "What is counted or measured, as printed (行动, actions, 美元); empty "
               "where the sentence does not say (the 31 per cent of ...)"),
        Column("qualifier", "string", "exact, more_than (20 多个), approx, or range (50 000 至 60 000)",
               nullable=False, enum=FIGURE_QUALIFIERS),
        Column("text", "string", "The figure as printed, number with its unit or classifier",
               nullable=False),
        Column("sentence", "string", "The sentence the figure is in, as printed", nullable=False),
    ),
    key=("doc_key", "paragraph", "figure"),
)

REFERENCES = Table(
    "references",
    "citation of a document, decision, resolution or URL on a page",
    (
        *KEYS,
        Column("kind", "string", "What is cited", nullable=False, enum=REFERENCE_KINDS),
        Column("ref", "string", "Normalised reference (EB154/33 Add.3 Rev.1); a wrongly printed "
               "symbol is kept as printed", nullable=False),
        Column("ref_text", "string", "The reference as printed", nullable=False),
        Column("page", "integer", "Page of the citation", nullable=False),
        Column("in_footnote", "boolean", "Whether the citation is in a footnote", nullable=False),
        Column("accessed", "date", "Access date printed beside a URL, ISO 8601"),
    ),
    key=("doc_key", "ref_text", "page", "in_footnote"),
    sql_name="citations",  # REFERENCES is a reserved word of SQL: every query would have to quote it
)

TABLES: dict[str, Table] = {
    t.name: t for t in (DOCUMENTS, PARAGRAPHS, ACTIONS, PROGRESS, FIGURES, REFERENCES)
}
