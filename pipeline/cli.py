"""The ``gbdocs`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from extractors import PdfError
from pipeline import __version__
from pipeline.extract import extract as extract_pdf
from pipeline.inspect import inspect_pdf

EXIT_FAILED = 1  # a document failed; usage errors exit 2 (click's own convention)


def _progress(items: list[Path], quiet: bool, label: str):
    if quiet or not sys.stderr.isatty() or len(items) < 2:
        return items
    from tqdm import tqdm  # imported here: only interactive runs pay for it

    return tqdm(items, desc=label, unit="doc", file=sys.stderr, leave=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gbdocs")
def cli() -> None:
    """gbdocs turns WHO governing-body documents (World Health Assembly, Executive Board,
    PBAC reports; Chinese and English PDFs) into validated tables.

    \b
    Examples:
      gbdocs extract samples/A77_28.zh.pdf --out out/A77_28.zh   # tables of one report, as CSV
      gbdocs inspect samples/*.pdf --png --out out/inspect        # what the extractors see

    Exit status: 0 all good, 1 a document failed, 2 usage error.
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out/inspect"),
              show_default=True, help="Directory that receives one folder per PDF.")
@click.option("--password", help="Password of encrypted PDFs.")
@click.option("--png", is_flag=True, help="Also render every page as PNG with the detected lines boxed.")
@click.option("--resolution", type=click.IntRange(36, 300), default=100, show_default=True,
              help="Resolution of the PNG pages, in dots per inch.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def inspect(files: tuple[Path, ...], out_dir: Path, password: str | None, png: bool, resolution: int,
            as_json: bool, quiet: bool) -> None:
    """Write the page model of each PDF: every text line with its page, position (points from
    the top-left corner), font size and font, to OUT/<name>/lines.csv.

    This is what every extractor starts from; use it to see why a document extracts the way it
    does. A file that cannot be read (not a PDF, truncated, encrypted, no text layer) is
    reported on one line and skipped; the others are still written.
    """
    results: list[dict[str, object]] = []
    failed = 0
    for path in _progress(list(files), quiet, "inspect"):
        try:
            result = inspect_pdf(path, out_dir, password=password, png=png, resolution=resolution)
        except PdfError as exc:
            failed += 1
            click.echo(f"gbdocs: error: {exc}", err=True)
            results.append({"file": str(path), "error": exc.reason})
            continue
        results.append(result.to_dict())
        if not quiet and not as_json:
            click.echo(f"{path}: {result.pages} pages, {result.lines} lines -> {result.out}/")
    if as_json:
        click.echo(json.dumps({"documents": results, "failed": failed}, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Directory for the CSVs and datapackage.json  [default: out/<file name>]")
@click.option("--password", help="Password of an encrypted PDF.")
@click.option("--bom", is_flag=True, help="Write UTF-8 with a byte-order mark (for Excel).")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def extract(file: Path, out_dir: Path | None, password: str | None, bom: bool, as_json: bool,
            quiet: bool) -> None:
    """Extract one governing-body PDF into tables: OUT/<table>.csv for documents,
    paragraphs, actions, progress, figures and references (a header row even when a table
    is empty), and OUT/datapackage.json describing them.

    \b
    A file that cannot be read (not a PDF, truncated, encrypted, no text layer, not a
    governing-body document) is reported on one line; nothing is written for it.
    """
    out = out_dir or Path("out") / file.stem
    try:
        result = extract_pdf(file, password=password)
    except PdfError as exc:
        click.echo(f"gbdocs: error: {exc}", err=True)
        if as_json:
            click.echo(json.dumps({"file": str(file), "error": exc.reason}, ensure_ascii=False))
        sys.exit(EXIT_FAILED)
    result.write(out, bom=bom)
    counts = {name: len(frame) for name, frame in result.tables().items()}
    pages = int(result.documents.pages.iloc[0])
    if as_json:
        click.echo(json.dumps({"file": str(file), "doc_key": result.doc_key, "out": str(out), "pages": pages,
                               "rows": counts, "action_sources": result.strategies,
                               "seconds": round(sum(result.seconds.values()), 3)},
                              ensure_ascii=False, indent=2))
    elif not quiet:
        rows = ", ".join(f"{n} {name}" for name, n in counts.items())
        click.echo(f"{file}: {result.doc_key}, {pages} pages -> {out}/ ({rows})")
        for strategy, on_pages in result.strategies.items():
            how = {"lines": "ruled table", "text": "table ruled between rows (columns from text alignment)",
                   "list": "bulleted list"}[strategy]
            click.echo(f"  actions found in a {how} on page(s) {', '.join(map(str, on_pages))}")


def main() -> None:
    cli(prog_name="gbdocs")


if __name__ == "__main__":
    main()
