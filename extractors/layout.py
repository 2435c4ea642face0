"""The page model: text lines with position, size and font; ruled tables; boxes; rules.

This is the inspectable first step of every extractor (``gbdocs inspect`` writes it out).
Positions are in PDF points from the top-left corner of the page, as in pdfplumber.

Lines are built from characters rather than taken from pdfplumber's text, because two
things matter here that generic text extraction loses: superscript footnote markers (kept
apart from the text, with where they stood) and the spacing rules of Chinese (a gap between
two CJK characters is not a space).
"""

from __future__ import annotations

import itertools
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import pdfplumber

from gbdocs.extractors.pdf import (
    MAX_PAGE_CONTENT_MB,
    ErrorKind,
    InternalError,
    PdfError,
    detail,
    raise_failed_allocation,
)
from gbdocs.extractors.script import is_cjk, is_page_number
from gbdocs.schemas.table_headers import names_a_table, normalise_name

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom

SUPERSCRIPT_SIZE = 0.8  # a character this much smaller than its line, and raised, is a superscript
SEGMENT_GAP = 3.0  # a horizontal gap of this many font sizes splits a row into separate lines


@dataclass(frozen=True)
class Marker:
    """A superscript footnote marker that stood in a line, removed from its text."""

    label: str
    offset: int  # position in TextLine.text where the marker stood


@dataclass(frozen=True)
class TextLine:
    page: int  # 1-based
    top: float
    bottom: float
    x0: float
    x1: float
    size: float  # font size of the line's main characters
    fontname: str  # most frequent font of the line, subset prefix removed
    bold: bool
    text: str
    markers: tuple[Marker, ...] = ()


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    bbox: BBox
    lines: tuple[TextLine, ...]


@dataclass(frozen=True)
class Table:
    page: int
    bbox: BBox
    n_rows: int
    n_cols: int
    cells: tuple[Cell, ...]
    strategy: str  # how the table was found: "lines" (a full grid of rules) or "text" (rules
    #               between rows only; columns from the alignment of the text)

    def row(self, index: int) -> list[Cell]:
        return sorted((c for c in self.cells if c.row == index), key=lambda c: c.col)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: tuple[TextLine, ...]  # text outside tables and boxes, top to bottom
    tables: tuple[Table, ...] = ()
    boxes: tuple[BBox, ...] = ()  # framed or shaded areas that are not tables (figures)
    rules: tuple[BBox, ...] = ()  # horizontal strokes outside tables' grids (footnote separators, underlines)

    @property
    def n_chars(self) -> int:
        cells = sum(len(ln.text) for t in self.tables for c in t.cells for ln in c.lines)
        return sum(len(line.text) for line in self.lines) + cells


def _base_font(name: str) -> str:
    # "BAAAAA+NotoSansCJKjp-Bold" -> "NotoSansCJKjp-Bold": the subset tag is noise.
    return name.split("+", 1)[1] if "+" in name[:8] else name


def _is_bold(fontname: str) -> bool:
    lowered = fontname.lower()
    return any(mark in lowered for mark in ("bold", "black", "heavy", "semibold", ",b"))


def _inside(obj: dict[str, Any], box: BBox, slack: float = 0.5) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] - slack <= cx <= box[2] + slack and box[1] - slack <= cy <= box[3] + slack


def _rows(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group characters into rows by vertical overlap; small raised characters join the row
    they overlap without stretching it (so a superscript never bridges two lines)."""
    rows: list[dict[str, Any]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        h = max(c["bottom"] - c["top"], 0.1)
        for row in reversed(rows[-6:]):
            overlap = min(row["bottom"], c["bottom"]) - max(row["top"], c["top"])
            if overlap >= 0.5 * min(h, row["bottom"] - row["top"]):
                row["chars"].append(c)
                if c["size"] >= SUPERSCRIPT_SIZE * row["size"]:
                    row["top"], row["bottom"] = min(row["top"], c["top"]), max(row["bottom"], c["bottom"])
                    row["size"] = max(row["size"], c["size"])
                break
        else:
            rows.append({"top": c["top"], "bottom": c["bottom"], "size": c["size"], "chars": [c]})
    return _join_raised_marks([r["chars"] for r in sorted(rows, key=lambda r: r["top"])])


def _mark_only(row: list[dict[str, Any]]) -> bool:
    visible = [c for c in row if c["text"].strip()]
    return 0 < len(visible) <= 3 and all(c["text"].isdigit() or c["text"] == "*" for c in visible)


def _join_raised_marks(rows: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """A note call raised high in nearly full-size type (Word: 10.5 pt over 11 pt, raised by
    two thirds of its height) forms a row of its own: it belongs to the row it overhangs,
    beside whose characters it stands."""
    out: list[list[dict[str, Any]]] = []
    for i, row in enumerate(rows):
        if _mark_only(row) and i + 1 < len(rows):
            below = rows[i + 1]
            top, bottom = min(c["top"] for c in row), max(c["bottom"] for c in row)
            b_top, b_bottom = min(c["top"] for c in below), max(c["bottom"] for c in below)
            size = max(c["size"] for c in below)
            near = any(abs(c["x0"] - o["x1"]) < 0.5 * size or abs(o["x0"] - c["x1"]) < 0.5 * size
                       for c in row for o in below if o["text"].strip())
            if top < b_top and b_top < bottom < b_bottom and near:
                rows[i + 1] = sorted(below + row, key=lambda c: c["x0"])
                continue
        out.append(row)
    return out


def _segments(row: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split a row at wide gaps: the two columns of a header block are two lines."""
    chars = sorted(row, key=lambda c: c["x0"])
    out: list[list[dict[str, Any]]] = [[chars[0]]]
    last = chars[0]
    for c in chars[1:]:
        if c["text"].strip() and last["text"].strip() and c["x0"] - last["x1"] > SEGMENT_GAP * max(c["size"], 1):
            out.append([c])
        else:
            out[-1].append(c)
        if c["text"].strip():
            last = c
    return out


FULLWIDTH_CLOSE = frozenset("、，。；：！？）》」』】〉")
FULLWIDTH_OPEN = frozenset("（《「『【〈")

# What some fonts' ToUnicode tables map a glyph to, and the text means: ligatures (ﬁ -> fi), and
# the Kangxi radicals and compatibility ideographs CJK fonts share glyphs with (⾰ U+2F70 -> 革).
# Not a whole NFKC: full-width punctuation (，。（）) is text as printed.
LIGATURES = str.maketrans({
    **{"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"},
    **{chr(cp): unicodedata.normalize("NFKC", chr(cp))
       for block in (range(0x2E80, 0x2FE0), range(0xF900, 0xFB00))
       for cp in block if len(unicodedata.normalize("NFKC", chr(cp))) == 1
       and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)},
})


def _line(chars: list[dict[str, Any]], page: int) -> TextLine | None:
    visible = [c for c in chars if c["text"].strip()]
    if not visible:
        return None
    main_size = max(c["size"] for c in visible)
    mains = [c for c in visible if c["size"] >= SUPERSCRIPT_SIZE * main_size]
    baseline = median(c["bottom"] for c in mains)

    def raised(c: dict[str, Any]) -> bool:
        high = c["bottom"] < baseline - 0.2 * main_size
        return high and (c["size"] < SUPERSCRIPT_SIZE * main_size
                         or (c["bottom"] < baseline - 0.4 * main_size and (c["text"].isdigit() or c["text"] == "*")))

    # A justified CJK line spreads its characters apart: what that adds to every gap is no space
    spread = [b["x0"] - a["x1"] for a, b in itertools.pairwise(mains) if is_cjk(a["text"]) and is_cjk(b["text"])]
    stretch = max(0.0, median(spread)) if spread else 0.0
    text = ""
    markers: list[Marker] = []
    pending_space = False
    prev: dict[str, Any] | None = None
    label = ""
    # a space that does not advance (a letter starts where it starts: Chromium writes one after
    # some ligatures) is no space
    starts = [c["x0"] for c in visible]
    phantom = {id(c) for c in chars if not c["text"].strip()
               and any(abs(x - c["x0"]) < 0.1 * main_size for x in starts)}
    for i, c in enumerate(chars):
        ch = c["text"]
        if ch == "\u00ad" and i < len(chars) - 1:
            continue  # a soft hyphen inside a line is no character of the text
        if id(c) in phantom:
            continue
        if not ch.strip():
            pending_space = True
            continue
        if raised(c) and not (ch.isalpha() and prev is not None and prev["text"].isdigit()):
            label += ch  # superscript: a footnote marker (an ordinal suffix stays text)
            if prev is not None:
                prev = {**prev, "x1": c["x1"]}  # the marker's room is not a space
            continue
        if label:
            if text.endswith(("[", "(")) and ch in "])":  # [¹]: brackets around a raised number
                text = text[:-1]
                markers.append(Marker(label, len(text)))
                label = ""
                if prev is not None:
                    prev = {**prev, "x1": c["x1"]}  # the marker's room is not a space
                continue
            markers.append(Marker(label, len(text)))
            label = ""
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            # A gap between two CJK characters is spacing (justification), not a space;
            # between Latin letters a gap of a sixth of an em is a word space nobody printed as a
            # character (glyph boxes are advance widths: letters of a word touch; TeX squeezes
            # spaces of a justified line to a fifth of an em).
            cjk = is_cjk(prev["text"]) + is_cjk(ch)
            # full-width punctuation carries its own spacing: a gap next to it is no space
            fullwidth = prev["text"] in FULLWIDTH_CLOSE or ch in FULLWIDTH_OPEN
            if pending_space or (gap > (0.15, 0.3, 0.8)[cjk] * main_size + (stretch if cjk else 0.0)
                                 and not fullwidth):
                text += " "
        text += ch.translate(LIGATURES)
        prev = c
        pending_space = False
    if label:
        markers.append(Marker(label, len(text)))
    fonts = Counter(_base_font(c["fontname"]) for c in mains)
    bold_share = sum(_is_bold(c["fontname"]) for c in mains) / len(mains)
    return TextLine(
        page=page,
        top=round(min(c["top"] for c in mains), 2),
        bottom=round(max(c["bottom"] for c in mains), 2),
        x0=round(min(c["x0"] for c in visible), 2),
        x1=round(max(c["x1"] for c in visible), 2),
        size=round(main_size, 2),
        fontname=fonts.most_common(1)[0][0],
        bold=bold_share > 0.5,
        text=text,
        markers=tuple(markers),
    )


def build_lines(chars: list[dict[str, Any]], page: int) -> list[TextLine]:
    """Text lines from pdfplumber characters, top to bottom, left to right."""
    chars = [c for c in chars if c.get("upright", True)]
    lines = []
    for row in _rows(chars):
        for segment in _segments(row):
            line = _line(segment, page)
            if line is not None:
                lines.append(line)
    return sorted(lines, key=lambda ln: (round(ln.top), ln.x0))


def _chars_in(chars: list[dict[str, Any]], box: BBox) -> list[dict[str, Any]]:
    return [c for c in chars if _inside(c, box, slack=0)]


def _cells_from_grid(page: pdfplumber.page.Page, number: int, xs: list[float], ys: list[float]) -> list[Cell]:
    cells: list[Cell] = []
    table_chars = _chars_in(page.chars, (xs[0], ys[0], xs[-1], ys[-1]))  # each cell looks only here
    for r, (top, bottom) in enumerate(itertools.pairwise(ys)):
        row_chars = _chars_in(table_chars, (xs[0], top, xs[-1], bottom))
        for k, (left, right) in enumerate(itertools.pairwise(xs)):
            bbox = (left, top, right, bottom)
            cells.append(Cell(r, k, bbox, tuple(build_lines(_chars_in(row_chars, bbox), number))))
    return cells


def _open_grid(page: pdfplumber.page.Page, number: int) -> list[Table]:
    """A page that only carries the middle of one tall row: the row's column rules run down the
    page, its top and bottom rules are on the pages before and after. One row, no header."""
    groups: dict[tuple[int, int], list[float]] = {}
    for e in page.vertical_edges:
        if e["bottom"] - e["top"] > 0.3 * page.height:
            groups.setdefault((round(e["top"] / 3), round(e["bottom"] / 3)), []).append(e["x0"])
    tables: list[Table] = []
    for (top3, bottom3), xs_found in groups.items():
        xs = sorted({round(x, 1) for x in xs_found})
        xs = [x for i, x in enumerate(xs) if i == 0 or x - xs[i - 1] > 3]
        if len(xs) < 3:
            continue
        edges = [e for e in page.vertical_edges if (round(e["top"] / 3), round(e["bottom"] / 3)) == (top3, bottom3)]
        ys = [min(e["top"] for e in edges), max(e["bottom"] for e in edges)]
        cells = _cells_from_grid(page, number, xs, ys)
        if any(c.lines for c in cells):
            tables.append(Table(number, (xs[0], ys[0], xs[-1], ys[1]), 1, len(xs) - 1, tuple(cells), "lines"))
    return tables


def _ruled_tables(page: pdfplumber.page.Page, number: int, before: tuple[Table, ...] = ()) -> list[Table]:
    """Tables with a full grid of rules (pdfplumber's line strategy)."""
    tables: list[Table] = []
    for found in page.find_tables():
        n_found = max((len(r.cells) for r in found.rows), default=0)
        if n_found < 2:
            continue  # a framed box is no table
        rules_below = any(e["x1"] - e["x0"] > 0.4 * page.width and e["top"] > found.bbox[3] + 2
                          for e in _merged_rules(page.horizontal_edges))
        if len(found.rows) < 2 and (rules_below or not any(prev.n_cols == n_found for prev in before)):
            continue  # a shaded header row alone is not a table (see _row_ruled_tables); a last
            #           row alone on its page is, where the table of the page before goes on
        cells: list[Cell] = []
        n_cols = 0
        table_chars = _chars_in(page.chars, tuple(found.bbox))  # each cell looks only here
        for r, row in enumerate(found.rows):
            n_cols = max(n_cols, len(row.cells))
            for k, bbox in enumerate(row.cells):
                if bbox is None:
                    continue
                inner = _chars_in(table_chars, tuple(bbox))
                cells.append(Cell(r, k, tuple(bbox), tuple(build_lines(inner, number))))
        bbox, n_rows = tuple(found.bbox), len(found.rows)
        # a row cut by the page break may have no rule under it: one more row, on the last
        # row's columns, down to where the table's lines stop
        last = [c for c in cells if c.row == n_rows - 1]
        if len(last) == n_cols:
            xs = [*(c.bbox[0] for c in sorted(last, key=lambda c: c.col)), max(c.bbox[2] for c in last)]
            sizes = [ln.size for c in last for ln in c.lines]
            if sizes:
                ys = _open_bottom(page, xs, [bbox[1], bbox[3]], median(sizes))
                if len(ys) == 3:
                    cells += _cells_from_grid(page, number, xs, ys[1:])
                    cells[-n_cols:] = [Cell(n_rows, c.col, c.bbox, c.lines) for c in cells[-n_cols:]]
                    bbox, n_rows = (bbox[0], bbox[1], bbox[2], ys[2]), n_rows + 1
        tables.append(Table(number, bbox, n_rows, n_cols, tuple(cells), "lines"))
    return tables or _open_grid(page, number)


def _gutters(chars: list[dict[str, Any]], x0: float, x1: float, min_width: float) -> list[float]:
    """Column starts inside [x0, x1]: the right edges of vertical channels no character
    crosses, at least ``min_width`` wide (cells keep their text inside their column; word
    gaps of running text never line up through every row)."""
    spans = sorted((c["x0"], c["x1"]) for c in chars if c["text"].strip())
    starts: list[float] = []
    reach = x0
    for left, right in spans:
        if left - reach >= min_width and reach > x0 + 1:
            starts.append(left - 0.5)
        reach = max(reach, right)
    return starts


def _open_bottom(page: pdfplumber.page.Page, xs: list[float], ys: list[float], size: float) -> list[float]:
    """A row cut by the page break may have no rule under it: the table goes on below its last
    rule with lines of the table's type that keep to its columns, close under one another."""
    chars = [c for c in page.chars if xs[0] <= c["x0"] and c["x1"] <= xs[-1] + 1 and c["top"] > ys[-1]
             and c["text"].strip()]
    rows: dict[int, list[dict[str, Any]]] = {}
    for c in chars:
        rows.setdefault(round(c["top"] / (0.5 * size)), []).append(c)
    # a stroke under the table (a footnote separator) ends it
    strokes = [r[1] for r in _rules(page) if r[1] > ys[-1] + 1]
    bottom = ys[-1]
    for key in sorted(rows):
        row = rows[key]
        top = min(c["top"] for c in row)
        if top - bottom > 1.2 * size or abs(median(c["size"] for c in row) - size) > 0.25 \
                or any(bottom < y < top for y in strokes):
            break
        crossed = sum(any(c["x0"] < x - 0.3 and c["x1"] > x + 0.3 for c in row) for x in xs[1:-1])
        if crossed >= 2:
            break  # running text: a note or a paragraph after the table
        bottom = max(c["bottom"] for c in row)
    return ys if bottom == ys[-1] else [*ys, bottom + 1]


def _merged_rules(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal rules drawn cell by cell (a browser draws each cell's border) joined into the
    rule across the table they make."""
    merged: list[dict[str, Any]] = []
    for e in sorted(edges, key=lambda e: (round(e["top"]), e["x0"])):
        last = merged[-1] if merged else None
        if last is not None and abs(last["top"] - e["top"]) <= 1 and e["x0"] <= last["x1"] + 2:
            last["x1"] = max(last["x1"], e["x1"])
        else:
            merged.append({"x0": e["x0"], "x1": e["x1"], "top": e["top"]})
    return merged


def _row_ruled_tables(page: pdfplumber.page.Page, number: int, known: list[Table],
                      before: tuple[Table, ...] = ()) -> tuple[list[Table], list[Table]]:
    """Tables ruled between rows only: rows from the horizontal rules, columns from how the
    text lines up: the channels no text crosses in the body rows (the header row may have
    a cell spanning columns). A table continued from the previous page keeps that page's
    columns when its own few rows show fewer. Returns the tables, and the known ruled
    tables they replace (a shaded header row found as a grid of its own)."""
    wide = [e for e in _merged_rules(page.horizontal_edges) if e["x1"] - e["x0"] > 0.4 * page.width]
    groups: dict[tuple[int, int], set[float]] = {}
    for e in wide:
        groups.setdefault((round(e["x0"] / 4), round(e["x1"] / 4)), set()).add(round(e["top"], 1))
    tables: list[Table] = []
    replaced: list[Table] = []
    for (gx0, gx1), tops in groups.items():
        ys = sorted(tops)
        ys = [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > 2]  # double rules count once
        if len(ys) < 3:
            continue
        x0 = min(e["x0"] for e in wide if (round(e["x0"] / 4), round(e["x1"] / 4)) == (gx0, gx1))
        x1 = max(e["x1"] for e in wide if (round(e["x0"] / 4), round(e["x1"] / 4)) == (gx0, gx1))
        # a grid found inside this region is its shaded header row: this table replaces it
        covered = [t for t in known if t.bbox[0] >= x0 - 3 and t.bbox[2] <= x1 + 3 and t.n_rows <= 2
                   and ys[0] - 3 <= t.bbox[1] <= ys[0] + 3 and t.bbox[3] <= ys[-1] + 3]
        head_end = max([ys[1], *(t.bbox[3] for t in covered)])
        region_chars = [c for c in page.chars if x0 <= c["x0"] and c["x1"] <= x1 and c["text"].strip()]
        # rows down to the first one of running text (a footnote under a separator as wide as
        # the table): it would fill in the channels the rows above leave between columns
        body_chars: list[dict[str, Any]] = []
        for i in range(1, len(ys) - 1):
            if ys[i + 1] <= head_end:
                continue
            row = [c for c in region_chars if max(ys[i], head_end) < (c["top"] + c["bottom"]) / 2 < ys[i + 1]]
            if row:
                row_size = median(c["size"] for c in row)
                channels = len(_gutters(body_chars, x0, x1, 0.6 * row_size))
                if body_chars and channels >= 2 \
                        and len(_gutters(body_chars + row, x0, x1, 0.6 * row_size)) <= channels - 2:
                    ys = ys[: i + 1]
                    break
            body_chars += row
        if not body_chars or len(ys) < 3:
            continue
        # a grid pdfplumber found already (its rules are these rules) is that table
        if any(t not in covered and _inside({"x0": x0, "x1": x1, "top": ys[0], "bottom": ys[-1]}, t.bbox, slack=3)
               for t in known):
            continue
        size = median(c["size"] for c in body_chars)
        starts = _gutters(body_chars, x0, x1, 0.6 * size)
        if not starts:
            continue
        xs = [x0, *starts, x1]
        # two cells filled to their edges leave a channel too narrow to see: the header's
        # names part them (one column more, each of the others where the channels are)
        named = _name_columns(page, x0, x1, ys[0], head_end, ys[-1], size)
        if len(named) == len(xs) + 1 and all(any(abs(n - x) < 2 for n in named) for x in starts):
            xs = named
        for prev in before:
            same_width = abs(prev.bbox[0] - x0) < 3 and abs(prev.bbox[2] - x1) < 3
            if prev.strategy == "text" and same_width and prev.n_cols > len(xs) - 1:
                xs = sorted({c.bbox[0] for c in prev.cells} | {x1})
        ys = _open_bottom(page, xs, ys, size)
        # the replaced header grid knows where its levels part (a cell spanning columns above);
        # without one, a header name standing across columns tells
        head_lines = build_lines([c for c in page.chars if x0 <= c["x0"] and c["x1"] <= x1
                                  and ys[0] < (c["top"] + c["bottom"]) / 2 < ys[1]], number)
        levels = _header_levels(page, head_lines, xs, median(ln.size for ln in head_lines)) if head_lines else []
        inner = sorted({*ys, *levels, *(y for t in covered for c in t.cells for y in (c.bbox[1], c.bbox[3]))})
        ys = [y for i, y in enumerate(inner) if i == 0 or y - inner[i - 1] > 2]
        cells = _cells_from_grid(page, number, xs, ys)
        tables.append(Table(number, (x0, ys[0], x1, ys[-1]), len(ys) - 1, len(xs) - 1, tuple(cells), "text"))
        replaced += covered
    return tables, replaced


def header_columns(table: Table, depth: int) -> list[tuple[int, list[str]]]:
    """Each column's names from the top ``depth`` rows, lowest level first."""
    centres: dict[int, float] = {}
    for c in sorted(table.cells, key=lambda c: c.bbox[2] - c.bbox[0], reverse=True):
        centres[c.col] = (c.bbox[0] + c.bbox[2]) / 2  # the narrowest cell of a column wins
    columns = []
    for col, x in sorted(centres.items()):
        names: list[str] = []
        for r in reversed(range(depth)):
            for cell in table.row(r):
                if cell.bbox[0] <= x <= cell.bbox[2] and cell.lines:
                    name = normalise_name([ln.text for ln in cell.lines])
                    if name and name not in names:
                        names.append(name)
        if len(names) > 1:
            names.append("".join(reversed(names)))
        columns.append((col, names))
    return columns


def _pieces(chars: list[dict[str, Any]], gap: float) -> list[list[dict[str, Any]]]:
    """Characters of one row split where the horizontal gap exceeds ``gap``."""
    pieces: list[list[dict[str, Any]]] = []
    for c in sorted((c for c in chars if c["text"].strip()), key=lambda c: c["x0"]):
        if pieces and c["x0"] - pieces[-1][-1]["x1"] <= gap:
            pieces[-1].append(c)
        else:
            pieces.append([c])
    return pieces


def _row_chars(page: pdfplumber.page.Page, row: list[TextLine]) -> list[dict[str, Any]]:
    top, bottom = min(ln.top for ln in row), max(ln.bottom for ln in row)
    return [c for c in page.chars if top - 1 <= c["top"] and c["bottom"] <= bottom + 1 and c["text"].strip()
            and any(ln.x0 - 1 <= c["x0"] <= ln.x1 + 1 for ln in row)]


def _header_rows(page: pdfplumber.page.Page, lines: list[TextLine]) -> list[list[TextLine]]:
    """Rows of short text falling apart into three or more pieces: candidate column headers
    (bold ones are headers by their look; the others only if their names name a table)."""
    # names set vertically centred in their cells start at slightly different heights: a row
    # is the lines that start within two thirds of a line of its first one
    rows: list[list[TextLine]] = []
    for ln in sorted(lines, key=lambda ln: ln.top):
        if rows and ln.top - rows[-1][0].top <= 0.7 * ln.size and abs(ln.size - rows[-1][0].size) < 0.5:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    found = []
    for row in rows:
        if sum(len(ln.text) for ln in row) > 150:
            continue
        size = median(ln.size for ln in row)
        if len(_pieces(_row_chars(page, row), 0.8 * size)) >= 3:
            found.append(sorted(row, key=lambda ln: ln.x0))
    return found


def _words_in(page: pdfplumber.page.Page, bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    """The words of ``page`` inside ``bbox``, clipped to the page (a table may touch its edge,
    and a page's box need not start at 0); none when nothing of the box is on the page (a
    damaged /MediaBox of zero height)."""
    px0, ptop, px1, pbottom = page.bbox
    x0, top, x1, bottom = max(bbox[0], px0), max(bbox[1], ptop), min(bbox[2], px1), min(bbox[3], pbottom)
    if x1 <= x0 or bottom <= top:
        return []
    return page.crop((x0, top, x1, bottom)).extract_words()


def _name_columns(page: pdfplumber.page.Page, x0: float, x1: float, top: float, head_bottom: float,
                  bottom: float, size: float) -> list[float]:
    """Column boundaries from the header names: a column is a run of header words that overlap
    on the x axis (names wrap over several lines); it starts where the first words of many
    body lines line up, left of its (centred) name."""
    spans: list[list[float]] = []
    for w in sorted(_words_in(page, (x0, top - 1, x1, head_bottom + 0.5)), key=lambda w: w["x0"]):
        if spans and w["x0"] < spans[-1][1] + 0.6 * size:
            spans[-1][1] = max(spans[-1][1], w["x1"])
        else:
            spans.append([w["x0"], w["x1"]])
    words = _words_in(page, (x0, head_bottom + 0.5, x1, bottom))
    lefts = Counter(round(w["x0"]) for w in words)
    xs = [x0]
    for span in spans[1:]:
        edges = {x: n for x, n in lefts.items() if xs[-1] + size < x <= span[0] + 1}
        xs.append(float(max(edges, key=lambda x: (edges[x], -x))) - 0.5 if edges else span[0])
    return [*xs, x1]


def _header_band(lines: list[TextLine], header: list[TextLine], size: float) -> list[TextLine]:
    """The lines of a header: around a bold row, the bold lines of its size (names wrap
    above and below it); under a plain row, the lines that follow it closely and leave the
    first column empty (the first data row has its ID or date there)."""
    if all(ln.bold for ln in header):
        return [ln for ln in lines if ln.bold and abs(ln.size - size) < 0.5
                and header[0].top - 3 * size < ln.top < header[0].bottom + 3 * size]
    # names of one or two lines set vertically centred stand within a line of the row
    band = [ln for ln in lines if abs(ln.top - header[0].top) <= 1.2 * size and abs(ln.size - size) < 0.5]
    for ln in sorted((ln for ln in lines if ln.top > max(b.top for b in band)), key=lambda ln: ln.top):
        if ln.top - max(b.top for b in band) > 1.8 * size or abs(ln.size - size) > 0.5:
            break
        # a wrapped name sits under its first line, no wider than a few letters more; the
        # rest of a row cut by the page break fills its column, a data row's ID is wider
        if any(h.x0 - 2.5 * size <= ln.x0 and ln.x1 <= h.x1 + 2.5 * size for h in band):
            band.append(ln)
        else:
            break
    return band


def _header_levels(page: pdfplumber.page.Page, band: list[TextLine], xs: list[float], size: float) -> list[float]:
    """Where the header's levels part: below a header line whose name spans columns (实施状况
    over 已落实 / 正在进行)."""
    rows: dict[int, list[TextLine]] = {}
    for ln in band:
        rows.setdefault(round(ln.top / (0.5 * size)), []).append(ln)
    cuts = []
    ordered = [rows[k] for k in sorted(rows)]
    for row, nxt in itertools.pairwise(ordered):
        for piece in _pieces(_row_chars(page, row), 0.8 * size):
            cols = {sum(x <= (c["x0"] + c["x1"]) / 2 for x in xs[1:-1]) for c in piece}
            if len(cols) > 1:
                cuts.append((max(ln.bottom for ln in row) + min(ln.top for ln in nxt)) / 2)
                break
    return cuts


def _unruled_tables(page: pdfplumber.page.Page, number: int, lines: list[TextLine],
                    before: tuple[Table, ...]) -> list[Table]:
    """Tables with no rules at all, found from their header row: bold column names, or
    plain ones that name a known kind of table (``schemas/table_headers.py``).

    The table runs down while the text keeps the table's type size, up to the first line
    of running text. Columns are the channels no body text crosses (else: where the first
    words of many lines line up, left of each centred header name); a row starts where the
    first column has text after a gap, so a row cut by the page break shows up as a row
    with an empty first cell. A header line spanning columns makes a header of two levels.
    """
    taken: list[BBox] = []
    tables: list[Table] = []
    for header in _header_rows(page, lines):
        if any(_line_inside(ln, box) for box in taken for ln in header):
            continue
        size = median(ln.size for ln in header)
        band = _header_band(lines, header, size)
        top, head_bottom = min(ln.top for ln in band), max(ln.bottom for ln in band)
        below = [ln for ln in lines if ln.top > head_bottom]
        if not below:
            continue
        text_size = below[0].size
        body: list[TextLine] = []
        stops = [r[1] for r in _rules(page) if r[1] > head_bottom]
        for ln in below:
            if abs(ln.size - text_size) > 0.25 or (stops and ln.top > min(stops)):
                break
            body.append(ln)
        if len(body) < 2:
            continue
        x0 = min(min(ln.x0 for ln in band), min(ln.x0 for ln in body)) - 1
        x1 = max(max(ln.x1 for ln in band), max(ln.x1 for ln in body)) + 1
        bottom = max(ln.bottom for ln in body) + 1
        xs = _name_columns(page, x0, x1, top, head_bottom, bottom, size)
        if len(xs) < 4:
            continue
        body, body_chars = _keep_columns(page, body, x0, x1, size)
        if len(body) < 2:
            continue
        # the channels no body text crosses are the columns (a centred or spanning header
        # name does not tell where its column starts)
        starts = _gutters(body_chars, x0, x1, 0.6 * size)
        # the channels tell more columns than a spanning header name; a long cell running up
        # to a centred number leaves a channel too narrow to see, where the names still part
        if len(starts) >= 2 and len(starts) + 1 >= len(xs) - 1:
            xs = [x0, *starts, x1]
        for prev in before:
            if prev.strategy == "text" and abs(prev.bbox[0] - x0) < 3 and abs(prev.bbox[2] - x1) < 3 \
                    and prev.n_cols == len(xs) - 1:
                xs = sorted({c.bbox[0] for c in prev.cells} | {x1})
        head = [top - 1, *_header_levels(page, band, xs, size), head_bottom + 0.5]
        table = _unruled_grid(page, number, body, xs, head, size)
        if table is None:
            continue
        if not all(ln.bold for ln in header) and not names_a_table(header_columns(table, len(head) - 1)):
            continue  # plain short text in columns, but no header of a table we know
        tables.append(table)
        taken.append(table.bbox)
    return tables


def _keep_columns(page: pdfplumber.page.Page, body: list[TextLine], x0: float, x1: float,
                  size: float) -> tuple[list[TextLine], list[dict[str, Any]]]:
    """The body lines down to the first row of running text (a note, a footnote, the next
    paragraph): the first row that fills in two of the channels the rows above leave between
    their columns. Returns those lines and their characters."""
    rows: dict[int, list[TextLine]] = {}
    for ln in body:
        rows.setdefault(round(ln.top / (0.3 * size)), []).append(ln)
    kept: list[TextLine] = []
    chars: list[dict[str, Any]] = []
    for n, key in enumerate(sorted(rows)):
        row = rows[key]
        row_chars = [c for c in _row_chars(page, row) if x0 <= c["x0"] and c["x1"] <= x1]
        if n >= 2:
            before = len(_gutters(chars, x0, x1, 0.6 * size))
            if before >= 2 and len(_gutters(chars + row_chars, x0, x1, 0.6 * size)) <= before - 2:
                break
        kept += row
        chars += row_chars
    return kept, chars


def _unruled_grid(page: pdfplumber.page.Page, number: int, body: list[TextLine], xs: list[float],
                  head: list[float], size: float) -> Table | None:
    """The rows and cells of an unruled table from its body lines and column starts ``xs``;
    ``head`` are the header band's top and bottom (empty for a table continued from the
    previous page without its header)."""
    x0, x1 = xs[0], xs[-1]
    region_top = head[-1] if head else body[0].top - 0.5
    while body and is_page_number(body[-1].text, number):  # the page foot, not a row
        body = body[:-1]
    if len(body) < 2:
        return None
    # A wide empty band ends the table (the page foot and its page number come after one).
    tops = sorted({round(ln.top, 1) for ln in body})
    steps = sorted(b - a for a, b in itertools.pairwise(tops) if b > a)
    if steps:
        usual = steps[len(steps) // 2]
        for a, b in itertools.pairwise(tops):
            if b - a > max(3 * usual, 3 * size):
                body = [ln for ln in body if ln.top <= a + 0.5]
                break
    # The table ends at the first line of running text across its columns (a table note, a
    # footnote, the next paragraph): no column gap anywhere in it, or letters standing across
    # column boundaries, where a table's cells never put any (justified text has wide gaps).
    below_chars = [c for c in page.chars if x0 <= c["x0"] <= x1 and c["top"] > region_top - 1]
    for i, ln in enumerate(body):
        row_chars = [c for c in below_chars if abs(c["top"] - ln.top) < 0.3 * ln.size and c["text"].strip()]
        # (cells of a tight table can stand closer than a word space: the gaps alone tell nothing)
        crossed = sum(any(c["x0"] < x - 0.3 and c["x1"] > x + 0.3 for c in row_chars) for x in xs[1:-1])
        if crossed >= min(2, len(xs) - 2):
            body = body[:i]
            break
    if len(body) < 2:
        return None
    bottom = max(ln.bottom for ln in body) + 1
    ys = list(head) if head else [region_top]
    first_col = [ln for ln in body if ln.x0 < xs[1] - 1]
    steps = [b.top - a.top for a, b in itertools.pairwise(body) if b.top > a.top]
    pitch = median(steps) if steps else 1.5 * size
    region_chars = [c for c in below_chars if c["x1"] <= x1 and region_top < c["top"] < bottom]

    for a, b in itertools.pairwise([None, *first_col]):
        if b is None or b.top - 0.5 <= ys[-1]:
            continue
        # Other columns starting a line at the same height make it a new row, not the
        # first cell wrapping onto its next line.
        row_aligned = any(c["x0"] >= xs[1] and abs(c["top"] - b.top) < 0.3 * b.size and c["text"].strip()
                          for c in region_chars)
        # ...unless the line before broke inside a token (SIP2023_ | A11 in a narrow column)
        first_cell = "".join(c["text"] for c in sorted(region_chars, key=lambda c: c["x0"])
                             if a is not None and c["x1"] <= xs[1] + 0.5 and abs(c["top"] - a.top) < 0.3 * a.size)
        inside_token = first_cell.rstrip().endswith(("_", "-", "/", "\u2010"))
        if a is None or b.top - a.top > 1.2 * pitch or (row_aligned and not inside_token):
            ys.append(b.top - 0.5)
    ys.append(bottom)
    cells = _cells_from_grid(page, number, xs, ys)
    return Table(number, (x0, ys[0], x1, bottom), len(ys) - 1, len(xs) - 1, tuple(cells), "text")


def _continued_unruled(page: pdfplumber.page.Page, number: int, lines: list[TextLine],
                       before: tuple[Table, ...]) -> list[Table]:
    """An unruled table of the previous page going on at the top of this one without its
    header row: the same columns, lines starting where the previous page's columns start."""
    out: list[Table] = []
    for prev in before:
        if prev.strategy != "text" or prev.n_cols < 3 or prev.bbox[2] > page.width:
            continue
        xs = sorted({round(c.bbox[0], 2) for c in prev.cells} | {prev.bbox[2]})
        sizes = [ln.size for c in prev.cells for ln in c.lines]
        if len(xs) != prev.n_cols + 1 or not sizes:
            continue
        size = median(sizes)
        candidates = [ln for ln in lines if abs(ln.size - size) < 0.5 and ln.x0 >= xs[0] - 2 and ln.x1 <= xs[-1] + 2]
        rows: dict[int, list[TextLine]] = {}
        for ln in candidates:
            rows.setdefault(round(ln.top / (0.3 * size)), []).append(ln)

        def aligned(row: list[TextLine], starts: list[float] = xs[:-1]) -> int:
            return sum(any(abs(ln.x0 - (x + 0.5)) < 2 for x in starts) for ln in row)

        ordered = [rows[k] for k in sorted(rows)]
        start = None
        for i, row in enumerate(ordered):
            if aligned(row) >= 2 or (aligned(row) == 1 and i + 1 < len(ordered) and aligned(ordered[i + 1]) >= 2):
                start = i
                break
        if start is None:
            continue
        top = min(ln.top for ln in ordered[start])
        body: list[TextLine] = []
        stops = [r[1] for r in _rules(page) if r[1] > top]
        for ln in sorted((ln for ln in lines if ln.top >= top - 0.5), key=lambda ln: (ln.top, ln.x0)):
            if abs(ln.size - size) > 0.25 or (stops and ln.top > min(stops)):
                break
            body.append(ln)
        table = _unruled_grid(page, number, body, xs, [], size)
        if table is not None:
            out.append(table)
    return out


def _line_inside(line: TextLine, box: BBox) -> bool:
    return _inside({"x0": line.x0, "x1": line.x1, "top": line.top, "bottom": line.bottom}, box)


def _boxes(page: pdfplumber.page.Page, tables: list[Table]) -> list[BBox]:
    """Framed boxes (a figure, a text box) whose text is not body text. A rectangle under half
    the page or more is a background or a page frame, not a box."""
    boxes: list[BBox] = []
    half = float(page.width) * float(page.height) / 2
    for r in page.rects:
        box = (r["x0"], r["top"], r["x1"], r["bottom"])
        if r["width"] < 20 or r["height"] < 20 or r["width"] * r["height"] >= half:
            continue
        if any(_inside(r, t.bbox, slack=2) for t in tables):
            continue
        boxes.append(box)
    return boxes


def _rules(page: pdfplumber.page.Page) -> list[BBox]:
    strokes = [*page.lines, *(r for r in page.rects if r["height"] <= 1.5)]
    return [
        (s["x0"], s["top"], s["x1"], s["bottom"])
        for s in strokes
        if abs(s["bottom"] - s["top"]) <= 1.5 and s["x1"] - s["x0"] > 10
    ]


def read_page(page: pdfplumber.page.Page, number: int, before: tuple[Table, ...] = ()) -> Page:
    """One page; ``before`` are the tables of the previous page (a table may continue)."""
    tables = _ruled_tables(page, number, before)
    row_ruled, replaced = _row_ruled_tables(page, number, tables, before)
    tables = [t for t in tables if t not in replaced] + row_ruled
    boxes = _boxes(page, tables)
    excluded = [t.bbox for t in tables] + boxes
    chars = [c for c in page.chars if not any(_inside(c, box) for box in excluded)]
    lines = build_lines(chars, number)
    unruled = _unruled_tables(page, number, lines, before)
    if not tables and not unruled:
        unruled = _continued_unruled(page, number, lines, before)
    if unruled:
        lines = [ln for ln in lines if not any(_line_inside(ln, t.bbox) for t in unruled)]
        tables += unruled
    return Page(
        number=number,
        width=float(page.width),
        height=float(page.height),
        lines=tuple(lines),
        tables=tuple(tables),
        boxes=tuple(boxes),
        rules=tuple(_rules(page)),
    )


def read_pages(pdf: pdfplumber.PDF) -> list[Page]:
    """The page model of a whole document."""
    pages: list[Page] = []
    for i, page in enumerate(pdf.pages, start=1):
        pages.append(read_page(page, i, pages[-1].tables if pages else ()))
    return pages


def _pdfminer_reads(page: pdfplumber.page.Page) -> bool:
    """Does pdfminer itself parse the page's content (then a failure on it is ours)?"""
    try:
        page.chars  # noqa: B018 - parsing the content stream is the test
    except Exception as exc:
        raise_failed_allocation(exc)
        return False
    return True


def _decoded_content_over(page: pdfplumber.page.Page, limit: int) -> bool:
    """Does the page's content decode to more than ``limit`` bytes? Counted by streaming the
    decompression, never holding it: a few kilobytes of deflated operators can decode to
    gigabytes (a zip bomb), which pdfminer would decode whole and then interpret for minutes."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream

    total = 0
    for stream in page.page_obj.contents:
        if not isinstance(stream, PDFStream):
            continue
        if stream.data is not None or stream.rawdata is None:
            total += len(stream.data or b"")
            continue
        filters = stream.get_filters()
        if stream.decipher or len(filters) != 1 or filters[0][0] not in LITERALS_FLATE_DECODE:
            total += len(stream.rawdata)
            continue
        inflate = zlib.decompressobj()
        data = stream.rawdata
        try:
            while data and total <= limit:
                total += len(inflate.decompress(data, 1 << 20))
                data = inflate.unconsumed_tail
        except zlib.error:
            continue  # pdfminer says what is wrong with it when it decodes it
        if total > limit:
            return True
    return total > limit


def read_text_pages(pdf: pdfplumber.PDF, path: Path | str) -> list[Page]:
    """The page model, or a PdfError naming ``path`` if the pages cannot be read or carry no
    text at all (an image-only scan). A page pdfminer reads but gbdocs fails on raises
    InternalError: the bug is ours, not the file's."""
    pages: list[Page] = []
    try:
        listed = list(enumerate(pdf.pages, start=1))
    except Exception as exc:  # the page tree itself is unreadable
        raise_failed_allocation(exc)
        raise PdfError(path, f"damaged PDF, page tree unreadable ({detail(exc)})") from None
    for number, page in listed:
        try:
            if _decoded_content_over(page, MAX_PAGE_CONTENT_MB << 20):
                raise PdfError(path, f"too large: the content of page {number} decodes to more than "
                                     f"{MAX_PAGE_CONTENT_MB} MB", ErrorKind.TOO_LARGE)
            pages.append(read_page(page, number, pages[-1].tables if pages else ()))
        except PdfError:
            raise
        except Exception as exc:
            raise_failed_allocation(exc)  # the limit, maybe wrapped by pdfplumber
            if _pdfminer_reads(page):
                raise InternalError(path, exc, page=number) from exc
            raise PdfError(path, f"damaged PDF, content of page {number} unreadable ({detail(exc)})") from None
    if sum(p.n_chars for p in pages) == 0:
        raise PdfError(path, "no text layer (an image-only scan?): run OCR on it first", ErrorKind.NO_TEXT)
    return pages
