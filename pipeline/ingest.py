"""``gbdocs ingest``: many PDFs, incrementally and in parallel, into the DuckDB catalog; then
the validated tables of all documents are exported.

One document is one task: extract and return the tables (or the reason it failed); the main
process validates what the workers finished, many documents in one run of the suites, and
decides document by document what is stored. Tasks run in worker processes (pebble: a
per-task time limit that kills a hung worker, and an address-space limit so one pathological
PDF cannot sink the batch) or on a Dask distributed cluster. Only the main process writes to
the catalog, one transaction per document, so a crash at any point leaves a catalog the next
run completes.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gbdocs.catalog import Catalog, FileRecord, Stored
from gbdocs.extractors.pdf import file_sha256
from gbdocs.limits import NO_LIMITS, SCALED, LimitedPool, Limits, memory_cap, too_large
from gbdocs.schemas import TABLES
from gbdocs.tableio import CSV, Output, quarantine_folder, write_tables

if TYPE_CHECKING:
    from gbdocs.validate import Failure, ValidationReport


@dataclass
class TaskResult:
    path: str
    sha256: str
    # ok | partial (some tables held back) | invalid (nothing exported) | failed; extracted: in
    # a worker's hands, not yet validated (``judge``)
    status: str
    reason: str | None = None
    doc_key: str | None = None
    pages: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float | None = None
    tables: dict[str, pd.DataFrame] | None = None  # what may be stored (held-back tables emptied)
    extracted: dict[str, pd.DataFrame] | None = None  # everything, for the quarantine of held-back tables
    held_back: list[str] = field(default_factory=list)
    report_text: str | None = None
    report_html: str | None = None
    failures: list[Failure] = field(default_factory=list)  # every failed expectation, warnings too
    kind: str | None = None  # of a failed file: not-pdf, truncated, ... (``ErrorKind``)
    traceback: str | None = None  # of an internal error (a bug of ours), for --debug

    @property
    def failure_lines(self) -> list[str]:
        """One line per critical failure, as the CLI prints them."""
        return [f.line() for f in self.failures if f.severity == "critical"]

    def to_dict(self) -> dict[str, Any]:
        """The outcome of one file as a record (``--json``)."""
        return {"file": self.path, "status": self.status, "reason": self.reason, "kind": self.kind,
                "doc_key": self.doc_key, "pages": self.pages, "held_back": self.held_back,
                "failures": [f.to_dict() for f in self.failures]}


@dataclass
class IngestSummary:
    found: int = 0
    skipped: int = 0
    ok: int = 0
    partial: int = 0
    invalid: int = 0
    failed: int = 0
    superseded: int = 0  # valid, but another file of its document is kept
    pages: int = 0
    seconds: float = 0.0
    out: str = ""
    db: str = ""
    problems: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)  # per file of this run: TaskResult.to_dict()
    same_document: list[str] = field(default_factory=list)  # which file of a document was kept, and why

    @property
    def exit_status(self) -> int:
        return 1 if self.invalid or self.failed or self.partial else 0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("found", "skipped", "ok", "partial", "invalid", "failed", "superseded",
                                               "pages", "seconds", "out", "db", "problems", "same_document", "files")}


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """PDF files among ``paths`` (directories searched recursively), each once, sorted."""
    found: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found |= {f for f in p.rglob("*") if f.is_file() and f.suffix.lower() == ".pdf"}
        else:
            found.add(p)  # a named file is taken as given: if it is not a PDF, say so
    return sorted(found, key=lambda f: str(f))


# Results validated together: a validation run costs about 0.1 s per suite however few its
# rows, so 16 documents take about as long as 3 alone; a result waits at most BATCH_SECONDS
# for others (the progress bar moves at least that often).
BATCH_DOCUMENTS = 16
BATCH_SECONDS = 3.0


def _sha256(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None  # missing or unreadable: extraction will say why


def process(path: str, sha: str, password: str | None = None, memory_mb: int | None = None,
            start_up_mb: int = 0) -> TaskResult:
    """One document, in a worker: extract and return the tables (status ``extracted``: the
    parent validates them, many documents at a time) or the reason it failed. The worker is
    the limited process: the document may add ``memory_mb`` to it, plus ``start_up_mb`` for
    what a worker that starts cold loads (the time limit is the pool's)."""
    from gbdocs.extraction import extract
    from gbdocs.extractors import InternalError, PdfError

    try:
        with memory_cap(memory_mb + start_up_mb if memory_mb else None):
            result = extract(path, password=password, validate=False, limits=NO_LIMITS)
    except PdfError as exc:
        return TaskResult(path, sha, "failed", exc.reason, peak_rss_mb=_peak_rss_mb(), kind=str(exc.kind))
    except MemoryError:
        error = too_large(path, memory_mb)
        return TaskResult(path, sha, "failed", error.reason, peak_rss_mb=_peak_rss_mb(), kind=str(error.kind))
    except Exception as exc:  # a bug of ours must not break the batch, nor blame the file
        internal = exc if isinstance(exc, InternalError) else InternalError(path, exc)
        return TaskResult(path, sha, "failed", internal.reason, peak_rss_mb=_peak_rss_mb(),
                          kind="internal", traceback=internal.traceback)
    return TaskResult(path, sha, "extracted", reason=f"repaired: {result.repaired}" if result.repaired else None,
                      doc_key=result.doc_key, pages=int(result.documents.pages.iloc[0]), seconds=dict(result.seconds),
                      peak_rss_mb=_peak_rss_mb(), extracted=result.tables())


def judge(results: list[TaskResult]) -> None:
    """Validate the extracted documents among ``results`` together (``validate_each``) and
    decide what of each may be stored, each on its own failures. Should validation itself fail
    (a bug of ours), each document is validated alone and the one it fails on is that
    document's internal error: the others of the batch are stored."""
    from gbdocs.extractors import InternalError
    from gbdocs.validate import validate_each

    waiting = [(r, r.extracted) for r in results if r.status == "extracted" and r.extracted is not None]
    try:
        reports = validate_each([tables for _, tables in waiting])
    except Exception:
        reports = None
    for i, (result, tables) in enumerate(waiting):
        try:
            report = reports[i] if reports is not None else validate_each([tables])[0]
        except Exception as exc:
            internal = InternalError(result.path, exc)
            result.status, result.reason, result.kind = "failed", internal.reason, "internal"
            result.traceback, result.extracted = internal.traceback, None
            continue
        _judged(result, report)


def _judged(result: TaskResult, report: ValidationReport) -> None:
    from gbdocs.export import gate

    assert result.extracted is not None
    passed, held = gate(result.extracted, report)
    held_back = [t for t in TABLES if t in held]
    result.status = "ok" if not held else ("invalid" if "documents" in held else "partial")
    repaired, result.reason = result.reason, None
    if held:
        result.reason = f"{len(report.critical)} critical expectation(s) failed; held back: {', '.join(held_back)}"
    result.reason = "; ".join(filter(None, [result.reason, repaired])) or None
    result.seconds["validate"] = report.seconds
    result.tables, result.held_back, result.failures = passed, held_back, list(report.failures)
    if not held:
        result.extracted = None  # nothing to quarantine
    result.report_text = report.text(tuple(held_back))
    result.report_html = report.html(f"gbdocs validation - {Path(result.path).name}", tuple(held_back))


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _run_local(paths: dict[str, str], password: str | None, jobs: int,
               limits: Limits) -> Iterator[list[TaskResult]]:
    """The results as the workers finish them, a few at a time: what finished while the last
    batch was being validated and stored, up to BATCH_DOCUMENTS or BATCH_SECONDS of waiting."""
    from gbdocs.extraction import COLD_START_MB, COLD_START_SECONDS, warm_up

    # The workers are forked from this process: warmed up here, they start with it all loaded.
    # One document alone loads in its worker only what it needs (one language, not both).
    cold = len(paths) == 1 and warm_up.cache_info().currsize == 0
    if not cold:
        warm_up()
    start_up_mb = COLD_START_MB if cold else 0
    budgets = {p: limits.for_file(p) for p in paths}
    with LimitedPool(jobs) as pool:
        slack = COLD_START_SECONDS if cold else 0.0
        futures = {pool.schedule(process, (p, sha, password, budgets[p][1], start_up_mb),
                                 budgets[p][0] + slack if budgets[p][0] else None): p
                   for p, sha in paths.items()}
        pending = set(futures)
        ready: list[TaskResult] = []
        waited_since = 0.0
        while pending or ready:
            done = [f for f in pending if f.done()]
            for future in done:
                pending.discard(future)
                path = futures[future]
                try:
                    ready.append(future.result())
                except Exception as exc:  # the worker hung or died: the document's error, the batch goes on
                    error = pool.failure(exc, path, *budgets[path])
                    ready.append(TaskResult(path, paths[path], "failed", error.reason,
                                            kind=str(getattr(error, "kind", "internal")),
                                            traceback=getattr(error, "traceback", None)))
            if ready and not waited_since:
                waited_since = time.perf_counter()
            if ready and (not pending or len(ready) >= BATCH_DOCUMENTS
                          or time.perf_counter() - waited_since >= BATCH_SECONDS):
                yield ready
                ready, waited_since = [], 0.0
            elif not done:
                time.sleep(0.05)


def _run_dask(paths: dict[str, str], password: str | None, scheduler: str | None,
              limits: Limits) -> Iterator[list[TaskResult]]:
    """On a Dask cluster: the memory limit holds in its workers; the time limit is Dask's to
    enforce (its own worker settings), not ours."""
    from distributed import Client, as_completed

    client = Client(scheduler) if scheduler else Client(processes=True, dashboard_address=None)
    try:
        futures = {client.submit(process, p, sha, password, limits.for_file(p)[1], pure=False): p
                   for p, sha in paths.items()}
        for finished in as_completed(futures).batches():  # what finished since the last batch
            ready: list[TaskResult] = []
            for future in finished:
                path = futures[future]
                try:
                    ready.append(future.result())
                except Exception as exc:
                    ready.append(TaskResult(path, paths[path], "failed",
                                            f"dask task error ({exc.__class__.__name__}: {exc})", kind="internal"))
            yield ready
    finally:
        client.close()


def _judged_one_by_one(batches: Iterable[list[TaskResult]]) -> Iterator[TaskResult]:
    for batch in batches:
        judge(batch)
        yield from batch


def ingest(
    paths: Iterable[Path | str],
    out_dir: Path | str,
    db: Path | str | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    password: str | None = None,
    force: bool = False,
    limits: Limits = SCALED,
    on_result: Callable[[TaskResult, Stored], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    output: Output = CSV,
) -> IngestSummary:
    """Ingest ``paths`` into the catalog ``db`` (default OUT/gbdocs.duckdb), then export the
    validated tables of every document in it to ``out_dir`` (``output``: ``Output.excel(...)``
    for spreadsheets)."""
    started = time.perf_counter()
    out = Path(out_dir)
    db_path = Path(db) if db else out / "gbdocs.duckdb"
    files = discover(paths)
    summary = IngestSummary(found=len(files), out=str(out), db=str(db_path))
    with Catalog(db_path) as catalog:
        run_started = datetime.now(UTC)  # once the catalog is ours: what another run stored is before it
        known = catalog.known()
        todo: dict[str, str] = {}  # path -> sha256, read once here and handed to the worker
        for f in files:
            path = str(f.resolve()) if f.exists() else str(f)
            sha = _sha256(f)
            if not force and sha is not None and known.get(path, ("", ""))[0] == sha:
                summary.skipped += 1
                continue
            todo[path] = sha or ""
        if on_start:
            on_start(len(todo))
        jobs = jobs or os.cpu_count() or 1
        results = _run_dask(todo, password, scheduler, limits) if executor == "dask" else \
            _run_local(todo, password, jobs, limits)
        kill_during = int(os.environ.get("GBDOCS_TEST_KILL_DURING_STORE", "0"))  # crash-safety tests only
        this_run: dict[str, dict[str, Any]] = {}  # path -> its record in summary.files
        for stored, result in enumerate(_judged_one_by_one(results), start=1):
            hook = _suicide if kill_during and stored == kill_during else None
            stored_tables = result.tables if result.status in ("ok", "partial") else None
            stored = catalog.store(_record(result), stored_tables, findings=[f.to_dict() for f in result.failures],
                                   run_started=run_started, before_commit=hook)
            if result.extracted is not None:
                write_tables(result.extracted, quarantine_folder(out, result.path), output, status="quarantined",
                             extra={"validation.html": result.report_html or "",
                                    "validation.txt": (result.report_text or "") + "\n"})
            counted = "superseded" if stored.kept else result.status
            setattr(summary, counted, getattr(summary, counted) + 1)
            summary.pages += result.pages or 0
            summary.files.append({**result.to_dict(), "status": counted})
            if stored.superseded in this_run:  # a file of this run counted before: it is superseded now
                before = this_run[stored.superseded]
                setattr(summary, before["status"], getattr(summary, before["status"]) - 1)
                summary.superseded += 1
                before["status"] = "superseded"
            this_run[result.path] = summary.files[-1]
            if result.status == "failed":
                summary.problems.append(f"{result.path}: {result.reason}")
            elif result.status in ("invalid", "partial"):
                summary.problems += [f"{result.path}: {line}" for line in result.failure_lines]
            if note := stored.note(result.path, result.doc_key):
                summary.same_document.append(note)
            if on_result:
                on_result(result, stored)
        summary.seconds = round(time.perf_counter() - started, 3)
        write_tables(catalog.tables(), out, output, extra={"validation.html": _report_html(catalog, summary)},
                     created=catalog.last_change())
    return summary


def _report_html(catalog: Catalog, summary: IngestSummary) -> str:
    """Every file of the catalog with its document, status, rows and a link to its own report
    when something was held back; what went wrong in this run; every failed expectation
    (warnings too) of the documents in the catalog."""
    import html

    def text(value: Any) -> str:
        return "" if value is None or (not isinstance(value, list | tuple) and pd.isna(value)) else str(value)

    def cell(value: Any) -> str:
        return f"<td>{html.escape(text(value))}</td>"

    out = Path(summary.out)
    titles, counts = catalog.titles(), catalog.row_counts()
    files = catalog.files()
    rows = []
    for r in files.itertuples():
        shown = counts.get(r.doc_key, {}) if r.status in ("ok", "partial") else {}
        report = ""
        if r.status in ("invalid", "partial"):
            href = quarantine_folder(out, r.path).relative_to(out).as_posix() + "/validation.html"
            report = f"<a href='{html.escape(href)}'>report</a>"
        rows.append(f"<tr class='{r.status}'>{cell(r.path)}{cell(r.doc_key)}{cell(titles.get(r.doc_key))}"
                    f"{cell(r.status)}{cell(r.reason)}<td>{'' if pd.isna(r.pages) else int(r.pages)}</td>"
                    + "".join(f"<td class='n'>{shown.get(name, 0) if shown else ''}</td>" for name in TABLES)
                    + f"<td>{report}</td></tr>")
    findings = "".join(
        f"<tr class='{f['severity']}'>{cell(f['path'])}{cell(f['doc_key'])}{cell(f['suite'])}"
        f"{cell(f['expectation'])}{cell(f['severity'])}{cell(', '.join(map(str, f['pages'] or [])))}"
        f"{cell('; '.join(f['values'] or []))}</tr>"
        for f in catalog.findings())
    problems = "".join(f"<li>{html.escape(p)}</li>" for p in summary.problems) or "<li>none</li>"
    same = "".join(f"<li>{html.escape(p)}</li>" for p in summary.same_document)
    table_heads = "".join(f"<th>{name}</th>" for name in TABLES)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gbdocs ingest report</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #bbb;
padding:4px 8px;vertical-align:top}}td.n{{text-align:right}}tr.failed,tr.invalid,tr.critical{{background:#fde2e2}}
tr.partial,tr.warning{{background:#fff5d6}}tr.superseded{{color:#777}}</style></head><body>
<h1>gbdocs ingest report</h1>
<p>This run: {summary.found} PDF(s) found, {summary.ok} ok, {summary.partial} with tables held back and
{summary.invalid} invalid (in quarantine/), {summary.failed} failed, {summary.superseded} superseded by another file
of their document, {summary.skipped} unchanged and skipped; {summary.pages} pages in {summary.seconds:.1f} s.
Only tables that passed their expectation suites are in the exported tables.</p>
<h2>Problems in this run</h2><ul>{problems}</ul>
{f"<h2>Several files of one document</h2><ul>{same}</ul>" if same else ""}
<h2>Files in the catalog ({html.escape(summary.db)})</h2>
<p>Rows: what each document has in the exported tables.</p>
<table><tr><th>file</th><th>document</th><th>title</th><th>status</th><th>reason</th><th>pages</th>{table_heads}
<th>report</th></tr>{"".join(rows)}</table>
<h2>Failed expectations</h2>
<p>Of the documents in the catalog: critical ones held their tables back, warnings were exported.</p>
<table><tr><th>file</th><th>document</th><th>suite</th><th>expectation</th><th>severity</th><th>pages</th>
<th>offending values</th></tr>{findings or "<tr><td colspan='7'>none</td></tr>"}</table>
</body></html>
"""


def _suicide() -> None:
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def _record(result: TaskResult) -> FileRecord:
    s = result.seconds
    return FileRecord(result.path, result.sha256, result.status, result.reason, result.doc_key, result.pages,
                      s.get("read"), s.get("extract"), s.get("validate"), result.peak_rss_mb)
