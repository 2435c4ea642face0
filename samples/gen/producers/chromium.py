"""Producer "chromium": HTML + paged.js (CSS paged media polyfill) printed by headless Chromium.

The source becomes one HTML file; paged.js (npm ``pagedjs`` 0.4.3, its ``dist/paged.polyfill.js``
inlined in a ``<script>``) lays it out into pages in the browser: footnotes at the page foot
(``float: footnote``), page-margin boxes (``@top-right`` ..., ``counter(page)``/``counter(pages)``),
``:first``/``:left``/``:right`` pages and a named ``annex`` page for a landscape annex. Chromium is
driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``): the page is loaded,
paged.js is awaited, and ``Page.printToPDF`` prints it with the CSS page sizes.

What paged.js 0.4.3 does not do, or does wrong, is done here:
- repeated table header rows: a paged.js handler puts the table's ``<thead>`` on every page the
  table continues on, before that page is laid out (the rows below make room for it);
- per-page footnote numbering: ``counter-reset`` of the footnote counters on every page box;
- mixed page sizes: paged.js lays a landscape named page out in a landscape box but prints one
  ``@page`` size; a print stylesheet added after layout gives those pages their own size;
- column widths: paged.js does not copy ``<colgroup>`` into a table's continuation, so every
  cell carries its width; the drawn shares are widened where a column is narrower than its
  longest word (measured in the browser before layout);
- page breaks (see ``GbBreakFixes``): no break inside a Latin word; the break looked for again
  once the footnote area has its final height (lines pushed out were lost); no hyphen added to
  a word cut by the page end unless it is cut at a soft hyphen; table rows cut where Chromium
  would move them whole out of the page; the rendered text is counted against the source and
  ``render`` raises when a character is lost or repeated (after one retry with rows let split
  when ``rows_split`` is False);
- hyphenation: Chromium on Linux has no hyphenation dictionaries (``hyphens: auto`` does nothing),
  so words get soft hyphens from ``pyphen``; Chromium writes every soft hyphen into the text
  layer as a zero-width glyph in an ``/ActualText`` span of U+00AD, which is removed after
  printing (pypdf), so that the text layer is that of automatic hyphenation: a hyphen (U+2010)
  at the end of a broken line and nothing elsewhere.

Needs: Debian ``chromium``; npm ``pagedjs`` (``npm install --prefix ~/.cache/gbdocs/pagedjs
pagedjs@0.4.3``, see ``package.json`` beside this file, or ``GBDOCS_PAGEDJS`` naming the polyfill
file); the Python packages ``pyphen`` and ``pypdf`` (hyphenation).
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from functools import cache
from pathlib import Path

from gen.layout import GROUP_HEADER, LayoutChoice
from gen.source import Block, Source, annex_break, header_block, split_footnotes

NAME = "chromium"

PAGEDJS_VERSION = "0.4.3"
HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gbdocs" / "pagedjs"
POLYFILL_REL = Path("node_modules/pagedjs/dist/paged.polyfill.js")

# Relative column widths of the known tables (the rest share the width equally).
COLUMN_SHARES = {"actions": [14, 12, 20, 13, 41], "progress": [30, 12, 12, 12, 17, 17]}

# Latin characters of a zh document that take font_latin (the rest, CJK punctuation and the
# curly quotes included, take the CJK face).
LATIN_RANGE = "U+0020-007E, U+00A0-00B6, U+00B8-024F, U+2013"

TIMEOUT_S = 120.0


# ---------------------------------------------------------------- tools


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _polyfill() -> Path | None:
    env = os.environ.get("GBDOCS_PAGEDJS")
    candidates = [Path(env)] if env else []
    candidates += [HERE / POLYFILL_REL, CACHE / POLYFILL_REL]
    for path in candidates:
        if path.is_file():
            return path
    return None


def available() -> str | None:
    missing = []
    if _chromium() is None:
        missing.append("Chromium: apt-get install chromium")
    for module, package in (("pyphen", "pyphen"), ("pypdf", "pypdf")):  # hyphenation
        try:
            __import__(module)
        except ImportError:
            missing.append(f"{package}: pip install {package}")
    if _polyfill() is None:
        missing.append(
            f"paged.js: mkdir -p {CACHE} && cp {HERE / 'package.json'} {CACHE}/ && npm install --prefix {CACHE}"
            f" (or npm install --prefix {CACHE} pagedjs@{PAGEDJS_VERSION})"
        )
    return "; ".join(missing) or None


# ---------------------------------------------------------------- fonts


@cache
def _face_names(family: str, style: str) -> tuple[str, ...]:
    """Full and PostScript names of ``family`` in ``style`` (for CSS ``local()``), () if absent."""
    try:
        out = subprocess.run(
            ["fc-match", "--format=%{family}\n%{fullname}\n%{postscriptname}\n%{style}", f"{family}:style={style}"],
            capture_output=True, text=True, check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return ()
    if len(out) < 4 or family not in [f.strip() for f in out[0].split(",")]:
        return ()
    styles = [s.strip() for s in out[3].split(",")]
    if style not in styles:
        return ()
    names = [n.split(",")[0].strip() for n in (out[1], out[2]) if n.strip()]
    return tuple(dict.fromkeys(names))


def _latin_faces(family: str, css_name: str) -> str:
    """@font-face rules: ``css_name`` is ``family`` restricted to Latin characters."""
    rules = []
    for style, weight, slant in (("Regular", 400, "normal"), ("Bold", 700, "normal"),
                                 ("Italic", 400, "italic"), ("Bold Italic", 700, "italic")):
        names = _face_names(family, style)
        if not names and style == "Regular":
            names = _face_names(family, "Book")
        if not names:
            continue
        src = ", ".join(f"local({_css_str(n)})" for n in names)
        rules.append(
            f"@font-face {{ font-family: {_css_str(css_name)}; src: {src}; font-weight: {weight}; "
            f"font-style: {slant}; unicode-range: {LATIN_RANGE}; }}"
        )
    return "\n".join(rules)


# ---------------------------------------------------------------- text helpers


def _css_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ") + '"'


class _Hyphenator:
    """Soft hyphens into the words of running text (en, choice.hyphenate)."""

    WORD = re.compile(r"(?<![\w/.@:\-])([A-Za-z]{6,})(?![\w/@:]|\.\w)")

    def __init__(self, enabled: bool) -> None:
        self.dic = None
        if enabled:
            import pyphen

            self.dic = pyphen.Pyphen(lang="en_US")

    def __call__(self, text: str) -> str:
        if self.dic is None:
            return text
        return self.WORD.sub(lambda m: self.dic.inserted(m.group(1), hyphen="\u00ad"), text)


def _text(text: str, hy: _Hyphenator | None = None) -> str:
    return html.escape(hy(text) if hy else text, quote=False)


CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
# what a footnote reference is glued to: the CJK character, or the word, before it
_BEFORE_NOTE = re.compile(f"(?:[{CJK}]|[^\\s{CJK}]{{1,40}})$")


def _inline(text: str, hy: _Hyphenator | None, slash_breaks: bool = False) -> str:
    """Source text with ``[^...]`` footnotes to HTML (a footnote is a ``float: footnote`` span).

    ``slash_breaks``: a line may break after a "/" inside a word (``<wbr>``, no character), as a
    word processor breaks "evaluations/reviews" in a narrow table column.
    """

    def run_html(run: str) -> str:
        piece = _text(run, hy)
        return re.sub(r"(?<=\w/)(?=\w)", "<wbr>", piece) if slash_breaks else piece

    out: list[str] = []
    pending = ""  # text before the next footnote, not yet written
    for run, note in split_footnotes(text):
        if note is None:
            pending += run
            continue
        # the reference stays on the line of the word (or CJK character) before it: that word
        # and the note go into one unbreakable span (paged.js puts the reference in its place)
        tail = _BEFORE_NOTE.search(pending)
        glue = tail.group(0) if tail else ""
        out.append(run_html(pending[: len(pending) - len(glue)]))
        note_html = f'<span class="fn">{_text(note, hy)}</span>'
        out.append(f'<span class="nobr">{_text(glue)}{note_html}</span>' if glue else note_html)
        pending = ""
    out.append(run_html(pending))
    return "".join(out)


# ---------------------------------------------------------------- page furniture


def _content(text: str, choice: LayoutChoice | None = None) -> str:
    """A CSS ``content`` value; with ``choice``, ``text`` is a page-number form ({n}, {total})."""
    if choice is None:
        return _css_str(text)
    counters = {"n": "counter(page)", "total": "counter(pages)"}
    return " ".join(counters.get(kind) or _css_str(piece) for kind, piece in choice.page_number_pieces(text))


def _margin_boxes(choice: LayoutChoice, meta: dict[str, str]) -> str:
    """@page rules for the running header/footer of first, left (even) and right (odd) pages."""
    slots = ["top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right"]
    pages: dict[str, dict[str, list[str]]] = {kind: {s: [] for s in slots} for kind in ("first", "left", "right")}
    where = "top" if choice.page_number_position == "header" else "bottom"

    def side(align: str, kind: str) -> str:
        if align == "alternating":
            return "right" if kind in ("right", "first") else "left"
        return align

    for kind in ("first", "left", "right"):
        boxes = pages[kind]
        if choice.running_header != "none" and kind != "first":
            sym_side = side(choice.symbol_align, kind)
            boxes[f"top-{sym_side}"].append(_content(meta["symbol"]))
            if choice.running_header == "symbol_title":
                other = "left" if sym_side == "right" else "right"
                boxes[f"top-{other}"].append(_content(meta["title"]))
        if choice.running_header == "symbol_job" and choice.job_number:
            boxes["bottom-left"].append(_content(choice.job_number))
        if kind != "first" or choice.page_number_first:
            boxes[f"{where}-{side(choice.page_number_align, kind)}"].append(
                _content(choice.page_number_form, choice)
            )
    css = []
    for kind in ("left", "right", "first"):
        rules = []
        for slot, items in pages[kind].items():
            value = ' "\\A" '.join(items) if items else "none"
            rules.append(f"  @{slot} {{ content: {value}; }}")
        css.append(f"@page :{kind} {{\n" + "\n".join(rules) + "\n}")
    return "\n".join(css)


# ---------------------------------------------------------------- document


def _stylesheet(choice: LayoutChoice, meta: dict[str, str]) -> str:
    lang = choice.language
    pw, ph = choice.page_size_mm()
    mt, mr, mb, ml = choice.margin_mm
    faces = ""
    if lang == "zh":
        faces = _latin_faces(choice.font_latin, "GB Latin")
        latin = '"GB Latin", ' if faces else f"{_css_str(choice.font_latin)}, "
        body_family = f"{latin}{_css_str(choice.font_body)}"
        head_family = f"{latin}{_css_str(choice.font_heading)}"
    else:
        body_family = _css_str(choice.font_body)
        head_family = _css_str(choice.font_heading)
    # running header/footer of a zh document in the CJK face alone: a page number "第{n}页" drawn
    # in two faces comes out of the text layer as "第页2"
    furniture_family = _css_str(choice.font_body)
    lh = round((1.3 if lang == "zh" else 1.2) * choice.line_spacing, 3)
    bold = "bold" if choice.bold else "normal"
    pt, tpt, fpt = choice.body_pt, choice.table_pt, choice.footnote_pt
    align = "justify" if choice.justify else "left"
    if choice.ligatures and lang == "en":
        ligs = "font-variant-ligatures: common-ligatures;"
    else:
        ligs = 'font-variant-ligatures: none; font-feature-settings: "liga" 0, "clig" 0;'

    # table rules
    line = "0.5pt solid #000"
    # Separate borders (a cell draws its right and bottom rules, the table its top and left ones):
    # with collapsed borders Chromium will not cut a table row between columns, which paged.js's
    # page breaks inside rows need.
    if choice.table_rules == "grid":
        cell_border = f"border: none; border-right: {line}; border-bottom: {line};"
        table_border = f"border-top: {line}; border-left: {line};"
    elif choice.table_rules == "horizontal":
        cell_border = f"border: none; border-bottom: {line};"
        table_border = f"border-top: {line};"
    else:
        cell_border = "border: none;"
        table_border = ""
    fill = "#d9d9d9" if choice.header_fill and choice.table_rules != "none" else "transparent"
    row_break = "" if choice.rows_split else (
        "tr:not(.gb-split), tr:not(.gb-split) > td, tr:not(.gb-split) > th { break-inside: avoid; }")

    # footnote reference in the text
    call = '"[" counter(footnote) "]"' if choice.footnote_ref == "bracketed" else "counter(footnote)"
    # footnote label at the page foot
    label_pad = "0"
    if choice.footnote_label == "superscript":
        label = "content: counter(footnote-marker); vertical-align: super; font-size: 70%; line-height: 0; " \
                "padding-right: 0.25em;"
    elif choice.footnote_label == "inline":
        label = 'content: counter(footnote-marker) " ";'
    elif choice.footnote_label == "dotted":
        label = 'content: counter(footnote-marker) ". ";'
    else:  # tab: the number in its own column
        label_pad = "6mm"
        label = "content: counter(footnote-marker); display: inline-block; width: 6mm; text-indent: 0;"
    if choice.footnote_rule == "none":
        rule = "display: none;"
    else:
        rule = f"width: {'100%' if choice.footnote_rule == 'long' else '33%'};"

    annex = ""
    if choice.landscape_annex:
        annex = f"@page annex {{ size: {ph}mm {pw}mm; margin: {mt}mm {mr}mm {mb}mm {ml}mm; }}\n" \
                ".annex { page: annex; }"

    header_pt = round(pt - 1, 1)
    return f"""
{faces}
@page {{ size: {pw}mm {ph}mm; margin: {mt}mm {mr}mm {mb}mm {ml}mm; }}
{annex}
{_margin_boxes(choice, meta)}
.pagedjs_page_content {{ box-sizing: border-box; padding-bottom: 4px; }}  /* layout slack, removed after */
/* Content does not start at the very top of the column: there Chromium would rather move a whole
   table row (after a repeated header) to the next column than cut it, out of paged.js's page. */
.pagedjs_page_content > div {{ box-sizing: border-box; padding-top: 1px; }}
.pagedjs_margin-content {{ font-family: {furniture_family}; font-size: {header_pt}pt; line-height: 1.2;
  white-space: pre; {ligs} }}
@footnote {{ margin-top: 6pt; }}
.pagedjs_footnote_content::before {{ content: ""; display: block; border-top: 0.5pt solid #000;
  margin-bottom: 4pt; {rule} }}
html {{ font-family: {body_family}; font-size: {pt}pt; line-height: {lh}; {ligs} color: #000;
  overflow-wrap: break-word; }}
body {{ margin: 0; }}
* {{ orphans: 1; widows: 1; }}  /* paged.js breaks lines itself; Chromium's own columns must not move them */
p, h1, h2, .hl span {{ white-space: pre-wrap; margin: 0; }}
section.brk {{ break-before: page; }}
.docheader {{ font-family: {head_family}; font-size: {header_pt}pt; margin-bottom: 6pt; }}
.hl {{ display: flex; justify-content: space-between; gap: 6mm; }}
.hl.bodyline {{ font-weight: {bold}; }}
.hl .r {{ text-align: right; }}
h1.title {{ font-family: {head_family}; font-weight: {bold}; font-size: {pt + 3}pt; text-align: center;
  margin: 18pt 0 6pt; }}
p.reportby {{ font-style: italic; text-align: center; margin: 0 22% {pt}pt; padding-bottom: 8pt;
  border-bottom: {line}; }}
h2 {{ font-family: {head_family}; font-weight: {bold}; font-size: {pt if choice.bold else pt + 1}pt;
  margin: {pt * 0.6:.1f}pt 0 {pt * 0.8:.1f}pt; break-after: avoid; }}
h2.centered {{ text-align: center; }}
p.body, p.item {{ text-align: {align}; margin-bottom: {pt * 0.8:.1f}pt; tab-size: 9mm; }}
p.item {{ margin-left: 18mm; text-indent: -9mm; }}
p.caption {{ font-family: {head_family}; font-weight: {bold}; font-size: {pt - 1}pt;
  margin: {pt * 0.6:.1f}pt 0 {pt * 0.5:.1f}pt; break-after: avoid; }}
div.figure {{ margin: 0 25mm {pt}pt; padding: 6mm; border: 1pt solid #1f4e79; background: #deeaf6;
  text-align: center; break-inside: avoid; }}
p.note {{ font-size: {tpt}pt; margin-bottom: 3pt; text-align: {align}; }}
p.end {{ text-align: center; margin-top: 24pt; }}
table.tbl {{ width: 100%; table-layout: fixed; border-collapse: separate; border-spacing: 0; {table_border}
  margin: 4pt 0 8pt;
  font-size: {tpt}pt; }}
table.tbl td, table.tbl th {{ {cell_border} padding: 1mm 1.5mm; vertical-align: top; text-align: left;
  font-weight: normal; }}
table.tbl .head th {{ background: {fill}; font-weight: {bold}; text-align: center; vertical-align: middle; }}
table.tbl td p {{ margin-bottom: 3pt; text-align: {align}; }}
table.tbl th p {{ margin-bottom: 2pt; }}
table.tbl td p:last-child, table.tbl th p:last-child {{ margin-bottom: 0; }}
{row_break}
.nobr {{ white-space: nowrap; }}
.fn {{ float: footnote; font-size: {fpt}pt; line-height: 1.2; font-style: normal; font-weight: normal;
  text-align: left; white-space: pre-wrap; }}
.fn::footnote-call {{ content: {call}; vertical-align: super; font-size: 65%; line-height: 0;
  font-variant-position: normal; }}
.fn[data-footnote-marker] {{ display: block; list-style: none; padding-left: {label_pad};
  text-indent: -{label_pad}; margin-bottom: 2pt; }}
.fn[data-footnote-marker]::before {{ {label} }}
.fn[data-footnote-marker][data-split-from]::before {{ content: none; }}
.gb-hyphen::after {{ content: "\\2010"; }}
"""


def _numbered(text: str, hy: _Hyphenator | None, cls: str = "body") -> str:
    label, _, rest = text.partition(" ")
    return f'<p class="{cls}">{_text(label)}\t{_inline(rest, hy)}</p>'


def _cell(text: str, tag: str, hy: _Hyphenator | None, col: int, width: float, attrs: str = "") -> str:
    # every cell carries its column's width: paged.js does not copy the <colgroup> into the
    # continuation of a table split over pages, and a fixed-layout table takes the widths of
    # its first row
    paras = "".join(f"<p>{_inline(p, hy, slash_breaks=True)}</p>" for p in text.split("\\n"))
    return f'<{tag}{attrs} data-col="{col}" style="width:{width:.2f}%">{paras}</{tag}>'


def _table(block: Block, choice: LayoutChoice, hy: _Hyphenator | None, width_mm: float,
           height_mm: float) -> tuple[str, list[str]]:
    notes: list[str] = []
    header, *rows = block.rows
    ncols = len(header)
    shares = COLUMN_SHARES.get(block.name)
    if not shares or len(shares) != ncols:
        shares = [1] * ncols
    w = [100 * s / sum(shares) for s in shares]
    cols = "".join(f'<col style="width:{x:.2f}%">' for x in w)
    if choice.header_levels == 2 and block.name == "progress" and ncols == 6:
        span2 = ' rowspan="2"'
        group = (f'<th colspan="2" data-col="2" style="width:{w[2] + w[3]:.2f}%">'
                 f"<p>{_text(GROUP_HEADER[choice.language])}</p></th>")
        top = (
            _cell(header[0], "th", None, 0, w[0], span2) + _cell(header[1], "th", None, 1, w[1], span2) + group
            + _cell(header[4], "th", None, 4, w[4], span2) + _cell(header[5], "th", None, 5, w[5], span2)
        )
        head_rows = [top, _cell(header[2], "th", None, 2, w[2]) + _cell(header[3], "th", None, 3, w[3])]
    else:
        if choice.header_levels == 2 and block.name == "progress":
            notes.append(f"two-level header needs 6 columns; table {block.name!r} has {ncols}")
        head_rows = ["".join(_cell(c, "th", None, i, x) for i, (c, x) in enumerate(zip(header, w, strict=True)))]
    head_html = "".join(f'<tr class="head">{r}</tr>' for r in head_rows)
    body_html = "".join(
        "<tr>" + "".join(_cell(c, "td", hy, i, x) for i, (c, x) in enumerate(zip(r, w, strict=True))) + "</tr>"
        for r in rows
    )
    if choice.header_repeat:
        inner = f"<thead>{head_html}</thead><tbody>{body_html}</tbody>"
    else:
        inner = f"<tbody>{head_html}{body_html}</tbody>"
    data = (f'data-width-mm="{width_mm:.2f}" data-height-mm="{height_mm:.2f}" '
            f'data-shares="{json.dumps([round(x, 3) for x in w])}"')
    return (f'<table class="tbl t-{html.escape(block.name)}" {html.escape(data, quote=False)}>'
            f"<colgroup>{cols}</colgroup>{inner}</table>"), notes


def build_html(source: Source, choice: LayoutChoice, polyfill: str) -> tuple[str, list[str]]:
    meta = source.meta
    lang = choice.language
    notes: list[str] = []
    hy = _Hyphenator(choice.hyphenate and lang == "en")
    parts: list[str] = []

    # page-1 header block: body lines, session, agenda on the left; symbol, date on the right
    left, right, n_body = header_block(meta)
    rows = []
    for i in range(max(len(left), len(right))):
        cls = "hl bodyline" if i < n_body else "hl"
        lt = _text(left[i]) if i < len(left) else ""
        rt = _text(right[i]) if i < len(right) else ""
        rows.append(f'<div class="{cls}"><span class="l">{lt}</span><span class="r">{rt}</span></div>')
    parts.append('<div class="docheader">' + "".join(rows) + "</div>")
    parts.append(f'<h1 class="title">{_text(meta["title"])}</h1>')
    parts.append(f'<p class="reportby">{_text(meta["report_by"])}</p>')

    annex_at = annex_break(source.blocks)
    open_section = in_annex = False
    for i, block in enumerate(source.blocks):
        k = block.kind
        if k == "pagebreak":
            if open_section:
                parts.append("</section>")
            in_annex = in_annex or i == annex_at
            cls = "annex brk" if (i == annex_at and choice.landscape_annex) else "brk"
            parts.append(f'<section class="{cls}">')
            open_section = True
        elif k == "heading":
            parts.append(f"<h2>{_text(block.text)}</h2>")
        elif k == "centered":
            parts.append(f'<h2 class="centered">{_text(block.text)}</h2>')
        elif k == "numbered":
            parts.append(_numbered(block.text, hy))
        elif k == "subitem":
            parts.append(_numbered(block.text, hy, "item"))
        elif k == "bullet":
            parts.append(f'<p class="item">•\t{_inline(block.text, hy)}</p>')
        elif k == "plain":
            parts.append(f'<p class="body">{_inline(block.text, hy)}</p>')
        elif k == "caption":
            parts.append(f'<p class="caption">{_inline(block.text, None)}</p>')
        elif k == "figure":
            parts.append(f'<div class="figure"><p>{_inline(block.text, None)}</p></div>')
        elif k == "note":
            parts.append(f'<p class="note">{_inline(block.text, hy)}</p>')
        elif k == "end":
            parts.append(f'<p class="end">{_text(block.text)}</p>')
        elif k == "table":
            landscape = in_annex and choice.landscape_annex
            pw, ph = choice.page_size_mm(landscape)
            width_mm = pw - choice.margin_mm[1] - choice.margin_mm[3]
            height_mm = ph - choice.margin_mm[0] - choice.margin_mm[2]
            table, tnotes = _table(block, choice, hy, width_mm, height_mm)
            parts.append(table)
            notes += tnotes
        else:
            raise ValueError(f"unknown block kind {k!r}")
    if open_section:
        parts.append("</section>")

    pw, ph = choice.page_size_mm()
    post_css = (
        ".pagedjs_page_content { padding-bottom: 0 !important; } "
        f"@page gbland {{ size: {ph}mm {pw}mm; margin: 0; }} "
        f".pagedjs_page.pagedjs_annex_page {{ page: gbland; --pagedjs-width: {ph}mm; --pagedjs-height: {pw}mm; "
        f"--pagedjs-width-left: {ph}mm; --pagedjs-height-left: {pw}mm; --pagedjs-width-right: {ph}mm; "
        f"--pagedjs-height-right: {pw}mm; }}"
    )
    if choice.footnote_numbering == "page":
        post_css += " .pagedjs_page { counter-reset: footnote footnote-marker; }"
    script = _SCRIPT.replace("__POST_CSS__", json.dumps(post_css))
    doc = (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>{_text(meta['symbol'])}</title>\n<style>{_stylesheet(choice, meta)}</style>\n"
        f"<script>{_CONFIG}</script>\n<script>{polyfill}</script>\n<script>{script}</script>\n"
        f"</head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
    return doc, notes


# Runs before paged.js: report errors, and collect what the producer checks after layout.
_CONFIG = """
window.__gbErrors = [];
window.addEventListener("error", (e) => window.__gbErrors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => window.__gbErrors.push(String(e.reason)));
// Column widths: the drawn shares, widened where a column is narrower than its longest word
// (taken from the widest columns), so that no word is cut inside a table cell.
async function gbFitColumns() {
  await document.fonts.ready;
  for (const table of document.querySelectorAll("table.tbl")) {
    const total = parseFloat(table.dataset.widthMm) * 96 / 25.4;
    const shares = JSON.parse(table.dataset.shares);
    const probe = table.cloneNode(true);
    probe.style.cssText = "table-layout: auto; width: 0; position: absolute; left: 0; top: 0; visibility: hidden;";
    probe.querySelector("colgroup").remove();
    for (const c of probe.querySelectorAll("td, th")) c.style.width = "";
    for (const note of probe.querySelectorAll(".fn")) note.remove();  // footnotes leave the cell
    document.body.appendChild(probe);
    const mins = shares.map(() => 0);
    for (const c of probe.querySelectorAll("td[data-col], th[data-col]")) {
      if (c.colSpan > 1) continue;
      const i = +c.dataset.col;
      mins[i] = Math.max(mins[i], c.getBoundingClientRect().width + 1);
    }
    probe.remove();
    let w = shares.map((s) => s / 100 * total);
    const need = w.reduce((acc, x, i) => acc + Math.max(0, mins[i] - x), 0);
    if (need > 0) {
      const slack = w.map((x, i) => Math.max(0, x - mins[i]));
      const room = slack.reduce((a, b) => a + b, 0);
      if (room >= need) {
        w = w.map((x, i) => (x < mins[i] ? mins[i] : x - slack[i] * need / room));
      } else {
        const sum = mins.reduce((a, b) => a + b, 0);
        w = mins.map((m) => m / sum * total);
        window.__gbNarrow = (window.__gbNarrow || 0) + 1;
      }
    }
    const pct = w.map((x) => 100 * x / total);
    table.querySelectorAll("col").forEach((col, i) => { col.style.width = pct[i].toFixed(3) + "%"; });
    for (const c of table.querySelectorAll("td[data-col], th[data-col]")) {
      const i = +c.dataset.col;
      c.style.width = pct.slice(i, i + c.colSpan).reduce((a, b) => a + b, 0).toFixed(3) + "%";
    }
    // Rows kept whole (rows_split false) that cannot fit on a page under the header rows: these
    // are let split, as a word processor does with a row taller than the page.
    const probe2 = table.cloneNode(true);
    probe2.style.position = "absolute"; probe2.style.left = "0"; probe2.style.top = "0";
    probe2.style.visibility = "hidden"; probe2.style.width = total + "px";
    for (const note of probe2.querySelectorAll(".fn")) note.remove();
    document.body.appendChild(probe2);
    const head = probe2.querySelector("thead");
    const headHeight = head ? head.getBoundingClientRect().height : 0;
    const room = parseFloat(table.dataset.heightMm) * 96 / 25.4 * 0.9 - headHeight;
    const rows = [...table.querySelectorAll("tbody > tr")];
    const pageWidth = (parseFloat(table.dataset.pageWidthMm) || parseFloat(table.dataset.widthMm)) * 96 / 25.4;
    [...probe2.querySelectorAll("tbody > tr")].forEach((tr, i) => {
      // the row's footnotes take room at the page foot
      let notes = 0;
      for (const note of rows[i].querySelectorAll(".fn")) {
        const box = document.createElement("div");
        box.className = "fn";
        box.style.cssText = `display: block; position: absolute; visibility: hidden; width: ${pageWidth}px;`;
        box.textContent = note.textContent;
        document.body.appendChild(box);
        notes += box.getBoundingClientRect().height + 8;
        box.remove();
      }
      if (notes) notes += 16;
      if (tr.getBoundingClientRect().height + notes > room) {
        rows[i].classList.add("gb-split");
        window.__gbTallRows = (window.__gbTallRows || 0) + 1;
      }
    });
    probe2.remove();
  }
}
window.PagedConfig = {
  auto: true,
  before: gbFitColumns,
  after: (flow) => { window.__gbAfter && window.__gbAfter(flow); },
};
"""

# After the polyfill: the repeated-table-header handler and the post-layout checks.
_SCRIPT = r"""
// Repeated table header: the table's <thead> goes into every page the table continues on, as the
// first thing laid out on that page, so the rows below make room for it.
class GbRepeatHeader extends Paged.Handler {
  renderNode(clone, node) {
    const el = clone.nodeType === 1 ? clone : clone.parentElement;
    if (!el || !el.closest) return;
    const table = el.closest("table[data-split-from]");
    if (!table || table.querySelector(":scope > thead")) return;
    const src = this.chunker.source.querySelector(`[data-ref="${table.dataset.splitFrom}"] > thead`);
    if (!src) return;
    const head = src.cloneNode(true);
    head.setAttribute("data-gb-repeated", "1");
    // Chromium would rather break between the header and a row that fits a page of its own
    // than inside that row: at the top of a page that is a break before everything (paged.js
    // then repeats the table forever). No break there: the row is cut where the page ends.
    head.style.breakAfter = "avoid";
    const body = table.querySelector(":scope > tbody, :scope > tr");
    const firstRow = body && (body.nodeName === "TR" ? body : body.querySelector(":scope > tr"));
    if (firstRow) firstRow.style.breakBefore = "avoid";
    table.insertBefore(head, body);
  }
}

// Fixes of paged.js 0.4.3 text breaks.
// 1. When a page ends inside a word, paged.js appends U+2011 to the word whatever it is; here
//    a hyphen (U+2010, what Chromium itself prints at a soft hyphen) is added only where the
//    word breaks at a soft hyphen, and nothing elsewhere (a URL cut by the page end).
// 2. The page's break is found before the footnote area reaches its final height (a footnote
//    continued on the next page, a hyphen added at the break): lines pushed out of the text area
//    afterwards were lost. After each page its overflow is looked for again, with the final
//    text area, and the break moved back to where the text really stops.
function gbNotAfter(token, start) {
  if (!start || !start.node) return false;
  if (token.node === start.node) return (token.offset || 0) <= (start.offset || 0);
  if (token.node.contains(start.node)) return true;
  return Boolean(token.node.compareDocumentPosition(start.node) & Node.DOCUMENT_POSITION_FOLLOWING);
}

class GbBreakFixes extends Paged.Handler {
  onPageLayout(wrapper, breakToken, layout) {
    const proto = Object.getPrototypeOf(layout);
    if (proto.__gbPatched) return;
    proto.__gbPatched = true;
    proto.hyphenateAtBreak = function (startContainer, breakLetter) {
      // a class and generated content: the text node must stay a substring of the source's
      // for paged.js to map a later break in it back to the source
      if (startContainer.nodeType !== 3 || !startContainer.parentElement) return;
      const text = startContainer.textContent;
      if (text.endsWith("\u00ad") || breakLetter === "\u00ad") {
        // no soft hyphen left at the end: it would let the added hyphen wrap on its own
        if (text.endsWith("\u00ad")) startContainer.textContent = text.slice(0, -1);
        startContainer.parentElement.classList.add("gb-hyphen");
      }
    };
  }
  onOverflow(overflow, rendered, bounds, layout) {
    if (!overflow || !overflow.startContainer) return;
    // 5. A table row that does not fit under the header at the top of a page but would fit a
    //    page of its own is moved whole by Chromium to the next column, out of the page: paged.js
    //    then breaks before it, at the page's start, and repeats the table forever. The row is
    //    made taller than any column for a moment, so that Chromium cuts it where the page ends,
    //    and the page is broken there.
    if (overflow.startContainer.nodeType === 1) {
      const first = overflow.startContainer.childNodes[overflow.startOffset];
      let row = null;
      if (first && first.nodeName === "TR") row = first;
      else if (first && first.nodeName === "TBODY") row = first.querySelector(":scope > tr");
      // the first row of a table continued from the previous page, when rows may be cut
      const table = row && row.closest("table");
      if (row && layout && !row.previousElementSibling && table && table.dataset.splitFrom
          && getComputedStyle(row).breakInside !== "avoid") {
        const cells = [...row.children];
        const saved = cells.map((c) => c.style.paddingBottom);
        for (const c of cells) c.style.paddingBottom = "5000px";
        const inner = layout.findOverflow(rendered, bounds);
        cells.forEach((c, i) => { c.style.paddingBottom = saved[i]; });
        if (inner && row.contains(inner.startContainer) && inner.startContainer.nodeType === 3) {
          window.__gbRowCuts = (window.__gbRowCuts || 0) + 1;
          return this.wordStart(inner) || inner;
        }
      }
      return;
    }
    return this.wordStart(overflow);
  }
  wordStart(overflow) {
    // 3. No page break inside a Latin word: paged.js finds the break letter by letter, and at
    //    a soft hyphen it can put it one letter off (a letter lost); the word goes to the next page.
    if (overflow.startContainer.nodeType !== 3) return;
    const text = overflow.startContainer.textContent;
    let at = overflow.startOffset;
    const word = /[A-Za-z0-9\u00ad\u2019'_\-]/;
    if (at <= 0 || at >= text.length || !word.test(text[at - 1]) || !word.test(text[at])) return;
    while (at > 0 && word.test(text[at - 1])) at--;
    if (at > 0) {
      overflow.setStart(overflow.startContainer, at);
      return overflow;
    }
  }
  afterPageLayout(pageElement, page, breakToken, chunker) {
    const layout = page.layoutMethod;
    if (!layout) return;
    // 4. A table row cut by the page end has no bottom padding on this page (paged.js removes it
    //    only once the next page is laid out): with it, the cut row may no longer fit, and
    //    Chromium moves it whole out of the page.
    if (breakToken && breakToken.node) {
      const rows = page.wrapper.querySelectorAll("tr");
      const last = rows[rows.length - 1];
      const src = last && last.dataset.ref && chunker.source.querySelector(`[data-ref="${last.dataset.ref}"]`);
      if (src && src.contains(breakToken.node)) {
        for (const cell of last.children) cell.style.paddingBottom = "0";
      }
    }
    for (let round = 0; round < 4; round++) {
      const area = pageElement.querySelector(".pagedjs_page_content");
      const bounds = area.getBoundingClientRect();
      if (!layout.hasOverflow(page.wrapper, bounds)) return;
      for (const el of page.wrapper.querySelectorAll(".gb-hyphen")) el.classList.remove("gb-hyphen");
      const token = layout.findBreakToken(page.wrapper, chunker.source, bounds, page.startToken, true);
      if (!token || !token.node) return;
      if (!breakToken || gbNotAfter(token, page.startToken)) {
        // a break at or before the page's start would repeat content: leave it (reported)
        window.__gbLost = (window.__gbLost || 0) + 1;
        return;
      }
      breakToken.node = token.node;
      breakToken.offset = token.offset;
      // footnotes whose call went to the next page: their continuation queued for the next
      // page goes too (the whole note follows its call there)
      const fn = window.__gbFootnotes;
      if (fn && fn.needsLayout) {
        for (const frag of fn.needsLayout) {
          for (const note of [...frag.childNodes]) {
            const ref = note.dataset && note.dataset.ref;
            if (ref && !page.wrapper.querySelector(`[data-footnote-call="${ref}"]`)) note.remove();
          }
        }
        fn.needsLayout = fn.needsLayout.filter((frag) => frag.childNodes.length);
      }
      (window.__gbRebreaks = window.__gbRebreaks || []).push([pageElement.dataset.pageNumber, round,
        (token.node.textContent || "").slice(token.offset, token.offset + 40), token.node.nodeName]);
    }
  }
}
// the footnotes handler instance, for GbBreakFixes
for (const H of Paged.registeredHandlers) {
  if (H.prototype && H.prototype.moveFootnote && H.prototype.beforePageLayout) {
    const before = H.prototype.beforePageLayout;
    H.prototype.beforePageLayout = function (...args) { window.__gbFootnotes = this; return before.apply(this, args); };
  }
}
Paged.registerHandlers(GbRepeatHeader, GbBreakFixes);

window.__gbAfter = (flow) => {
  // paged.js styles ::first-letter of continued paragraphs (with "unset" values): the
  // pseudo-element splits a ligature at the start of the paragraph and Chromium's text layer
  // then gives "f" for "fi". The rules change nothing else: they go.
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch (e) { continue; }
    for (let i = rules.length - 1; i >= 0; i--) {
      if (rules[i].selectorText && rules[i].selectorText.includes("first-letter")) sheet.deleteRule(i);
    }
  }
  const st = document.createElement("style");
  st.textContent = __POST_CSS__;
  document.head.appendChild(st);
  const pages = [...document.querySelectorAll(".pagedjs_page")];
  const info = pages.map((p, i) => {
    const calls = [...p.querySelectorAll(".pagedjs_page_content [data-footnote-call]")].map((c) => c.dataset.ref);
    const marks = [...p.querySelectorAll(".pagedjs_footnote_area [data-footnote-marker]:not([data-split-from])")]
      .map((c) => c.dataset.ref);
    const split = p.querySelectorAll(".pagedjs_footnote_area [data-split-from]").length;
    const area = p.querySelector(".pagedjs_page_content");
    const box = area.getBoundingClientRect();
    let overflow = 0;
    for (const el of area.querySelectorAll("p, td, th, h1, h2, div.figure")) {
      const r = el.getBoundingClientRect();
      if (r.height > 0 && (r.bottom > box.bottom + 1 || r.right > box.right + 1)) overflow++;
    }
    return { n: i + 1, calls, marks, split, overflow, landscape: p.classList.contains("pagedjs_annex_page") };
  });
  // every character of the source once: the laid-out text (pages and their footnote areas, less
  // the repeated table headers) against the source's
  const strip = (t) => t.replace(/[\s\u00ad]+/g, "");
  let laid = 0;
  for (const p of pages) {
    for (const part of p.querySelectorAll(".pagedjs_page_content, .pagedjs_footnote_area")) {
      laid += strip(part.textContent).length;
    }
    for (const head of p.querySelectorAll("[data-gb-repeated]")) laid -= strip(head.textContent).length;
  }
  const source = strip(flow && flow.source ? flow.source.textContent : "");
  window.__gbDone = {
    pages: flow ? flow.total : pages.length, info, laid, source: source.length,
    rebreaks: window.__gbRebreaks || [], lost: window.__gbLost || 0, rowCuts: window.__gbRowCuts || 0,
    tall: window.__gbTallRows || 0, narrow: window.__gbNarrow || 0,
  };
};
"""


# ---------------------------------------------------------------- Chromium over the DevTools pipe


class _Browser:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (fd 3: commands, fd 4: replies)."""

    def __init__(self, user_data: Path) -> None:
        exe = _chromium()
        if exe is None:
            raise RuntimeError("chromium not found")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def child_fds() -> None:  # the pipe ends become fds 3 and 4 of Chromium
            high_r, high_w = os.dup(to_chrome_r) + 100, os.dup(from_chrome_w) + 100
            os.dup2(to_chrome_r, high_r)
            os.dup2(from_chrome_w, high_w)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
             f"--user-data-dir={user_data}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=child_fds,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.console: list[str] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = TIMEOUT_S) -> dict:
        self._id += 1
        msg: dict = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self._to_chrome, data):]
        return self._wait(self._id, time.monotonic() + timeout)

    def _wait(self, msg_id: int, deadline: float) -> dict:
        while True:
            while b"\0" in self._buf:
                raw, _, self._buf = self._buf.partition(b"\0")
                reply = json.loads(raw)
                if reply.get("id") == msg_id:
                    if "error" in reply:
                        raise RuntimeError(f"chromium: {reply['error']}")
                    return reply.get("result", {})
                method = reply.get("method")
                if method == "Runtime.consoleAPICalled":
                    args = reply["params"].get("args", [])
                    self.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args))
                elif method == "Runtime.exceptionThrown":
                    self.console.append("exception: " + json.dumps(reply["params"].get("exceptionDetails", {}))[:500])
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                err = self.proc.stderr.read().decode(errors="replace")[-2000:] if self.proc.stderr else ""
                raise RuntimeError(f"chromium exited: {err}")
            self._buf += chunk

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.proc.stderr:
            self.proc.stderr.close()


def _print(html_path: Path, out_pdf: Path, workdir: Path) -> dict:
    user_data = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir))
    browser = _Browser(user_data)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Runtime.enable", session=session)
        browser.send("Page.enable", session=session)
        browser.send("Page.navigate", {"url": html_path.resolve().as_uri()}, session=session)
        waiter = (
            "new Promise((resolve) => { const t0 = Date.now(); const f = () => {"
            " if (window.__gbDone || (window.__gbErrors && window.__gbErrors.length) || Date.now() - t0 > "
            + str(int(TIMEOUT_S * 1000 - 5000))
            + ") resolve(JSON.stringify({done: window.__gbDone || null, errors: window.__gbErrors || []}));"
            " else setTimeout(f, 25); }; f(); })"
        )
        res = browser.send("Runtime.evaluate", {"expression": waiter, "awaitPromise": True, "returnByValue": True},
                           session=session)
        state = json.loads(res["result"]["value"])
        if state["errors"] or not state["done"]:
            raise RuntimeError(f"paged.js failed: {state['errors'] or 'timeout'}; console: {browser.console[-5:]}")
        pdf = browser.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True,
                                               "displayHeaderFooter": False, "generateTaggedPDF": False},
                           session=session)
        out_pdf.write_bytes(base64.b64decode(pdf["data"]))
        state["done"]["console"] = browser.console
        return state["done"]
    finally:
        browser.close()
        shutil.rmtree(user_data, ignore_errors=True)


# ---------------------------------------------------------------- PDF post-processing

_ACTUAL_TEXT = re.compile(rb"/Span\s*<<\s*/ActualText\s*<FEFF((?:[0-9A-Fa-f]{4})*)>\s*>>\s*BDC(.*?)EMC", re.S)
_SHOW = re.compile(rb"<[0-9A-Fa-f]*>\s*Tj|\((?:\\.|[^\\)])*\)\s*Tj")


def _strip_soft_hyphens(pdf_path: Path) -> int:
    """Remove the soft hyphens Chromium writes into the text layer.

    Chromium marks every soft hyphen with a zero-width glyph in an ``/ActualText`` span of
    U+00AD (or, inside a ligature such as "f\u00adf", an ActualText holding it): the glyph is
    dropped, U+00AD taken out of the ActualText. A hyphen printed at a line break is a glyph of
    its own (U+2010) and stays.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pdf_path))
    count = 0

    def fix(match: re.Match) -> bytes:
        nonlocal count
        units = [match.group(1)[i:i + 4] for i in range(0, len(match.group(1)), 4)]
        kept = [u for u in units if u.upper() != b"00AD"]
        if len(kept) == len(units):
            return match.group(0)
        count += 1
        if not kept:
            return _SHOW.sub(b"", match.group(2))  # keep the positioning, drop the glyph
        return b"/Span<</ActualText <FEFF" + b"".join(kept) + b"> >> BDC" + match.group(2) + b"EMC"

    for page in writer.pages:
        contents = page.get_contents()
        if contents is None:
            continue
        data = contents.get_data()
        if b"00AD" not in data.upper():
            continue
        contents.set_data(_ACTUAL_TEXT.sub(fix, data))
        page.replace_contents(contents)
    if count:
        writer.write(pdf_path)
    return count


# ---------------------------------------------------------------- render


def _render_once(source: Source, choice: LayoutChoice, out_pdf: Path, workdir: Path, polyfill: str
                 ) -> tuple[dict, list[str]]:
    doc, notes = build_html(source, choice, polyfill)
    html_path = workdir / "document.html"
    html_path.write_text(doc, encoding="utf-8")
    return _print(html_path, out_pdf, workdir), notes


def render(source: Source, choice: LayoutChoice, out_pdf: Path, workdir: Path) -> list[str]:
    polyfill_path = _polyfill()
    if polyfill_path is None or _chromium() is None:
        raise RuntimeError(f"producer {NAME} unavailable: {available()}")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    polyfill = polyfill_path.read_text(encoding="utf-8").replace("</script", "<\\/script")

    def failed(result: dict) -> bool:
        return result["laid"] != result["source"] or any(p["overflow"] for p in result["info"])

    result, notes = _render_once(source, choice, out_pdf, workdir, polyfill)
    kept_rows = not choice.rows_split
    if failed(result) and not choice.rows_split:
        # paged.js cannot always keep whole rows (a row with its footnotes that does not fit a
        # page under the header): the rows are let split
        fallback = replace(choice, rows_split=True)
        result, notes = _render_once(source, fallback, out_pdf, workdir, polyfill)
        notes.append("rows_split=False not honoured: paged.js lost text keeping rows whole; rows may split")
        kept_rows = False
    if failed(result):
        hidden = sum(p["overflow"] for p in result["info"])
        raise RuntimeError(
            f"{NAME}: paged.js laid out {result['laid']} characters for the source's {result['source']}, "
            f"{hidden} element(s) past a page's text area (text lost or repeated at a page break); "
            f"layout {choice.to_json()}"
        )

    if choice.language != "en" and (choice.hyphenate or choice.ligatures):
        notes.append("hyphenate/ligatures apply to en documents only")
    if choice.hyphenate and choice.language == "en":
        _strip_soft_hyphens(out_pdf)
    info = result["info"]
    if result.get("narrow"):
        notes.append(f"{result['narrow']} table(s) narrower than their longest words: words cut inside cells")
    if result.get("tall") and kept_rows:
        notes.append(f"rows_split=False: {result['tall']} row(s) taller than a page split all the same")
    if result.get("lost"):
        notes.append(f"paged.js left {result['lost']} overflow(s) it could not move to the next page")
    if len(info) != result["pages"]:
        notes.append(f"paged.js reported {result['pages']} pages, {len(info)} page boxes")
    for page in info:
        away = sorted(set(page["calls"]) - set(page["marks"]))
        # a footnote whose call is on this page but whose text starts on a later page
        if away:
            notes.append(f"page {page['n']}: {len(away)} footnote(s) start on a later page than their reference")
        if page["overflow"]:
            notes.append(f"page {page['n']}: {page['overflow']} element(s) overflow the text area")
    return notes
