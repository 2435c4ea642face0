"""Typst producer: the source as Typst markup, compiled by the ``typst`` PyPI package (bundled compiler).

Every text run of the source is emitted as a Typst string literal (``#"..."``), so nothing of the
text is read as markup (``* _ # [ ] $ @ < > ` \\``, ``=``/``-``/``+``/``1.`` at a line start,
smart quotes, ``--`` shorthands). Footnotes are Typst footnotes (at the foot of the page of their
reference); per-page footnote numbering resets the footnote counter in the page header, which
Typst lays out before the page body.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gen.layout import GROUP_HEADER, LayoutChoice, page_number_pieces
from gen.source import FOOTNOTE, Block, Source, annex_break, header_block, split_footnotes, strip_footnotes

NAME = "typst"


@dataclass(frozen=True)
class Tweak:
    """Layout details outside LayoutChoice, varied only to move page breaks (see LAYOUT_TRIES)."""

    spacing: float = 1.0          # paragraph spacing and cell padding factor
    sticky: bool = True           # headings and captions kept with the next block
    orphans: bool = True          # Typst's orphan/widow avoidance
    footnote_rows_split: bool = False  # rows_split False: rows holding a footnote may still break


# Relative column widths by table kind (percent of the text width).
COLUMN_SHARES = {"actions": [14, 12, 20, 13, 41], "progress": [30, 12, 12, 12, 17, 17]}


def available() -> str | None:
    try:
        import typst  # noqa: F401
    except ImportError:
        return "pip install typst (PyPI package bundling the Typst compiler)"
    return None


# ---------------------------------------------------------------- fonts


@cache
def _typst_fonts() -> tuple[frozenset[str], dict[tuple[str, int], str]]:
    import typst

    fonts = typst.Fonts()
    by_file = {(str(f.path), int(f.index)): f.family for f in fonts.fonts() if f.path}
    return frozenset(fonts.families()), by_file


@cache
def _family(name: str) -> str:
    """The name Typst knows a fontconfig family by (fontconfig 'AR PL UKai CN' is Typst's 'AR PL UKai')."""
    families, by_file = _typst_fonts()
    if name in families:
        return name
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}", f"{name}:style=Regular"],
                             capture_output=True, text=True)
        file, _, index = out.stdout.partition("\t")
        fam = by_file.get((file, int(index or 0)))
        if fam:
            return fam
    return name


# ---------------------------------------------------------------- markup helpers


def _str(text: str) -> str:
    """A Typst string literal holding ``text`` exactly."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'"{out}"'


def _t(text: str, lit: bool = False) -> str:
    """Markup printing ``text`` verbatim (an embedded string expression).

    ``lit``: the source's hyphens go through ``#lit`` (the body face without the face that sets
    hyphenation hyphens, see ``_preamble``).
    """
    if not text:
        return ""
    if lit and "-" in text:
        return '#lit("-")'.join(_t(part) for part in text.split("-"))
    return f"#{_str(text)}"


def _inline(text: str, lit: bool = False, note_lit: bool | None = None) -> str:
    """Markup for a source text with its ``[^...]`` footnotes (``note_lit``: ``lit`` for the notes)."""
    note_lit = lit if note_lit is None else note_lit
    out: list[str] = []
    pieces = split_footnotes(text)
    for k, (run, note) in enumerate(pieces):
        if note is None:
            # The character before a footnote marker goes in one box with it: Typst would break
            # a line between a CJK character and the marker.
            if k + 1 < len(pieces) and pieces[k + 1][1] is not None and run and not run[-1].isspace():
                out.append(_t(run[:-1], lit))
                out.append(f"#box[{_t(run[-1], lit)}#footnote[{_t(pieces[k + 1][1], note_lit)}]]")
            else:
                out.append(_t(run, lit))
        elif k == 0 or not pieces[k - 1][0] or pieces[k - 1][0][-1].isspace():
            out.append(f"#footnote[{_t(note, note_lit)}]")
    return "".join(out)


# Faces that set the hyphens of hyphenated words, by the class of the body face: a face of the
# same kind as the body's but another file (see _preamble: why hyphenation hyphens need their own face).
HYPHEN_FACES = {
    "serif": ["TeX Gyre Termes", "Liberation Serif", "Noto Serif", "DejaVu Serif", "TeX Gyre Pagella"],
    "sans": ["TeX Gyre Heros", "Liberation Sans", "Noto Sans", "DejaVu Sans"],
}


def _hyphen_face(c: LayoutChoice) -> str | None:
    """A face for hyphenation hyphens: like the body's, but used for nothing else in the document."""
    body = c.font_body
    kind = "sans" if "Sans" in body or "Heros" in body else "serif"
    families = _typst_fonts()[0]
    taken = {_family(f) for f in (c.font_body, c.font_heading, c.font_latin)}
    for face in HYPHEN_FACES[kind] + HYPHEN_FACES["serif" if kind == "sans" else "sans"]:
        if _family(face) not in taken and _family(face) in families:
            return _family(face)
    return None


def _hyphenating(src: Source, c: LayoutChoice) -> bool:
    return c.hyphenate and src.meta["language"] != "zh" and _hyphen_face(c) is not None


def _len(mm: float) -> str:
    return f"{mm:.2f}mm"


def _fonts(primary: str, latin: str | None) -> str:
    """A Typst font list: Latin face restricted to Latin text inside CJK, then the main face.

    The Latin face comes again last, for what the CJK face lacks (Droid Sans Fallback has no “ ”).
    """
    if latin and latin != primary:
        lat = _str(_family(latin))
        return f'((name: {lat}, covers: "latin-in-cjk"), {_str(_family(primary))}, {lat})'
    return f"({_str(_family(primary))},)"


def _form_expr(form: str) -> str:
    """Typst expression for a page-number form; ``n`` and ``total`` are bound by the caller."""
    counters = {"n": "str(n)", "total": "str(total)"}
    return " + ".join(counters.get(kind) or _str(piece) for kind, piece in page_number_pieces(form)) or '""'


def _align_expr(align: str, parity_var: str = "n") -> str:
    if align == "alternating":  # outer edge: right on odd (recto) pages, left on even
        return f"(if calc.odd({parity_var}) {{ right }} else {{ left }})"
    return {"left": "left", "center": "center", "right": "right"}[align]


# ---------------------------------------------------------------- document


def _preamble(src: Source, c: LayoutChoice, tw: Tweak = Tweak()) -> str:
    spacing_scale, sticky = tw.spacing, tw.sticky
    lang = src.meta["language"]
    zh = lang == "zh"
    w, h = c.page_size_mm()
    top, right, bottom, left = c.margin_mm
    latin = c.font_latin if zh else None
    body_fonts = _fonts(c.font_body, latin)
    # Hyphenation: the PDF writer (krilla) gives a glyph the text of its first use in ToUnicode and
    # marks later uses with other text by /ActualText, which pdfminer-based readers ignore. When a
    # hyphenation hyphen ("\u00ad") came first, every hyphen of the source read as U+00AD. So the
    # hyphens Typst inserts at line ends come from another face (first in the list, covering "-"
    # only) and the source's own hyphens are set through #lit in the body face.
    hy_face = _hyphen_face(c) if _hyphenating(src, c) else None
    main_fonts = (f'((name: {_str(hy_face)}, covers: regex("-")), ..bodyfonts)' if hy_face else "bodyfonts")
    head_fonts = _fonts(c.font_heading, latin)
    furniture_pt = max(c.body_pt - 1.5, 7.0)
    # Line pitch: Typst's line box is cap-height..baseline (~0.7em); leading is the gap between
    # boxes, so leading = pitch - 0.7em gives a baseline pitch of 1.2em * line_spacing.
    leading = 1.2 * c.line_spacing - 0.7
    strong = "bold" if c.bold else "regular"

    # Running furniture: items (align expr, content expr) per region, evaluated in context.
    symbol = src.meta["symbol"]
    if c.running_header == "symbol_title":
        sym_content = f"[{_t(symbol)}#h(1.5em){_t(src.meta['title'])}]"
    else:
        sym_content = f"[{_t(symbol)}]"
    num_content = f"[#({_form_expr(c.page_number_form)})]"
    num_cond = "true" if c.page_number_first else "n > 1"
    head_items: list[tuple[str, str, str]] = []  # (condition, align, content)
    foot_items: list[tuple[str, str, str]] = []
    if c.running_header != "none":
        head_items.append(("n > 1", _align_expr(c.symbol_align), sym_content))
    pn = (num_cond, _align_expr(c.page_number_align), num_content)
    (head_items if c.page_number_position == "header" else foot_items).append(pn)
    if c.running_header == "symbol_job" and c.job_number:
        foot_items.insert(0, ("true", "left", f"[{_t(c.job_number)}]"))

    def region(items: list[tuple[str, str, str]], reset: bool) -> str:
        lines = [
            "context {",
            "  let n = counter(page).get().first()",
            "  let total = counter(page).final().first()",
        ]
        if reset:
            lines.append("  counter(footnote).update(0)")
        lines.append(f"  set text(font: bodyfonts, size: {furniture_pt}pt, hyphenate: false)")
        lines.append("  let items = ()")
        for cond, al, content in items:
            lines.append(f"  if {cond} {{ items.push(({al}, {content})) }}")
        # Items on distinct edges share one line; otherwise they are stacked.
        lines.append(
            "  let aligns = items.map(it => it.at(0))\n"
            "  if items.len() > 1 and aligns.dedup().len() == items.len() and "
            f"{'false' if c.running_header == 'symbol_title' else 'true'} {{\n"
            "    block(width: 100%, { for it in items { place(it.at(0), it.at(1)) }; hide[X] })\n"
            "  } else {\n"
            "    stack(spacing: 0.35em, ..items.map(it => align(it.at(0), it.at(1))))\n"
            "  }"
        )
        lines.append("}")
        return "\n".join(lines)

    per_page = c.footnote_numbering == "page"
    header = region(head_items, reset=per_page)
    footer = region(foot_items, reset=False)

    # Footnotes.
    ref_numbering = ('(..n) => "[" + str(n.pos().last()) + "]"' if c.footnote_ref == "bracketed" else '"1"')
    if c.footnote_rule == "none":
        separator = "none"
    else:
        separator = f"line(length: {'30%' if c.footnote_rule == 'short' else '100%'}, stroke: 0.5pt)"
    label = {
        "superscript": "super(num) + h(0.2em) + body",
        "inline": "num + \" \" + body",
        "dotted": "num + \". \" + body",
        "tab": "par(hanging-indent: 1.8em, box(width: 1.8em, num) + body)",
    }[c.footnote_label]

    hyph = "true" if (c.hyphenate and not zh) else "false"
    liga = "true" if (c.ligatures and not zh) else "false"
    region_code = ', region: "cn"' if zh else ""

    return f"""
#set document(title: {_str(symbol)})
#let bodyfonts = {body_fonts}
#let headfont = {head_fonts}
#let lit(s) = text(font: bodyfonts, s)
#set page(width: {_len(w)}, height: {_len(h)},
  margin: (top: {_len(top)}, right: {_len(right)}, bottom: {_len(bottom)}, left: {_len(left)}),
  header-ascent: 25%, footer-descent: 25%,
  header: {header},
  footer: {footer},
)
#set text(font: {main_fonts}, size: {c.body_pt}pt, lang: "{lang}"{region_code},
  hyphenate: {hyph}, ligatures: {liga}, cjk-latin-spacing: none)
#set par(justify: {'true' if c.justify else 'false'}, leading: {leading:.3f}em,
  spacing: {(leading + 0.75) * spacing_scale:.3f}em)
#set super(typographic: false)
{'' if tw.orphans else '#set text(costs: (orphan: 0%, widow: 0%))'}
#set footnote(numbering: {ref_numbering})
#set footnote.entry(separator: {separator}, indent: 0pt, gap: 0.35em, clearance: 0.8em)
#show footnote.entry: it => {{
  let num = str(counter(footnote).at(it.note.location()).last())
  let body = it.note.body
  [#metadata((it.note.location().page(), here().page())) <fnpage>]
  set text(size: {c.footnote_pt}pt)
  set par(justify: false, leading: 0.45em)
  {label}
}}
#let strong-weight = "{strong}"
#let hd(body) = block(sticky: {'true' if sticky else 'false'}, above: 1.4em, below: 0.8em,
  text(font: headfont, hyphenate: false, weight: strong-weight, size: {c.body_pt if c.bold else c.body_pt + 1}pt, body))
#let chd(body) = align(center, hd(body))
#let caption(body) = block(sticky: {'true' if sticky else 'false'}, above: 1em, below: 0.5em,
  text(font: headfont, hyphenate: false, weight: strong-weight, size: {c.body_pt - 1 if c.bold else c.body_pt}pt, body))
#let numbered(label, body) = par(box(width: 9mm, label) + body)
// No wrapping block around paragraphs holding footnote references: Typst moves a line whose
// footnote does not fit to the next page only for paragraphs directly in the page flow.
#let indented(label, body) = par(hanging-indent: 18mm, h(9mm) + box(width: 9mm, label) + body)
#let note(body) = {{ set text(size: {c.table_pt}pt); set par(justify: false, spacing: 0.5em); par(body) }}
#let figurebox(body) = align(center, block(width: 60%, inset: 6mm, stroke: 1pt + rgb("#1f4e79"),
  fill: rgb("#deeaf6"), above: 0.8em, below: 1.2em, align(center, body)))
#let endmark(body) = block(above: 24pt, width: 100%, align(center, body))
"""


def _first_page(src: Source, c: LayoutChoice) -> str:
    meta = src.meta
    left, right, n_body = header_block(meta)
    cells = []
    for i, text in enumerate(left):
        weight = "strong-weight" if i < n_body else '"regular"'
        cells.append(f"text(weight: {weight})[{_t(text)}]")
        cells.append(f"[{_t(right[i])}]" if i < len(right) else "[]")
    for extra in right[len(left):]:
        cells.extend(["[]", f"[{_t(extra)}]"])
    title_size = c.body_pt + 3
    return f"""
#block(below: 1.6em, text(font: headfont, hyphenate: false, size: {c.body_pt - 1}pt,
  grid(columns: (1fr, auto), column-gutter: 1em, row-gutter: 0.5em, align: (left, right),
    {", ".join(cells)})))

#align(center, block(above: 1.4em, below: 0.9em, text(font: headfont, hyphenate: false, weight: strong-weight,
  size: {title_size}pt)[{_t(meta["title"])}]))

#align(center, block(below: 1.4em, box(inset: (bottom: 8pt, x: 2.5em), stroke: (bottom: 0.5pt),
  text(font: bodyfonts, hyphenate: false, emph[{_t(meta["report_by"])}]))))
"""


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def _fit_columns(rows: list[list[str]], shares: list[float], c: LayoutChoice, landscape: bool) -> list[float]:
    """Widen columns whose longest unbreakable word would overflow the cell (Typst does not break it)."""
    page_w, _ = c.page_size_mm(landscape)
    width = page_w - c.margin_mm[1] - c.margin_mm[3]
    em_mm = c.table_pt * 25.4 / 72
    need = []
    for col in range(len(shares)):
        longest = 0
        for r in rows:
            for word in re.split(r"\s+|\\n", _CJK.sub(" ", strip_footnotes(r[col]))):
                longest = max(longest, len(word))
        need.append(min(longest * 0.62 * em_mm + 3.5, 0.4 * width))
    # Each column at least as wide as its longest word, then all scaled back to the text width
    # (a table whose words cannot all fit keeps its proportions rather than starving one column).
    widths = [max(s / sum(shares) * width, n) for s, n in zip(shares, need, strict=True)]
    return [w * width / sum(widths) for w in widths]


def _text_height_mm(c: LayoutChoice, landscape: bool) -> float:
    _, page_h = c.page_size_mm(landscape)
    return page_h - c.margin_mm[0] - c.margin_mm[2]


def _row_height_mm(row: list[str], col_mm: list[float], c: LayoutChoice) -> float:
    """An upper estimate of a table row's height (wrapped lines x line pitch + padding).

    Measured on rendered tables: 1.0-2.0 times the real height (median 1.3).
    """
    em_mm = c.table_pt * 25.4 / 72
    pitch = em_mm * (1.2 * c.line_spacing + 0.1)
    tallest = 0.0
    for text, width in zip(row, col_mm, strict=True):
        usable = max(width - 3.0, 5.0)
        lines = 0
        for para in strip_footnotes(text).split("\\n"):
            ems = sum(1.0 if _CJK.match(ch) else 0.55 for ch in para)
            lines += max(1, -(-int(ems * em_mm * 1.15) // int(usable)))
        tallest = max(tallest, lines * pitch + 0.5 * em_mm * lines / 3 + 3.0)
    return tallest / 1.1


def _table(block: Block, c: LayoutChoice, lang: str, landscape: bool = False, tw: Tweak = Tweak(),
           lit: bool = False, notes: list[str] | None = None) -> str:
    scale = tw.spacing
    note_lit = lit
    rows = block.rows
    ncols = len(rows[0])
    shares = COLUMN_SHARES.get(block.name)
    if not shares or len(shares) != ncols:
        shares = [1] * ncols
    rng = random.Random(f"typst-cols:{c.seed}:{block.name}")
    shares = [s * rng.uniform(0.85, 1.15) for s in shares]
    shares = _fit_columns(rows, shares, c, landscape)
    col_mm = shares  # _fit_columns returns widths in mm
    cols = ", ".join(f"{s:.2f}fr" for s in shares)
    rules = c.table_rules
    stroke = {"grid": "0.5pt", "horizontal": "(x: none, y: 0.5pt)", "none": "none"}[rules]
    fill = "luma(217)" if (c.header_fill and rules != "none") else "none"
    two_level = c.header_levels == 2 and block.name == "progress" and ncols == 6

    def cell(text: str, lit: bool = lit) -> str:
        paras = "\n\n".join(_inline(p, lit, note_lit) for p in text.split("\\n"))
        return f"[{paras}]"

    head_text = "text(font: headfont, hyphenate: false, weight: strong-weight)"

    def hcell(text: str, **span: int) -> str:
        extra = "".join(f", {k}: {v}" for k, v in span.items())
        return f"table.cell(fill: {fill}{extra}, {head_text}{cell(text, False)})"

    head = rows[0]
    if two_level:
        header_cells = [
            hcell(head[0], rowspan=2), hcell(head[1], rowspan=2),
            f"table.cell(fill: {fill}, colspan: 2, {head_text}[{_t(GROUP_HEADER[lang])}])",
            hcell(head[4], rowspan=2), hcell(head[5], rowspan=2),
            hcell(head[2]), hcell(head[3]),
        ]
        nhead = 2
    else:
        header_cells = [hcell(h) for h in head]
        nhead = 1
    body_cells = []
    tall: list[str] = []
    for r in rows[1:]:
        # rows_split False: rows are kept whole, except rows too tall for a page, which break
        # anyway (Typst 0.15 repeats table rows when an unbreakable row taller than the page meets
        # a footnote later in the table).
        keep = not c.rows_split and _row_height_mm(r, col_mm, c) < 0.8 * _text_height_mm(c, landscape)
        if keep and tw.footnote_rows_split and any(FOOTNOTE.search(t) for t in r):
            keep = False
        if not c.rows_split and not keep:
            tall.append(r[0][:20])
        body_cells.extend(f"table.cell(breakable: false, {cell(t)})" if keep else cell(t) for t in r)
    if tall and notes is not None:
        notes.append(f"rows_split False: {len(tall)} row(s) of table {block.name!r} taller than 0.8 of the "
                     f"page left breakable: {', '.join(tall)}")
    repeat = "true" if c.header_repeat else "false"
    return f"""#block(above: 0.6em, below: 0.8em, {{
set text(size: {c.table_pt}pt)
set par(justify: false, leading: {max(1.2 * c.line_spacing - 0.75, 0.35):.3f}em, spacing: 0.6em)
table(columns: ({cols}), stroke: {stroke}, inset: {4 * scale:.2f}pt,
  align: (x, y) => if y < {nhead} {{ center + horizon }} else {{ left + top }},
  table.header(repeat: {repeat}, {", ".join(header_cells)}),
  {", ".join(body_cells)})
}})"""


def _body(src: Source, c: LayoutChoice, tw: Tweak = Tweak(), notes: list[str] | None = None) -> str:
    lang = src.meta["language"]
    out: list[str] = []
    land = annex_break(src.blocks) if c.landscape_annex else None
    landscape = False
    lit = _hyphenating(src, c)
    for i, b in enumerate(src.blocks):
        k = b.kind
        if k == "heading":
            out.append(f"#hd[{_inline(b.text, False, lit)}]")
        elif k == "centered":
            out.append(f"#chd[{_inline(b.text, False, lit)}]")
        elif k in ("numbered", "subitem"):
            label, _, rest = b.text.partition(" ")
            fn = "numbered" if k == "numbered" else "indented"
            out.append(f"#{fn}([{_t(label)}], [{_inline(rest, lit)}])")
        elif k == "bullet":
            out.append(f"#indented([•], [{_inline(b.text, lit)}])")
        elif k == "plain":
            out.append(f"#par[{_inline(b.text, lit)}]")
        elif k == "caption":
            out.append(f"#caption[{_inline(b.text, False, lit)}]")
        elif k == "figure":
            out.append(f"#figurebox[{_inline(b.text, lit)}]")
        elif k == "note":
            out.append(f"#note[{_inline(b.text, lit)}]")
        elif k == "end":
            out.append(f"#endmark[{_inline(b.text, lit)}]")
        elif k == "pagebreak":
            if i == land:
                landscape = True
                out.append("#set page(flipped: true)")
            else:
                out.append("#pagebreak(weak: true)")
        elif k == "table":
            out.append(_table(b, c, lang, landscape, tw, lit, notes))
        else:
            raise ValueError(f"unknown block kind {k!r}")
    return "\n\n".join(out)


def markup(src: Source, c: LayoutChoice, tw: Tweak = Tweak(), notes: list[str] | None = None) -> str:
    """The Typst document (``tw`` only moves page breaks)."""
    return _preamble(src, c, tw) + _first_page(src, c) + "\n" + _body(src, c, tw, notes) + "\n"


# Tried in turn until every footnote is printed on the page of its reference: Typst 0.15 sometimes
# leaves a note on one page and moves the referencing line (held back by orphan control, a sticky
# heading or an unbreakable table row) to the next.
LAYOUT_TRIES = (
    Tweak(), Tweak(spacing=0.9), Tweak(spacing=1.1), Tweak(spacing=0.8), Tweak(spacing=1.2),
    Tweak(orphans=False), Tweak(orphans=False, sticky=False), Tweak(spacing=0.9, orphans=False),
    Tweak(footnote_rows_split=True), Tweak(footnote_rows_split=True, orphans=False),
)


def render(source: Source, choice: LayoutChoice, out_pdf: Path, workdir: Path) -> list[str]:
    import typst

    notes: list[str] = []
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    best: tuple[bytes, list, list, Tweak] | None = None
    for k, tw in enumerate(LAYOUT_TRIES):
        if tw.footnote_rows_split and choice.rows_split:
            continue  # rows break anyway
        typ = workdir / f"document{'' if k == 0 else f'.{k}'}.typ"
        typ.write_text(markup(source, choice, tw, notes if k == 0 else None), encoding="utf-8")
        compiler = typst.Compiler(str(typ), root=str(workdir))
        pdf, warnings = compiler.compile_with_warnings(timestamp=1704067200, pdf_tags=False)
        # Each footnote entry records (page of its reference, page it was laid out on).
        placed = json.loads(compiler.query("<fnpage>", field="value"))
        moved = [(ref, at) for ref, at in placed if ref != at]
        if best is None or len(moved) < len(best[1]):
            best = (pdf, moved, warnings or [], tw)
        if not moved:
            break
    assert best is not None
    pdf, moved, warnings, tw = best
    if tw.footnote_rows_split:
        notes.append("rows_split False: table rows holding a footnote left breakable "
                     "(Typst put the note on another page than its unbreakable row)")
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    out_pdf.write_bytes(pdf)
    if moved:
        notes.append("footnote not on the page of its reference (Typst footnote placement): "
                     + ", ".join(f"referenced on p.{ref}, printed on p.{at}" for ref, at in moved))
    for w in warnings:
        msg = str(getattr(w, "message", w))
        if "font" in msg or "glyph" in msg:
            notes.append(f"typst warning: {msg}")
    for face in {choice.font_body, choice.font_heading, choice.font_latin}:
        if _family(face) not in _typst_fonts()[0]:
            notes.append(f"font {face!r} not found by Typst; it fell back to another face")
    return notes
