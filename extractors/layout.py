"""The page model: the text lines of every page with their position, size and font.

This is the inspectable first step of every extractor (``gbdocs inspect`` writes it out).
Positions are in PDF points from the top-left corner of the page, as in pdfplumber.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median

import pdfplumber


@dataclass(frozen=True)
class TextLine:
    page: int  # 1-based
    top: float
    bottom: float
    x0: float
    x1: float
    size: float  # median font size of the line's characters
    fontname: str  # most frequent font of the line, subset prefix removed
    bold: bool
    text: str


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: tuple[TextLine, ...]

    @property
    def n_chars(self) -> int:
        return sum(len(line.text) for line in self.lines)


def _base_font(name: str) -> str:
    # "BAAAAA+NotoSansCJKjp-Bold" -> "NotoSansCJKjp-Bold": the subset tag is noise.
    return name.split("+", 1)[1] if "+" in name[:8] else name


def _is_bold(fontname: str) -> bool:
    lowered = fontname.lower()
    return any(mark in lowered for mark in ("bold", "black", "heavy", "semibold"))


def read_page(page: pdfplumber.page.Page, number: int) -> Page:
    lines: list[TextLine] = []
    for raw in page.extract_text_lines(layout=False, strip=True, return_chars=True):
        chars = [c for c in raw["chars"] if c["text"].strip()]
        if not chars:
            continue
        font = Counter(_base_font(c["fontname"]) for c in chars).most_common(1)[0][0]
        lines.append(
            TextLine(
                page=number,
                top=round(raw["top"], 2),
                bottom=round(raw["bottom"], 2),
                x0=round(raw["x0"], 2),
                x1=round(raw["x1"], 2),
                size=round(median(c["size"] for c in chars), 2),
                fontname=font,
                bold=_is_bold(font),
                text=raw["text"],
            )
        )
    return Page(number=number, width=float(page.width), height=float(page.height), lines=tuple(lines))


def read_pages(pdf: pdfplumber.PDF) -> list[Page]:
    """The page model of a whole document."""
    return [read_page(page, i) for i, page in enumerate(pdf.pages, start=1)]
