"""What a generated document looks like: one seeded random draw over the layout dimensions.

The dimensions are those of "Layout independence" in DESIGN.md. A producer renders the
:class:`LayoutChoice` it is given as faithfully as its engine allows and records in
``RenderResult.notes`` anything it could not honour; the choice is written beside every
generated PDF (``choice.json``) so a miss can be traced to the layout that caused it.

Nothing here depends on what gbdocs extracts: the expected output of a generated document is
the sample's hand-checked content, with page numbers located by an independent tool.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field

from gen.fonts import FontSet, available_fonts

PAGE_SIZES_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4), "legal": (215.9, 355.6), "b5": (176.0, 250.0)}

# Running-head page-number forms; {n} = page number, {total} = page count.
PAGE_NUMBER_FORMS = {
    "en": ["{n}", "- {n} -", "Page {n}", "{n}/{total}", "Page {n} of {total}"],
    "zh": ["{n}", "- {n} -", "第{n}页", "{n}/{total}", "第 {n} 页，共 {total} 页"],
}

# The upper header row of a two-level progress table, spanning the implemented and ongoing columns.
GROUP_HEADER = {"en": "Implementation status", "zh": "实施状况"}


@dataclass(frozen=True)
class LayoutChoice:
    producer: str
    seed: int
    language: str
    page: str = "a4"                   # key of PAGE_SIZES_MM
    landscape_annex: bool = False      # pages from the annex (the `!pagebreak` before it) on landscape
    margin_mm: tuple[float, float, float, float] = (20.0, 22.0, 20.0, 22.0)  # top, right, bottom, left
    font_body: str = "Noto Serif CJK SC"   # the body face (a CJK face for zh, a Latin face for en)
    font_heading: str = "Noto Sans CJK SC"
    font_latin: str = "Liberation Serif"   # Latin text inside a zh document
    bold: bool = True                  # False: headings/header row have no bold face (regular or faux)
    body_pt: float = 11.0
    table_pt: float = 9.0
    footnote_pt: float = 9.0
    line_spacing: float = 1.15
    justify: bool = True
    hyphenate: bool = False            # en only: words may break at line ends (also in table cells)
    ligatures: bool = False            # en only: fi/fl/ff ligature glyphs where the font has them
    footnote_ref: str = "superscript"  # marker in the text: superscript | bracketed  ("[1]" raised)
    # in the note area: superscript | inline ("1 ") | dotted ("1.") | tab (label in its own column)
    footnote_label: str = "superscript"
    footnote_numbering: str = "document"  # document | page (restarts on every page)
    footnote_rule: str = "short"       # short | long | none
    page_number_position: str = "header"  # header | footer
    page_number_align: str = "center"  # left | center | right | alternating (outer edge)
    page_number_form: str = "{n}"      # one of PAGE_NUMBER_FORMS[language]
    page_number_first: bool = False    # page 1 carries a page number too
    running_header: str = "symbol"     # symbol | symbol_title | symbol_job | none
    symbol_align: str = "right"        # left | right | alternating — where the running symbol sits
    table_rules: str = "grid"          # grid | horizontal | none
    header_levels: int = 1             # 2: the progress table's implemented/ongoing under GROUP_HEADER
    header_repeat: bool = True         # header row repeated on every page of a table
    rows_split: bool = True            # a table row may be cut by a page break
    header_fill: bool = True           # grey header-row background
    job_number: str = ""               # e.g. "24-05678 (E)"; printed where running_header == symbol_job
    extra: dict[str, str] = field(default_factory=dict)  # producer-specific knobs, recorded for tracing

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    def page_size_mm(self, landscape: bool = False) -> tuple[float, float]:
        w, h = PAGE_SIZES_MM[self.page]
        return (h, w) if landscape else (w, h)

    def page_number_text(self, n: int, total: int) -> str:
        return self.page_number_form.format(n=n, total=total)

    def page_number_pieces(self, form: str | None = None) -> list[tuple[str, str]]:
        return page_number_pieces(self.page_number_form if form is None else form)


def page_number_pieces(form: str) -> list[tuple[str, str]]:
    """A page-number form as ("n" | "total" | "text", text) pieces, for engines that count pages."""
    pieces = re.split(r"(\{n\}|\{total\})", form)
    return [(p[1:-1], p) if p in ("{n}", "{total}") else ("text", p) for p in pieces if p]


def draw(producer: str, seed: int, language: str, fonts: FontSet | None = None) -> LayoutChoice:
    """A random layout for one document, reproducible from (producer, seed, language)."""
    rng = random.Random(f"{producer}:{seed}:{language}")
    fonts = fonts or available_fonts()
    if language == "zh":
        body_face = rng.choice(fonts.cjk)
        heading_face = rng.choice([body_face, *fonts.cjk])
        latin = rng.choice(fonts.latin)
    else:
        body_face = rng.choice(fonts.latin)
        heading_face = rng.choice([body_face, body_face, *fonts.latin])
        latin = body_face
    bold = fonts.has_bold(heading_face) and rng.random() > 0.1
    body_pt = rng.choice([9.5, 10.0, 10.5, 11.0, 11.0, 12.0])
    table_pt = round(body_pt - rng.choice([1.0, 1.5, 2.0, 2.5]), 1)
    page = rng.choice(["a4", "a4", "a4", "letter", "letter", "legal", "b5"])
    top = rng.uniform(12, 30)
    side = rng.uniform(15, 30) if page != "b5" else rng.uniform(12, 20)
    numbering = rng.choice(["document", "document", "page"])
    running = rng.choice(["symbol", "symbol", "symbol_title", "symbol_job"])
    job = f"{rng.randint(17, 25)}-{rng.randint(1000, 19999):05d} ({'E' if language == 'en' else 'C'})"
    return LayoutChoice(
        producer=producer,
        seed=seed,
        language=language,
        page=page,
        landscape_annex=rng.random() < 0.25,
        margin_mm=(round(top, 1), round(side, 1), round(rng.uniform(15, 30), 1), round(side, 1)),
        font_body=body_face,
        font_heading=heading_face,
        font_latin=latin,
        bold=bold,
        body_pt=body_pt,
        table_pt=table_pt,
        footnote_pt=round(body_pt - rng.choice([1.5, 2.0, 2.5]), 1),
        line_spacing=rng.choice([1.0, 1.1, 1.15, 1.25, 1.4]),
        justify=rng.random() < 0.7,
        hyphenate=language == "en" and rng.random() < 0.5,
        ligatures=language == "en" and rng.random() < 0.6,
        footnote_ref=rng.choice(["superscript"] * 4 + ["bracketed"]),
        footnote_label=rng.choice(["superscript", "inline", "dotted", "tab"]),
        footnote_numbering=numbering,
        footnote_rule=rng.choice(["short", "short", "long", "none"]),
        page_number_position=rng.choice(["header", "footer"]),
        page_number_align=rng.choice(["left", "center", "right", "alternating"]),
        page_number_form=rng.choice(PAGE_NUMBER_FORMS[language]),
        page_number_first=rng.random() < 0.3,
        running_header=running,
        symbol_align=rng.choice(["right", "right", "left", "alternating"]),
        table_rules=rng.choice(["grid", "grid", "horizontal", "none"]),
        header_levels=rng.choice([1, 1, 2]),
        header_repeat=rng.random() < 0.8,
        rows_split=rng.random() < 0.8,
        header_fill=rng.random() < 0.6,
        job_number=job if running == "symbol_job" else "",
    )
