"""Nothing leaves gbdocs unless it passed its expectation suites.

A document whose tables pass (warnings allowed) is written to the output folder with its
validation report; one that fails a critical expectation goes to ``quarantine/`` with its
extracted rows and a readable report, and nothing of it reaches the output folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.extraction import Extraction
from pipeline.tableio import write_tables
from pipeline.validate import ValidationReport, validate_tables


@dataclass(frozen=True)
class ExportResult:
    exported: bool
    folder: Path  # where the files went: the output folder, or its quarantine sub-folder
    report: ValidationReport


def quarantine_folder(out_dir: Path, source: Path) -> Path:
    return out_dir / "quarantine" / re.sub(r"[^\w.\-]+", "_", source.stem)


def export(result: Extraction, out_dir: Path | str, bom: bool = False) -> ExportResult:
    """Validate (unless already validated) and write the document, or quarantine it."""
    out = Path(out_dir)
    report = result.validation or validate_tables(result.tables())
    title = f"gbdocs validation - {result.source.name}"
    files = {"validation.html": report.html(title), "validation.txt": report.text() + "\n"}
    if report.ok:
        write_tables(result.tables(), out, bom=bom, extra=files)
        return ExportResult(True, out, report)
    folder = quarantine_folder(out, result.source)
    write_tables(result.tables(), folder, bom=bom, extra=files)
    return ExportResult(False, folder, report)
