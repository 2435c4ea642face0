"""``gbdocs inspect``: the page model of a PDF as a CSV of lines, and optionally PNG pages
with every detected line boxed, to see what the extractors start from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from extractors import PdfError, TextLine, file_sha256, open_pdf, read_pages
from pipeline.output import atomic_directory, write_csv

LINE_COLUMNS = [f.name for f in fields(TextLine)]


@dataclass(frozen=True)
class InspectResult:
    file: str
    out: str
    pages: int
    lines: int
    chars: int
    sha256: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def inspect_pdf(
    path: Path | str,
    out_dir: Path | str,
    password: str | None = None,
    png: bool = False,
    resolution: int = 100,
) -> InspectResult:
    """Write ``<out_dir>/<file stem>/lines.csv`` (and ``page-NNN.png`` with ``png``).

    Raises PdfError for a file that cannot be read or has no text layer; nothing is written
    for it then.
    """
    path = Path(path)
    target = Path(out_dir) / path.stem
    with open_pdf(path, password) as pdf:
        try:
            pages = read_pages(pdf)
        except Exception as exc:  # a malformed content stream surfaces only when read
            raise PdfError(path, f"damaged PDF, page content unreadable ({exc.__class__.__name__}: {exc})") from None
        n_chars = sum(p.n_chars for p in pages)
        if n_chars == 0:
            raise PdfError(path, "no text layer (an image-only scan?): run OCR on it first")
        with atomic_directory(target) as tmp:
            n_lines = write_csv(
                tmp / "lines.csv",
                LINE_COLUMNS,
                ([getattr(line, c) for c in LINE_COLUMNS] for p in pages for line in p.lines),
            )
            if png:
                for page, model in zip(pdf.pages, pages, strict=True):
                    image = page.to_image(resolution=resolution)
                    image.draw_rects(
                        [(ln.x0, ln.top, ln.x1, ln.bottom) for ln in model.lines],
                        stroke=(220, 30, 30), fill=(220, 30, 30, 25), stroke_width=1,
                    )
                    image.save(tmp / f"page-{model.number:03d}.png")
    return InspectResult(
        file=str(path), out=str(target), pages=len(pages), lines=n_lines, chars=n_chars,
        sha256=file_sha256(path),
    )
