"""``gbdocs extract``: one PDF -> one DataFrame per output table (and CSV files)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from gbdocs.extractors import ErrorKind, InternalError, PdfError, check_file, open_pdf, pdf_info, read_text_pages
from gbdocs.extractors.actions import extract_actions
from gbdocs.extractors.citations import extract_references
from gbdocs.extractors.document import analyse
from gbdocs.extractors.figures import extract_figures
from gbdocs.extractors.metadata import extract_document
from gbdocs.extractors.paragraphs import extract_paragraphs
from gbdocs.extractors.pdf import out_of_memory
from gbdocs.extractors.progress import extract_progress
from gbdocs.extractors.records import ActionRecord
from gbdocs.frames import to_frame
from gbdocs.limits import SCALED, Limits, run_limited
from gbdocs.schemas import TABLES
from gbdocs.tableio import CSV, Output
from gbdocs.validate import ValidationReport, validate_tables

if TYPE_CHECKING:
    from gbdocs.export import ExportResult


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

    def write(self, out_dir: Path | str, output: Output = CSV) -> ExportResult:
        """Write the tables the way ``gbdocs extract`` does, through the same gate: validated
        first (unless already), what passed to <out_dir>/<table>.csv with datapackage.json and
        the validation report, what failed to <out_dir>/quarantine/<file>/ (see
        ``gbdocs.export``). ``output``: ``Output.excel(...)`` for spreadsheets."""
        from gbdocs.export import export

        return export(self, out_dir, output)


def _strategies(actions: list[ActionRecord]) -> dict[str, list[int]]:
    pages: dict[str, set[int]] = {}
    for a in actions:
        pages.setdefault(a.strategy, set()).update(range(a.page_start, a.page_end + 1))
    return {k: sorted(v) for k, v in pages.items()}


def extract(path: Path | str, password: str | None = None, validate: bool = True,
            limits: Limits = SCALED) -> Extraction:
    """Extract every table of one governing-body PDF.

    Raises PdfError (with the file, the reason and its ``kind``) for every failure the file
    causes: not readable, no text layer, not a governing-body document, or past the time or
    memory limit (``limits``: scaled by page count unless set; the work then runs in a child
    process, so a pathological file never takes the caller down; ``NO_LIMITS`` runs it
    here). InternalError when gbdocs itself fails on a file the PDF libraries read (a bug of
    ours: report it with the file).
    """
    if limits.enabled:
        check_file(Path(path))  # what is no PDF at all is refused before seconds of warm-up
        warm_up(validate)
    return run_limited(_extract, (Path(path), password, validate), path, limits)


@cache
def warm_up(validate: bool = True) -> None:
    """Load the language pipelines (spaCy, jieba) and the expectation suites (GX) once in this
    process: the limited child processes are forked from it and start warm (a few seconds
    less per document)."""
    from gbdocs.extractors.nlp import pipeline

    for language in ("zh", "en"):
        pipeline(language)
    if validate:
        from gbdocs.validate import warm_up as validation_warm_up

        validation_warm_up()


def _extract(path: Path, password: str | None, validate: bool) -> Extraction:
    t0 = time.perf_counter()
    with open_pdf(path, password) as pdf:
        info = pdf_info(path, pdf)
        try:
            pages = read_text_pages(pdf, path)
        except PdfError as exc:
            raise (info.damage(path, "no text found") if exc.kind == ErrorKind.NO_TEXT else None) or exc from None
    t1 = time.perf_counter()
    try:
        model = analyse(pages)
        if model.symbol is None:
            raise info.damage(path, "no document symbol found") or PdfError(
                path, "not a governing-body document: no document symbol in the page-1 header", ErrorKind.NOT_DOCUMENT)
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
    except PdfError:
        raise
    except (MemoryError, SystemError) as exc:
        raise out_of_memory(exc) from exc
    except Exception as exc:  # the file was read; what failed is gbdocs
        raise InternalError(path, exc) from exc
    return result
