"""``gbdocs inspect``: the page model of a PDF, to see what the extractors start from.

Writes ``lines.csv`` (text outside tables, one row per line, with the footnote markers
taken out of it), ``cells.csv`` (the cells of ruled tables) and, on request, PNG pages with
lines boxed in red, tables in blue and figure boxes in green.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from gbdocs.extractors import check_file, file_sha256, open_pdf, read_text_pages
from gbdocs.extractors.layout import Page, TextLine
from gbdocs.limits import SCALED, Limits, run_limited
from gbdocs.output import atomic_directory, write_csv

LINE_COLUMNS = ["page", "top", "bottom", "x0", "x1", "size", "fontname", "bold", "text", "markers"]
CELL_COLUMNS = ["page", "table", "strategy", "row", "col", "x0", "top", "x1", "bottom", "text"]


@dataclass(frozen=True)
class InspectResult:
    file: str
    out: str
    pages: int
    lines: int
    cells: int
    chars: int
    sha256: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _line_row(line: TextLine) -> list[object]:
    markers = " ".join(f"{m.label}@{m.offset}" for m in line.markers)
    return [line.page, line.top, line.bottom, line.x0, line.x1, line.size, line.fontname, line.bold,
            line.text, markers]


def _cell_rows(pages: list[Page]) -> list[list[object]]:
    rows: list[list[object]] = []
    for page in pages:
        for t, table in enumerate(page.tables, start=1):
            for cell in table.cells:
                text = "\n".join(ln.text for ln in cell.lines)
                rows.append([page.number, t, table.strategy, cell.row, cell.col,
                             *(round(v, 2) for v in cell.bbox), text])
    return rows


def inspect_pdf(
    path: Path | str,
    out_dir: Path | str,
    password: str | None = None,
    png: bool = False,
    resolution: int = 100,
    limits: Limits = SCALED,
) -> InspectResult:
    """Write ``<out_dir>/<file stem>/lines.csv`` and ``cells.csv`` (and ``page-NNN.png``).

    Raises PdfError for a file that cannot be read or has no text layer, or that passes its
    time or memory limit (``limits``, as for ``extract``); nothing is written for it then.
    """
    check_file(Path(path))
    return run_limited(_inspect, (Path(path), Path(out_dir), password, png, resolution), path, limits)


def _inspect(path: Path, out_dir: Path, password: str | None, png: bool, resolution: int) -> InspectResult:
    target = Path(out_dir) / path.stem
    with open_pdf(path, password) as pdf:
        pages = read_text_pages(pdf, path)
        n_chars = sum(p.n_chars for p in pages)
        with atomic_directory(target) as tmp:
            n_lines = write_csv(tmp / "lines.csv", LINE_COLUMNS,
                                (_line_row(line) for p in pages for line in p.lines))
            n_cells = write_csv(tmp / "cells.csv", CELL_COLUMNS, _cell_rows(pages))
            if png:
                for page, model in zip(pdf.pages, pages, strict=True):
                    image = page.to_image(resolution=resolution)
                    image.draw_rects([(ln.x0, ln.top, ln.x1, ln.bottom) for ln in model.lines],
                                     stroke=(220, 30, 30), fill=(220, 30, 30, 25), stroke_width=1)
                    for table in model.tables:
                        image.draw_rects([c.bbox for c in table.cells], stroke=(30, 60, 220),
                                         fill=(30, 60, 220, 20), stroke_width=1)
                    image.draw_rects(list(model.boxes), stroke=(20, 160, 60), fill=(20, 160, 60, 25),
                                     stroke_width=2)
                    image.save(tmp / f"page-{model.number:03d}.png")
    return InspectResult(file=str(path), out=str(target), pages=len(pages), lines=n_lines, cells=n_cells,
                         chars=n_chars, sha256=file_sha256(path))
