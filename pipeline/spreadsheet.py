"""Output for spreadsheets (Excel, LibreOffice Calc): an .xlsx workbook with one typed sheet
per table, and the neutralisation of text that a spreadsheet would run as a formula.

The cell text comes from PDFs nobody here controls: a paragraph that begins with
``=HYPERLINK(...)`` or ``+cmd|...`` becomes a live formula when a spreadsheet opens a CSV. In
spreadsheet output (``--excel``) every text cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return gets a leading apostrophe, the spreadsheets' own mark of "text, not a
formula" (the OWASP rule for CSV injection); plain CSV keeps the text as printed unless asked
(``--neutralise-formulas``). In the workbook no neutralisation is needed: every text cell is
stored as a string and a string cell is never evaluated — the text stays exactly as printed.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd

from gbdocs.schemas import TABLES, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_CELL_LIMIT = 32_767  # characters in one cell (Excel's limit; Calc's is larger)


def neutralise(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot be taken for formulas (see the module)."""
    out = frame.copy()
    for col in table.columns:
        if col.dtype == "string" and col.name in out:
            values = out[col.name]
            risky = values.notna() & values.astype("string").str.startswith(FORMULA_STARTS).fillna(False)
            if risky.any():
                out.loc[risky, col.name] = "'" + values[risky].astype("string")
    return out


def neutralise_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: neutralise(frame, TABLES[name]) if name in TABLES else frame for name, frame in tables.items()}


def _cell_value(value: object, dtype: str) -> object:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if dtype == "date":
        stamp = pd.Timestamp(value)  # ISO text or a datetime: the sheet holds a date
        return stamp.date()
    if dtype == "integer":
        return int(value)  # type: ignore[call-overload]
    if dtype == "number":
        return float(value)  # type: ignore[arg-type]
    if dtype == "boolean":
        return bool(value)
    return str(value)


def workbook_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """The .xlsx workbook of the tables: one sheet per table in the schema's order, a bold frozen
    header row, dates as dates (shown YYYY-MM-DD), integers and numbers as numbers, booleans as
    TRUE/FALSE, and every text — IDs such as 9.10, agenda items such as 15.3, "39%" — as text,
    never retyped and never a formula. Characters XML cannot hold (control characters a PDF
    may carry) become U+FFFD; a text longer than a cell holds raises ValueError."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for name, table in TABLES.items():
        frame = tables[name]
        sheet = book.create_sheet(name)
        sheet.append(table.column_names)
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        dtypes = [c.dtype for c in table.columns]
        widths = [len(c) for c in table.column_names]
        for values in frame[table.column_names].itertuples(index=False, name=None):
            row: list[Cell] = []
            for i, (value, dtype) in enumerate(zip(values, dtypes, strict=True)):
                content = _cell_value(value, dtype)
                cell = Cell(sheet)
                if isinstance(content, str):
                    content = ILLEGAL_CHARACTERS_RE.sub("\ufffd", content)
                    if len(content) > SHEET_CELL_LIMIT:
                        raise ValueError(f"{name}.{table.column_names[i]}: a text of {len(content)} characters "
                                         f"does not fit in a spreadsheet cell ({SHEET_CELL_LIMIT})")
                    cell.value = content
                    cell.data_type = "s"  # text as text: never a formula, never a number
                    if "\n" in content:
                        cell.alignment = wrap
                    widths[i] = max(widths[i], min(60, max(map(len, content.splitlines() or [""]))))
                else:
                    cell.value = content
                    if isinstance(content, date | datetime):
                        cell.number_format = "yyyy-mm-dd"
                        widths[i] = max(widths[i], 10)
                    elif content is not None:
                        widths[i] = max(widths[i], len(str(content)))
                row.append(cell)
            sheet.append(row)
        for i, width in enumerate(widths):
            sheet.column_dimensions[sheet.cell(row=1, column=i + 1).column_letter].width = width + 2
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
