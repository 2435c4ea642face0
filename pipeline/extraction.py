"""``gbdocs extract``: one PDF -> one DataFrame per output table (and CSV files)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extractors import InternalError, PdfError, open_pdf, pdf_info, read_text_pages
from extractors.actions import extract_actions
from extractors.citations import extract_references
from extractors.document import analyse
from extractors.figures import extract_figures
from extractors.metadata import extract_document
from extractors.paragraphs import extract_paragraphs
from extractors.progress import extract_progress
from extractors.records import ActionRecord
from pipeline.frames import to_frame
from pipeline.tableio import write_tables
from pipeline.validate import ValidationReport, validate_tables
from schemas import TABLES


@dataclass
class Extraction:
    """The tables of one document, as pandas DataFrames in the column order of ``schemas``."""

    source: Path
    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    actions: pd.DataFrame
    progress: pd.DataFrame
    figures: pd.DataFrame
    references: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)
    # How each action table was found: {first page: "lines" | "text"}; "list" for action lists.
    strategies: dict[str, list[int]] = field(default_factory=dict)
    validation: ValidationReport | None = None  # the expectation suites' verdict
    repaired: str = ""  # what had to be repaired to read the file (bytes after %%EOF, a broken xref)

    @property
    def doc_key(self) -> str:
        return str(self.documents.doc_key.iloc[0])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    def write(self, out_dir: Path | str, bom: bool = False) -> list[Path]:
        """Write <table>.csv for every table (header row even when empty) and
        datapackage.json into ``out_dir``, validated or not (see ``pipeline.export``)."""
        return write_tables(self.tables(), out_dir, bom=bom)


def _strategies(actions: list[ActionRecord]) -> dict[str, list[int]]:
    pages: dict[str, set[int]] = {}
    for a in actions:
        pages.setdefault(a.strategy, set()).update(range(a.page_start, a.page_end + 1))
    return {k: sorted(v) for k, v in pages.items()}


def extract(path: Path | str, password: str | None = None, validate: bool = True) -> Extraction:
    """Extract every table of one governing-body PDF.

    Raises PdfError (with the file and the reason) for a file that cannot be read, has no
    text layer, or is not a governing-body document; InternalError when gbdocs itself fails
    on a file the PDF libraries read (a bug of ours: report it with the file).
    """
    path = Path(path)
    t0 = time.perf_counter()
    with open_pdf(path, password) as pdf:
        info = pdf_info(path, pdf)
        pages = read_text_pages(pdf, path)
    t1 = time.perf_counter()
    try:
        model = analyse(pages)
        if model.symbol is None:
            raise PdfError(path, "not a governing-body document: no document symbol in the page-1 header")
        document = extract_document(model, info)
        paragraphs = extract_paragraphs(model)
        references = extract_references(model)
        actions = extract_actions(model)
        progress = extract_progress(model)
        figures = extract_figures(model)
        t2 = time.perf_counter()
        keys = {"doc_key": f"{document.symbol}:{document.language}", "symbol": document.symbol,
                "language": document.language}
        result = Extraction(
            source=path,
            documents=to_frame(TABLES["documents"], [document], keys),
            paragraphs=to_frame(TABLES["paragraphs"], paragraphs, keys),
            actions=to_frame(TABLES["actions"], actions, keys),
            progress=to_frame(TABLES["progress"], progress, keys),
            figures=to_frame(TABLES["figures"], figures, keys),
            references=to_frame(TABLES["references"], references, keys),
            seconds={"read": t1 - t0, "extract": t2 - t1},
            strategies=_strategies(actions),
            repaired=info.repaired,
        )
        if validate:
            result.validation = validate_tables(result.tables())
            result.seconds["validate"] = result.validation.seconds
    except (PdfError, MemoryError):
        raise
    except Exception as exc:  # the file was read; what failed is gbdocs
        raise InternalError(path, exc) from exc
    return result
