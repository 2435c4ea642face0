"""The ``gbdocs`` command line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from gbdocs import __version__

EXIT_FAILED = 1  # a document failed; usage errors exit 2 (click's own convention)
EXIT_INTERNAL = 3  # gbdocs itself failed (a bug to report), not the file


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("debug"))


def _internal(exc: Exception) -> None:
    """One line for a bug of ours; the traceback only under --debug."""
    _say(f"gbdocs: internal error: {exc}", err=True)
    if _debug():
        _say(getattr(exc, "traceback", ""), err=True)


def _limit_options(command: Any) -> Any:
    """--timeout and --max-memory, the same on every command that reads PDFs."""
    from gbdocs.limits import BASE_MEMORY_MB, BASE_SECONDS, MEMORY_MB_PER_PAGE, SECONDS_PER_PAGE

    command = click.option(
        "--max-memory", type=click.IntRange(0), metavar="MB",
        help=f"Memory one document may take, in MB; past it the document fails as too large, the run "
             f"goes on  [default: {BASE_MEMORY_MB} + {MEMORY_MB_PER_PAGE} per page; 0: no limit]")(command)
    return click.option(
        "--timeout", type=click.FloatRange(0), metavar="SECONDS",
        help=f"Time one document may take; past it the document fails as too slow, the run goes on  "
             f"[default: {BASE_SECONDS:g} + {SECONDS_PER_PAGE:g} per page; 0: no limit]")(command)


def _output_options(command: Any) -> Any:
    """--excel, --bom, --neutralise-formulas: how the tables are written (``tableio.Output``)."""
    for option in reversed([
        click.option("--excel", is_flag=True,
                     help="For spreadsheets: also write the tables as an .xlsx workbook (one typed sheet per "
                          "table: dates as dates, IDs such as 9.10 as text, never a formula), and write the "
                          "CSVs with a byte-order mark (Excel then reads the Chinese right) and formulas "
                          "neutralised."),
        click.option("--bom", is_flag=True, help="Write the CSVs as UTF-8 with a byte-order mark (for Excel)."),
        click.option("--neutralise-formulas", "neutralise", is_flag=True,
                     help="In the CSVs, put an apostrophe before text that begins with = + - @ (a spreadsheet "
                          "would run it as a formula: the cells come from PDFs nobody here controls). "
                          "On with --excel."),
    ]):
        command = option(command)
    return command


def _output(excel: bool, bom: bool, neutralise: bool, workbook: str) -> Any:
    from gbdocs.tableio import Output

    return Output.excel(workbook) if excel else Output(bom=bom, neutralise=neutralise)


def _limits(timeout: float | None, max_memory: int | None) -> Any:
    from gbdocs.limits import Limits

    return Limits(seconds=timeout, memory_mb=max_memory)


def _progress(items: list[Path], quiet: bool, label: str):
    if quiet or not sys.stderr.isatty() or len(items) < 2:
        return items
    from tqdm import tqdm  # imported here: only interactive runs pay for it

    return tqdm(items, desc=label, unit="doc", file=sys.stderr, leave=False)


def _say(message: str, err: bool = False) -> None:
    """Print a line; while a progress bar runs, above it (tqdm clears and redraws the bar), so
    that no bar fragments are left in the terminal."""
    if "tqdm" in sys.modules:
        from tqdm import tqdm

        if tqdm._instances:  # type: ignore[attr-defined]  # bars alive in this process
            tqdm.write(message, file=sys.stderr if err else sys.stdout)
            return
    click.echo(message, err=err)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gbdocs")
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback (for a bug report).")
@click.option("--log", "log", metavar="FILE",
              help="Where the warnings of the PDF and data libraries go (a font pdfminer had to guess, ...), "
                   "with the document they were about; '-' for the terminal  [default: $GBDOCS_LOG, else "
                   "~/.local/state/gbdocs/gbdocs.log]")
def cli(debug: bool, log: str | None) -> None:
    """gbdocs turns governing-body documents into validated tables: WHO's (World Health
    Assembly, Executive Board, PBAC; Chinese and English PDFs) and those of the United Nations
    system (General Assembly, UNICEF, UNDP/UNFPA/UNOPS and UN-Women Executive Boards, JIU).

    \b
    Examples:
      gbdocs extract samples/A77_28.zh.pdf --out out/A77_28.zh   # validated tables of one report
      gbdocs validate out/A77_28.zh                               # re-check exported CSVs (your CI)
      gbdocs inspect samples/*.pdf --png --out out/inspect        # what the extractors see

    Exit status: 0 all good, 1 a document failed, 2 usage error, 3 internal error (a bug in
    gbdocs, not in the file: report it with the file; `gbdocs --debug ...` prints the traceback).
    """
    from gbdocs.logs import start_log

    start_log(log)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out/inspect"),
              show_default=True, help="Directory that receives one folder per PDF.")
@click.option("--password", help="Password of encrypted PDFs.")
@click.option("--png", is_flag=True, help="Also render every page as PNG with the detected lines boxed.")
@click.option("--resolution", type=click.IntRange(36, 300), default=100, show_default=True,
              help="Resolution of the PNG pages, in dots per inch.")
@_limit_options
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def inspect(files: tuple[Path, ...], out_dir: Path, password: str | None, png: bool, resolution: int,
            timeout: float | None, max_memory: int | None, as_json: bool, quiet: bool) -> None:
    """Write the page model of each PDF: every text line with its page, position (points from
    the top-left corner), font size and font, to OUT/<name>/lines.csv.

    This is what every extractor starts from; use it to see why a document extracts the way it
    does. A file that cannot be read (not a PDF, truncated, encrypted, no text layer) is
    reported on one line and skipped; the others are still written.
    """
    from gbdocs.extractors import InternalError, PdfError
    from gbdocs.inspect import inspect_pdf

    results: list[dict[str, object]] = []
    failed = internal = 0
    for path in _progress(list(files), quiet, "inspect"):
        try:
            result = inspect_pdf(path, out_dir, password=password, png=png, resolution=resolution,
                                 limits=_limits(timeout, max_memory))
        except PdfError as exc:
            failed += 1
            _say(f"gbdocs: error: {exc}", err=True)
            results.append({"file": str(path), "error": exc.reason, "kind": str(exc.kind)})
            continue
        except InternalError as exc:
            failed += 1
            internal += 1
            _internal(exc)
            results.append({"file": str(path), "error": exc.reason, "kind": "internal"})
            continue
        results.append(result.to_dict())
        if not quiet and not as_json:
            _say(f"{path}: {result.pages} pages, {result.lines} lines -> {result.out}/")
    if as_json:
        click.echo(json.dumps({"documents": results, "failed": failed}, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(EXIT_INTERNAL if internal else EXIT_FAILED)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Directory for the CSVs and datapackage.json  [default: out/<file name>]")
@click.option("--password", help="Password of an encrypted PDF.")
@_output_options
@_limit_options
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def extract(file: Path, out_dir: Path | None, password: str | None, excel: bool, bom: bool, neutralise: bool,
            timeout: float | None, max_memory: int | None, as_json: bool, quiet: bool) -> None:
    """Extract one governing-body PDF into validated tables: OUT/<table>.csv for documents,
    paragraphs, actions, progress, figures and references (a header row even when a table
    is empty), OUT/datapackage.json describing them, and OUT/validation.html.

    \b
    Every table is checked by its expectation suite (expectations/*.json) and the tables
    against each other before anything is written. A failed critical expectation holds back
    the tables it is about (a cross-check: the tables it compares; the documents row: the
    whole document): they go to OUT/quarantine/<file name>/ with a report, the other tables
    are exported, one line per failed expectation is printed, and the exit status is 1.
    Warnings are exported and listed in the report.

    A file that cannot be read (not a PDF, truncated, encrypted, no text layer, not a
    governing-body document) is reported on one line; nothing is written for it.
    """
    from gbdocs.export import export
    from gbdocs.extraction import extract as extract_pdf
    from gbdocs.extractors import InternalError, PdfError
    from gbdocs.tableio import WriteError

    out = out_dir or Path("out") / file.stem
    try:
        result = extract_pdf(file, password=password, limits=_limits(timeout, max_memory))
    except PdfError as exc:
        click.echo(f"gbdocs: error: {exc}", err=True)
        if as_json:
            click.echo(json.dumps({"file": str(file), "error": exc.reason, "kind": str(exc.kind)}, ensure_ascii=False))
        sys.exit(EXIT_FAILED)
    except InternalError as exc:
        _internal(exc)
        if as_json:
            click.echo(json.dumps({"file": str(file), "error": exc.reason, "kind": "internal"}, ensure_ascii=False))
        sys.exit(EXIT_INTERNAL)
    try:
        exported = export(result, out, _output(excel, bom, neutralise, f"{file.stem}.xlsx"))
    except WriteError as exc:  # read-only folder, full disk: the previous files are left as they were
        click.echo(f"gbdocs: error: {exc}", err=True)
        if as_json:
            click.echo(json.dumps({"file": str(file), "error": str(exc), "kind": "write"}, ensure_ascii=False))
        sys.exit(EXIT_FAILED)
    report = exported.report
    counts = {name: len(frame) for name, frame in result.tables().items()}
    pages = int(result.documents.pages.iloc[0])
    for failure in report.critical:
        click.echo(f"gbdocs: invalid: {file}: {failure.line()}", err=True)
    if result.repaired and not quiet:
        click.echo(f"gbdocs: note: {file}: file repaired to be read: {result.repaired}", err=True)
    if as_json:
        click.echo(json.dumps({
            "file": str(file), "doc_key": result.doc_key, "exported": exported.exported,
            "held_back": list(exported.held_back),
            "quarantine": str(exported.quarantine) if exported.quarantine else None,
            "repaired": result.repaired or None,
            "out": str(exported.folder), "pages": pages, "rows": counts, "action_sources": result.strategies,
            "validation": {"evaluated": report.evaluated, "ok": report.ok,
                           "failures": [f.to_dict() for f in report.failures]},
            "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
        }, ensure_ascii=False, indent=2))
    elif not quiet:
        rows = ", ".join(f"{n} {name}" for name, n in counts.items())
        if not exported.exported:
            verdict = "FAILED validation, quarantined"
        elif exported.held_back:
            verdict = f"validated except {', '.join(exported.held_back)} (held back in {exported.quarantine}/)"
        else:
            verdict = "validated"
        click.echo(f"{file}: {result.doc_key}, {pages} pages, {verdict} -> {exported.folder}/ ({rows})")
        for strategy, on_pages in result.strategies.items():
            how = {"lines": "ruled table", "text": "table ruled between rows or not at all (columns from text "
                   "alignment)", "list": "bulleted list"}[strategy]
            click.echo(f"  actions found in a {how} on page(s) {', '.join(map(str, on_pages))}")
        for failure in report.warnings:
            click.echo(f"  warning: {failure.line()}")
    if not exported.exported or exported.held_back:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Print failures only.")
def validate(directory: Path, as_json: bool, quiet: bool) -> None:
    """Run the expectation suites on an exported DIRECTORY (for example in your own CI,
    or after editing the CSVs by hand): exit 0 if every document passes, 1 if a critical
    expectation fails. Writes DIRECTORY/validation.html.
    """
    from gbdocs.tableio import TableFileError, read_tables
    from gbdocs.validate import validate_tables

    try:
        tables = read_tables(directory)
    except TableFileError as exc:
        click.echo(f"gbdocs: error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    report = validate_tables(tables)
    (directory / "validation.html").write_text(report.html(f"gbdocs validation - {directory}"), encoding="utf-8")
    for failure in report.critical:
        click.echo(f"gbdocs: invalid: {directory}: {failure.line()}", err=True)
    if as_json:
        click.echo(json.dumps({"directory": str(directory), "ok": report.ok, "evaluated": report.evaluated,
                               "failures": [f.to_dict() for f in report.failures]}, ensure_ascii=False, indent=2))
    elif not quiet:
        docs = tables["documents"].doc_key.nunique()
        click.echo(f"{directory}: {docs} document(s), {report.evaluated} expectations, "
                   f"{len(report.critical)} critical failures, {len(report.warnings)} warnings")
        for failure in report.warnings:
            click.echo(f"  warning: {failure.line()}")
    if not report.ok:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Directory for the exported tables (and, by default, the catalog).")
@click.option("--db", type=click.Path(path_type=Path), help="DuckDB catalog  [default: OUT/gbdocs.duckdb]")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), help="Worker processes  [default: number of cores]")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Run the documents in local worker processes or on a Dask distributed cluster.")
@click.option("--scheduler", help="Address of the Dask scheduler (tcp://host:8786); without it, a local cluster.")
@click.option("--password", help="Password for encrypted PDFs.")
@click.option("--force", is_flag=True, help="Re-extract files even when unchanged since the last ingest.")
@_output_options
@_limit_options
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def ingest(paths: tuple[Path, ...], out_dir: Path, db: Path | None, jobs: int | None, executor: str,
           scheduler: str | None, password: str | None, force: bool, excel: bool, bom: bool, neutralise: bool,
           timeout: float | None, max_memory: int | None, as_json: bool, quiet: bool) -> None:
    """Ingest many PDFs (files, or directories searched recursively) into the catalog and
    export the validated tables of all documents to OUT.

    \b
    Incremental: a file whose sha256 is unchanged since the last run is skipped; a changed
    file replaces its rows in one transaction; --force re-extracts everything. A file that
    cannot be read is reported on one line and kept out of the tables; a critical
    expectation that fails holds back the tables it is about (status partial; the whole
    document, status invalid, when its documents row fails), which go to OUT/quarantine/.
    Each is recorded in the catalog with its reason and makes the exit status 1; the batch
    goes on.

    \b
    Several files of one document (a copy, a reissue): one keeps its rows, whatever the order
    the workers finish in: a file whose tables all passed over one with tables held back, then
    a file of a later run over the one stored before, then (in one run) the first path in
    sorted order. The other is "superseded"; a note and OUT/validation.html say which.

    \b
    Examples:
      gbdocs ingest archive/ --out out/ --jobs 2
      gbdocs ingest new/*.pdf --out out/ --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from gbdocs.catalog import CatalogError, Stored
    from gbdocs.ingest import TaskResult, discover
    from gbdocs.ingest import ingest as run_ingest
    from gbdocs.tableio import WriteError

    bar: Any = None
    show_bar = not quiet and not as_json and sys.stderr.isatty()
    totals = {"docs": 0, "pages": 0}
    started = time.perf_counter()

    def on_start(n: int) -> None:
        nonlocal bar
        if show_bar and n:
            from tqdm import tqdm

            bar = tqdm(total=n, unit="doc", desc="ingest", file=sys.stderr, leave=False)

    def on_result(result: TaskResult, stored: Stored) -> None:
        totals["docs"] += 1
        totals["pages"] += result.pages or 0
        if bar is not None:
            elapsed = max(time.perf_counter() - started, 1e-6)
            bar.set_postfix(pages_per_s=f"{totals['pages'] / elapsed:.1f}", refresh=False)
            bar.update(1)
        if result.status == "failed" and result.traceback:  # a bug of ours, not the file's fault
            _say(f"gbdocs: internal error: {result.path}: {result.reason}", err=True)
            if _debug():
                _say(result.traceback, err=True)
        elif result.status == "failed":
            _say(f"gbdocs: error: {result.path}: {result.reason}", err=True)
        elif result.status in ("invalid", "partial"):
            for line in result.failure_lines:
                _say(f"gbdocs: invalid: {result.path}: {line}", err=True)
            if result.status == "partial":
                _say(f"gbdocs: held back: {result.path}: {', '.join(result.held_back)} "
                     "(the other tables exported)", err=True)
        if (note := stored.note(result.path, result.doc_key)) and not quiet and not as_json:
            _say(f"gbdocs: note: {note}", err=True)

    if not discover(paths):  # an empty folder or a wrong glob: say so, write nothing, never a silent success
        click.echo(f"gbdocs: error: no PDF files in {', '.join(map(str, paths))}", err=True)
        if as_json:
            click.echo(json.dumps({"error": "no PDF files found"}, ensure_ascii=False))
        sys.exit(EXIT_FAILED)
    try:
        summary = run_ingest(paths, out_dir, db=db, jobs=jobs, executor=executor, scheduler=scheduler,
                             password=password, force=force, limits=_limits(timeout, max_memory),
                             on_result=on_result, on_start=on_start,
                             output=_output(excel, bom, neutralise, "gbdocs.xlsx"))
    except (CatalogError, WriteError) as exc:  # catalog in use elsewhere, read-only folder, full disk
        if bar is not None:
            bar.close()
        click.echo(f"gbdocs: error: {exc}", err=True)
        if as_json:
            click.echo(json.dumps({"error": str(exc)}, ensure_ascii=False))
        sys.exit(EXIT_FAILED)
    if bar is not None:
        bar.close()
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    elif not quiet:
        rate = summary.pages / summary.seconds if summary.seconds else 0
        superseded = f"{summary.superseded} superseded (same document as a file kept), " \
            if summary.superseded else ""
        click.echo(f"{summary.found} PDF(s): {summary.ok} ok, {summary.partial} partly held back, "
                   f"{summary.invalid} invalid, {summary.failed} failed, {superseded}"
                   f"{summary.skipped} unchanged (skipped); {summary.pages} pages in {summary.seconds:.1f} s "
                   f"({rate:.1f} pages/s)")
        click.echo(f"tables: {summary.out}/*.csv + datapackage.json; catalog: {summary.db}")
    sys.exit(summary.exit_status)


def main() -> None:
    cli(prog_name="gbdocs")


if __name__ == "__main__":
    main()
