"""Nothing leaves gbdocs unless it passed its expectation suites — and only what failed is held back.

A critical failure holds back the tables it is about: a table suite's failure that table, a
failed cross-check the tables it compares (``meta.tables`` in ``expectations/consistency.json``),
a failure of the documents row the whole document (the other tables hang off it). What passed
is written to the output folder; the held-back tables, with the whole extraction for context
and a readable report, go to ``quarantine/<file>/``; the report and the exit status say what
was held back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gbdocs.extraction import Extraction
from gbdocs.schemas import TABLES
from gbdocs.tableio import CSV, Output, TableSet, quarantine_folder, write_table_sets, write_tables
from gbdocs.validate import ValidationReport, validate_tables


@dataclass(frozen=True)
class ExportResult:
    exported: bool  # something of the document reached the output folder
    folder: Path  # the output folder, or the quarantine folder when nothing was exported
    report: ValidationReport
    held_back: tuple[str, ...] = ()  # tables kept out of the output folder
    quarantine: Path | None = None  # where the held-back tables went
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # what was exported


def gate(tables: dict[str, pd.DataFrame], report: ValidationReport) -> tuple[dict[str, pd.DataFrame], set[str]]:
    """The tables that may be exported (held-back ones emptied, per document) and the names held back."""
    held_by_doc: dict[str, set[str]] = {}
    for f in report.critical:
        held_by_doc.setdefault(f.doc_key, set()).update(f.tables)
    held = set().union(*held_by_doc.values()) if held_by_doc else set()
    passed: dict[str, pd.DataFrame] = {}
    for name, frame in tables.items():
        drop = [doc for doc, names in held_by_doc.items() if name in names or "documents" in names]
        passed[name] = frame[~frame.doc_key.isin(drop)] if drop and "doc_key" in frame else frame
    return passed, held


def export(result: Extraction, out_dir: Path | str, output: Output = CSV) -> ExportResult:
    """Validate (unless already validated), write what passed, quarantine what did not
    (``output``: a byte-order mark, formulas neutralised, an .xlsx workbook as well).

    The export and its quarantine are written as one set: a folder that cannot be written (read
    only, disk full) raises ``tableio.WriteError`` and leaves both as they were."""
    out = Path(out_dir)
    report = result.validation or validate_tables(result.tables())
    title = f"gbdocs validation - {result.source.name}"
    passed, held = gate(result.tables(), report)
    held_names = tuple(t for t in TABLES if t in held)
    files: dict[str, str | bytes] = {"validation.html": report.html(title, held_names),
                                     "validation.txt": report.text(held_names) + "\n"}
    if not held:
        write_tables(passed, out, output, extra=files)
        return ExportResult(True, out, report, tables=passed)
    folder = quarantine_folder(out, result.source)
    if "documents" in held:
        write_tables(result.tables(), folder, output, extra=files, status="quarantined")
        return ExportResult(False, folder, report, held_names, folder)
    write_table_sets([TableSet(result.tables(), folder, files, "quarantined"), TableSet(passed, out, files)], output)
    return ExportResult(True, out, report, held_names, folder, passed)
