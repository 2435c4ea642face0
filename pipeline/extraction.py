"""``gbdocs extract``: one PDF -> one DataFrame per output table (and CSV files)."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

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

log = logging.getLogger(__name__)


@dataclass(repr=False)  # the generated repr would print six DataFrames
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

    def verdict(self) -> str:
        """What validation said, in a few words."""
        report = self.validation
        if report is None:
            return "not validated"
        said = "valid" if report.ok else f"{len(report.critical)} critical failure(s)"
        return said + (f", {len(report.warnings)} warning(s)" if report.warnings else "")

    def __repr__(self) -> str:
        rows = ", ".join(f"{len(frame)} {name}" for name, frame in self.tables().items())
        pages = self.documents.pages.iloc[0] if len(self.documents) else "?"
        return f"<Extraction {self.doc_key} from {self.source.name}: {pages} pages; {rows}; {self.verdict()}>"

    def _repr_html_(self) -> str:
        """What a notebook shows: the document, the rows per table, the verdict and what failed."""
        import html

        doc = self.documents.iloc[0] if len(self.documents) else None
        title = html.escape(str(doc.title)) if doc is not None and pd.notna(doc.title) else ""
        rows = "".join(f"<tr><td>{name}</td><td style='text-align:right'>{len(frame)}</td></tr>"
                       for name, frame in self.tables().items())
        failures = "".join(f"<li>{html.escape(f.line())}</li>" for f in (self.validation.failures[:10]
                                                                          if self.validation else []))
        more = len(self.validation.failures) - 10 if self.validation else 0
        failures += f"<li>… {more} more</li>" if more > 0 else ""
        return (f"<div><b>{html.escape(self.doc_key)}</b> {title}<br><small>{html.escape(self.source.name)}, "
                f"{doc.pages if doc is not None else '?'} pages — {html.escape(self.verdict())}</small>"
                f"<table><tr><th>table</th><th>rows</th></tr>{rows}</table>"
                + (f"<ul>{failures}</ul>" if failures else "") + "</div>")

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


PdfSource = Path | str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


def extract(source: PdfSource, password: str | None = None, validate: bool = True,
            limits: Limits = SCALED, name: str | None = None) -> Extraction:
    """Extract every table of one governing-body PDF: a path, or the PDF itself as bytes or a
    binary file object (an upload, a download, a zip member); ``name`` is then the file name
    its rows and messages carry (default: the file object's name, else "document.pdf").

    Raises PdfError (with the file, the reason and its ``kind``) for every failure the file
    causes: not readable, no text layer, not a governing-body document, or past the time or
    memory limit (``limits``: scaled by page count unless set; the work then runs in a child
    process, so a pathological file never takes the caller down; ``NO_LIMITS`` runs it
    here). InternalError when gbdocs itself fails on a file the PDF libraries read (a bug of
    ours: report it with the file).
    """
    if isinstance(source, str | os.PathLike):
        return _extract_file(Path(source), password, validate, limits)
    data = _pdf_bytes(source)
    given = name or getattr(source, "name", None)
    name_given = Path(given).name if isinstance(given, str) else ""
    shown = name_given if name_given not in ("", ".", "..") else "document.pdf"
    with tempfile.TemporaryDirectory(prefix="gbdocs-") as folder:  # pdfplumber and the limited child read a file
        path = Path(folder) / shown
        path.write_bytes(data)
        try:
            result = _extract_file(path, password, validate, limits)
        except PdfError as exc:  # named as the caller knows it, not by a temporary path
            raise type(exc)(shown, exc.reason, exc.kind) from None
        except InternalError as exc:
            raise InternalError.restored(shown, exc.reason, exc.page, exc.traceback) from None
    result.source = Path(shown)
    return result


def _pdf_bytes(source: object) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    read = getattr(source, "read", None)
    if read is None:
        raise TypeError(f"extract() takes a path, bytes or a binary file object, not {type(source).__name__}")
    data = read()
    if not isinstance(data, bytes | bytearray):
        raise TypeError("extract() needs a file opened in binary mode ('rb'), not a text file")
    return bytes(data)


_extracted_here: list[Path] = []  # documents this process has extracted in limited children
# What a child that starts cold adds to its address space for the models it loads (measured:
# Chinese with jieba 152 MB, the expectation suites 233 MB, English 3 MB): not the document's.
COLD_START_MB = 512
COLD_START_SECONDS = 20.0  # ... and the time it takes (about 6 s on a quiet 2-core machine)


def _extract_file(path: Path, password: str | None, validate: bool, limits: Limits) -> Extraction:
    if limits.enabled:
        check_file(path)  # what is no PDF at all is refused before seconds of warm-up
        # The first document loads in its child only what it needs (one language, the suites
        # if validating): `gbdocs extract` of one English report does not pay for Chinese. From
        # the second document on, this process warms up once and its children start warm.
        if _extracted_here:
            warm_up(validate)
        _extracted_here.append(path)
    cold = warm_up.cache_info().currsize == 0
    return run_limited(_extract, (path, password, validate), path, limits, COLD_START_MB if cold else 0,
                       COLD_START_SECONDS if cold else 0.0)


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
    log.info("%s: extracting", path)  # what the libraries log next is about this file
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
