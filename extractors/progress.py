"""The ``progress`` table: rows of a progress table (how many actions, how many implemented
and ongoing, as of which report), with the table notes their markers (96*, 15**) point to."""

from __future__ import annotations

import re

from gbdocs.extractors.dates import MONTHS
from gbdocs.extractors.document import DocumentModel
from gbdocs.extractors.headers import Roles, find_header, match_roles
from gbdocs.extractors.layout import Cell, Table
from gbdocs.extractors.records import ProgressRecord
from gbdocs.extractors.references import find_symbol
from gbdocs.schemas.table_headers import PROGRESS_TABLE

ROLES: Roles = PROGRESS_TABLE.roles  # header names per column role: schemas/table_headers.py
NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|％)?\s*(\*{0,3})\s*$")
ZH_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
EN_MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November"
                      r"|December)\s+(\d{4})\b", re.IGNORECASE)
NOTE = re.compile(r"^(\*{1,3})\s*(?=\S)")


def _text(cell: Cell | None, model: DocumentModel) -> str:
    return model.join(list(cell.lines)) if cell and cell.lines else ""


def _accept(roles: dict[str, int]) -> bool:
    return PROGRESS_TABLE.accepts(roles)


def header_roles(cells: list[Cell]) -> dict[str, int] | None:
    """Column of each role if ``cells`` is a progress table's header row, else None."""
    roles = match_roles(cells, ROLES)
    return roles if _accept(roles) else None


def _month(text: str) -> str | None:
    m = ZH_MONTH.search(text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    m = EN_MONTH.search(text)
    return f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}" if m else None


def _notes(model: DocumentModel, after_page: int) -> dict[str, str]:
    """Table notes (``* ...``) in the small print on the table's page or the next one."""
    notes: dict[str, list[str]] = {}
    current: str | None = None
    for block in model.blocks:
        if block.kind != "small" or not after_page <= block.page <= after_page + 1:
            continue
        for line in block.lines:
            m = NOTE.match(line.text)
            if m:
                current = m.group(1)
                notes[current] = [line.text[m.end():]]
            elif current:
                notes[current].append(line.text)
    return {marker: model.join_texts(parts) for marker, parts in notes.items()}


def _table_rows(table: Table, roles: dict[str, int], model: DocumentModel,
                first: int = 1) -> list[tuple[dict[str, str], int]]:
    rows = []
    for r in range(first, table.n_rows):
        cells = {c.col: c for c in table.row(r)}
        texts = {role: _text(cells.get(col), model) for role, col in roles.items()}
        if any(texts.values()):
            rows.append((texts, table.page))
    return rows


def _records_on(records: list[ProgressRecord], page: int) -> bool:
    return any(r.page == page for r in records)


def extract_progress(model: DocumentModel) -> list[ProgressRecord]:
    records: list[ProgressRecord] = []
    last: tuple[int, int, dict[str, int], dict[str, str]] | None = None  # page, columns, roles, notes
    for page in model.pages:
        for table in page.tables:
            header = find_header(table, ROLES, _accept)
            if header is not None:
                roles, first = header.roles, header.rows
                notes = _notes(model, table.page)
            elif last is not None and table.page == last[0] + 1 and table.n_cols == last[1] and not _records_on(
                    records, table.page):
                # the table goes on at the top of the next page without its header row
                roles, first, notes = last[2], 0, last[3]
            else:
                continue
            last = (table.page, table.n_cols, roles, notes)
            for texts, row_page in _table_rows(table, roles, model, first):
                as_of = _month(texts["as_of"])
                values: dict[str, float] = {}
                markers: list[str] = []
                for role in ("total", "implemented", "ongoing", "pct_implemented", "pct_ongoing"):
                    m = NUMBER.match(texts.get(role, ""))
                    if m:
                        values[role] = float(m.group(1))
                        if m.group(3):
                            markers.append(m.group(3))
                if as_of is None or not {"total", "implemented", "ongoing"} <= values.keys():
                    continue  # not a data row (a sub-header or a totals line without a date)
                total, done, ongoing = (int(values[k]) for k in ("total", "implemented", "ongoing"))
                note = "\n".join(notes[m] for m in markers if m in notes) or None
                records.append(ProgressRecord(
                    as_of=as_of,
                    report_symbol=find_symbol(texts["as_of"]),
                    total=total, implemented=done, ongoing=ongoing,
                    pct_implemented=values.get("pct_implemented", round(100 * done / total) if total else 0.0),
                    pct_ongoing=values.get("pct_ongoing", round(100 * ongoing / total) if total else 0.0),
                    note=note,
                    page=row_page,
                ))
    return records
