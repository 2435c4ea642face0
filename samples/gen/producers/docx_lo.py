"""Producer "docx": a Word document built with python-docx, converted to PDF by LibreOffice.

This mimics "a Word document converted by LibreOffice": the .docx carries what Word itself
would write — real footnotes (``w:footnoteReference`` in the text, a ``footnotes.xml`` part
with separator/continuationSeparator notes, ``w:numRestart="eachPage"``), tables whose header
rows are marked "repeat as header row" (``w:tblHeader``), ``w:cantSplit`` rows, merged header
cells (``w:gridSpan`` / ``w:vMerge``), a landscape annex section, PAGE/NUMPAGES fields in
headers and footers with a distinct first page (``w:titlePg``) and even/odd headers
(``w:evenAndOddHeaders``) — and LibreOffice's DOCX import lays it out.

python-docx has no footnote API: the footnotes part and its relationship are added through its
OPC layer, and most of the body is written as WordprocessingML with lxml.

Conversion: ``soffice --convert-to fodt`` (LibreOffice's DOCX import, saved in its own flat
format), a few patches where LibreOffice 7.4 loses what the .docx says (see ``render``), then
``soffice --convert-to pdf`` from the flat file. Word features LibreOffice cannot take from a
.docx and their stand-ins:

- bracketed references: the brackets are typed, raised, around an automatic reference (a
  custom mark, ``w:customMarkFollows``, is printed twice by LibreOffice 7.4);
- ligatures on/off: LibreOffice's font-name feature switch (``"Liberation Serif:-liga"``);
  Word would look for that font name and fall back.

Needs: python-docx (pip), LibreOffice Writer (``soffice``; Debian libreoffice-writer-nogui),
hyphen-en-us (Debian) for ``hyphenate``, pdftotext (poppler-utils) to check per-page footnote
numbers, Pillow (optional) to measure words for column widths.
"""

from __future__ import annotations

import copy
import functools
import re
import shutil
import subprocess
from pathlib import Path

from gen.layout import GROUP_HEADER, LayoutChoice
from gen.source import Block, Source, split_footnotes
from gen.source import header_block as source_header_block

NAME = "docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_NS = "http://www.w3.org/XML/1998/namespace"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

# Relative column widths by table name (as samples/build.py).
COLUMN_SHARES = {"actions": [0.14, 0.12, 0.2, 0.13, 0.41], "progress": [0.3, 0.12, 0.12, 0.12, 0.17, 0.17]}

HYPHEN_DICTS = [Path("/usr/share/hyphen/hyph_en_US.dic"), Path("/usr/share/hyphen/hyph_en_GB.dic")]


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> str | None:
    missing = []
    try:
        import docx  # noqa: F401
    except ImportError:
        missing.append("python-docx (pip install python-docx)")
    if _soffice() is None:
        missing.append("LibreOffice (apt-get install libreoffice-writer-nogui)")
    return "; ".join(missing) or None


# ---------------------------------------------------------------- XML helpers


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _el(tag: str, attrs: dict[str, str] | None = None, children: list | None = None):
    from lxml import etree

    el = etree.Element(_w(tag), nsmap={"w": W_NS})
    for k, v in (attrs or {}).items():
        el.set(_w(k), str(v))
    for c in children or []:
        if c is not None:
            el.append(c)
    return el


def _sub(parent, tag: str, attrs: dict[str, str] | None = None):
    el = _el(tag, attrs)
    parent.append(el)
    return el


def _tw(mm: float) -> int:
    """Millimetres to twentieths of a point."""
    return round(mm * 1440 / 25.4)


def _hp(pt: float) -> str:
    """Points to half-points."""
    return str(round(pt * 2))


def _t(parent, text: str) -> None:
    t = _sub(parent, "t")
    t.text = text
    t.set(f"{{{XML_NS}}}space", "preserve")


def _rpr(**props) -> object:
    """A w:rPr from keyword properties (style, fonts, size, bold, italic, vert, nobold)."""
    rpr = _el("rPr")
    if props.get("style"):
        _sub(rpr, "rStyle", {"val": props["style"]})
    if props.get("fonts"):
        _sub(rpr, "rFonts", props["fonts"])
    if props.get("bold") is True:
        _sub(rpr, "b")
        _sub(rpr, "bCs")
    elif props.get("bold") is False:
        _sub(rpr, "b", {"val": "0"})
        _sub(rpr, "bCs", {"val": "0"})
    if props.get("italic"):
        _sub(rpr, "i")
        _sub(rpr, "iCs")
    if props.get("size"):
        _sub(rpr, "sz", {"val": _hp(props["size"])})
        _sub(rpr, "szCs", {"val": _hp(props["size"])})
    if props.get("vert"):
        _sub(rpr, "vertAlign", {"val": props["vert"]})
    return rpr


def _run(p, text: str, rpr=None):
    """Append a run holding ``text`` (tabs as w:tab, newlines as w:br) to paragraph ``p``."""
    r = _sub(p, "r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    buf = ""
    for ch in text:
        if ch in "\t\n":
            if buf:
                _t(r, buf)
                buf = ""
            _sub(r, "tab" if ch == "\t" else "br")
        else:
            buf += ch
    if buf:
        _t(r, buf)
    return r


def _para(style: str | None = None, **ppr_props):
    p = _el("p")
    ppr = _sub(p, "pPr")
    if style:
        _sub(ppr, "pStyle", {"val": style})
    if ppr_props.get("keep_next"):
        _sub(ppr, "keepNext")
    if ppr_props.get("page_break"):
        _sub(ppr, "pageBreakBefore")
    if ppr_props.get("jc"):
        _sub(ppr, "jc", {"val": ppr_props["jc"]})
    return p


def _field(p, instr: str, placeholder: str, rpr=None) -> None:
    """A complex field (PAGE, NUMPAGES) as Word writes it: begin, instruction, separate, result, end."""
    def fld(kind: str):
        r = _sub(p, "r")
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        _sub(r, "fldChar", {"fldCharType": kind})

    fld("begin")
    r = _sub(p, "r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    it = _sub(r, "instrText")
    it.text = f" {instr} "
    it.set(f"{{{XML_NS}}}space", "preserve")
    fld("separate")
    _run(p, placeholder, rpr)
    fld("end")


# ---------------------------------------------------------------- the document


class _Builder:
    def __init__(self, source: Source, choice: LayoutChoice):
        import docx

        self.src = source
        self.c = choice
        self.lang = source.meta["language"]
        self.notes: list[str] = []
        self.doc = docx.Document()
        self.body = self.doc.element.body
        for child in list(self.body):
            if child.tag != _w("sectPr"):
                self.body.remove(child)
        self.footnotes: list = []  # w:footnote elements, ids from 1
        self.note_texts: list[str] = []  # their texts, in document order
        self.pending_break = False
        self.landscape = False
        self.tall_rows = 0  # rows_split=False: rows too tall for a page, left splittable
        self.bracketed = choice.footnote_ref == "bracketed"
        self.latin_family = choice.font_latin if self.lang == "zh" else choice.font_body
        # Fonts: Latin runs (ascii/hAnsi) and CJK runs (eastAsia).
        # LibreOffice applies the fonts' standard ligatures unless the font name carries the
        # feature switch ":-liga" (its own syntax; Word leaves ligatures off by default).
        liga = "" if choice.ligatures else ":-liga"
        if self.lang == "zh":
            latin = choice.font_latin + liga
            self.body_fonts = {"ascii": latin, "hAnsi": latin, "cs": latin, "eastAsia": choice.font_body}
            self.head_fonts = {"ascii": latin, "hAnsi": latin, "cs": latin, "eastAsia": choice.font_heading}
        else:
            body = choice.font_body + liga
            head = choice.font_heading + liga
            self.body_fonts = {"ascii": body, "hAnsi": body, "cs": body, "eastAsia": body}
            self.head_fonts = {"ascii": head, "hAnsi": head, "cs": head, "eastAsia": head}

    # ---------------------------------------------------------- page geometry

    def text_width_tw(self, landscape: bool) -> int:
        w, _ = self.c.page_size_mm(landscape)
        _, right, _, left = self.c.margin_mm
        return _tw(w - left - right)

    # ---------------------------------------------------------- styles

    def build_styles(self) -> None:
        from lxml import etree

        c = self.c
        styles = self.doc.styles.element
        for child in list(styles):
            styles.remove(child)
        # Latin runs are English (with the en_US hyphenation patterns), CJK runs Chinese
        lang = {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"}
        line = str(round(240 * c.line_spacing))
        jc_body = "both" if c.justify else "left"
        bold = True if c.bold else None
        pt = c.body_pt

        def style(kind: str, sid: str, name: str, based: str | None, ppr: str = "", rpr: str = "",
                  default: bool = False, extra: str = "") -> None:
            dflt = ' w:default="1"' if default else ""
            base = f'<w:basedOn w:val="{based}"/>' if based else ""
            ppr = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
            rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
            xml = (
                f'<w:style xmlns:w="{W_NS}" w:type="{kind}" w:styleId="{sid}"{dflt}>'
                f'<w:name w:val="{name}"/>{base}{extra}<w:qFormat/>{ppr}{rpr}</w:style>'
            )
            styles.append(etree.fromstring(xml))

        def fonts(f: dict[str, str]) -> str:
            return '<w:rFonts ' + " ".join(f'w:{k}="{_xattr(v)}"' for k, v in f.items()) + "/>"

        def sz(p: float) -> str:
            return f'<w:sz w:val="{_hp(p)}"/><w:szCs w:val="{_hp(p)}"/>'

        def b(on) -> str:
            return "<w:b/><w:bCs/>" if on else ""

        box = 'w:val="single" w:sz="8" w:space="12" w:color="1F4E79"'
        tw = self.text_width_tw(False)
        defaults = etree.fromstring(
            f'<w:docDefaults xmlns:w="{W_NS}"><w:rPrDefault><w:rPr>{fonts(self.body_fonts)}'
            f'{sz(pt)}<w:lang w:val="{lang["val"]}" w:eastAsia="{lang["eastAsia"]}" w:bidi="{lang["bidi"]}"/>'
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl/>"
            '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
        )
        styles.append(defaults)
        styles.append(etree.fromstring(
            f'<w:latentStyles xmlns:w="{W_NS}" w:defLockedState="0" w:defUIPriority="99" '
            'w:defSemiHidden="0" w:defUnhideWhenUsed="0" w:defQFormat="0" w:count="376"/>'))
        # no automatic gap between CJK and Latin runs (it reads as a space the source does not have)
        style("paragraph", "Normal", "Normal", None,
              '<w:overflowPunct w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
              f'<w:spacing w:after="0" w:line="{line}" w:lineRule="auto"/>',
              default=True)
        style("character", "DefaultParagraphFont", "Default Paragraph Font", None, default=True,
              extra="<w:uiPriority w:val=\"1\"/><w:semiHidden/>")
        styles.append(etree.fromstring(
            f'<w:style xmlns:w="{W_NS}" w:type="table" w:default="1" w:styleId="TableNormal">'
            '<w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
            '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
            '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'))
        style("paragraph", "GBBody", "Body Text", "Normal",
              f'<w:tabs><w:tab w:val="left" w:pos="{_tw(9)}"/></w:tabs>'
              f'<w:spacing w:after="{round(pt * 0.8 * 20)}"/><w:jc w:val="{jc_body}"/>')
        style("paragraph", "GBIndented", "List Indent", "GBBody",
              f'<w:tabs><w:tab w:val="clear" w:pos="{_tw(9)}"/><w:tab w:val="left" w:pos="{_tw(18)}"/></w:tabs>'
              f'<w:ind w:left="{_tw(18)}" w:hanging="{_tw(9)}"/>')
        head_sz = pt if c.bold else pt + 1
        style("paragraph", "GBHeading", "GB Heading", "Normal",
              f'<w:keepNext/><w:spacing w:before="{round(pt * 0.6 * 20)}" w:after="{round(pt * 0.8 * 20)}"/>'
              '<w:outlineLvl w:val="0"/>',
              f'{fonts(self.head_fonts)}{b(bold)}{sz(head_sz)}')
        style("paragraph", "GBCentered", "GB Centred Heading", "GBHeading", '<w:jc w:val="center"/>')
        style("paragraph", "GBTitle", "GB Title", "GBHeading",
              '<w:spacing w:before="360" w:after="120"/><w:jc w:val="center"/>', sz(pt + 3))
        indent = min(_tw(50), tw // 4)
        style("paragraph", "GBReportBy", "GB Report By", "Normal",
              f'<w:keepNext/><w:pBdr><w:bottom w:val="single" w:sz="4" w:space="8" w:color="000000"/></w:pBdr>'
              f'<w:spacing w:after="240"/><w:ind w:left="{indent}" w:right="{indent}"/><w:jc w:val="center"/>',
              "<w:i/><w:iCs/>")
        style("paragraph", "GBHeadBlock", "GB Header Block", "Normal",
              f'<w:tabs><w:tab w:val="right" w:pos="{tw}"/></w:tabs><w:jc w:val="left"/>',
              f"{fonts(self.head_fonts)}{sz(pt - 1)}")
        style("paragraph", "GBBodyLine", "GB Body Line", "GBHeadBlock", "", b(bold))
        style("paragraph", "GBCaption", "GB Caption", "GBHeading", "", sz(pt - 1 if c.bold else pt))
        style("paragraph", "GBFigure", "GB Figure", "Normal",
              f"<w:pBdr><w:top {box}/><w:left {box}/><w:bottom {box}/><w:right {box}/></w:pBdr>"
              '<w:shd w:val="clear" w:color="auto" w:fill="DEEAF6"/>'
              f'<w:spacing w:before="240" w:after="{round(pt * 20 + 240)}"/>'
              f'<w:ind w:left="{min(_tw(35), tw // 4)}" w:right="{min(_tw(35), tw // 4)}"/><w:jc w:val="center"/>')
        style("paragraph", "GBNote", "GB Table Note", "Normal", '<w:spacing w:after="60"/>', sz(c.table_pt))
        style("paragraph", "GBCell", "GB Table Text", "Normal",
              '<w:spacing w:after="60" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/>', sz(c.table_pt))
        style("paragraph", "GBCellHead", "GB Table Heading", "GBCell", '<w:keepNext/><w:jc w:val="center"/>',
              b(bold))
        style("paragraph", "GBEnd", "GB Closing Mark", "Normal", '<w:spacing w:before="480"/><w:jc w:val="center"/>')
        style("paragraph", "Header", "header", "Normal", '<w:spacing w:line="240" w:lineRule="auto"/>',
              sz(pt - 1))
        style("paragraph", "Footer", "footer", "Normal", '<w:spacing w:line="240" w:lineRule="auto"/>',
              sz(pt - 1))
        # Footnotes: the note text and the reference mark (as in Word's "footnote text"/"footnote reference").
        label = c.footnote_label
        fn_ppr = f'<w:spacing w:after="40" w:line="240" w:lineRule="auto"/><w:jc w:val="{jc_body}"/>'
        if label == "tab":
            fn_ppr = (f'<w:tabs><w:tab w:val="left" w:pos="{_tw(6)}"/></w:tabs>'
                      f'<w:spacing w:after="40" w:line="240" w:lineRule="auto"/>'
                      f'<w:ind w:left="{_tw(6)}" w:hanging="{_tw(6)}"/><w:jc w:val="{jc_body}"/>')
        style("paragraph", "FootnoteText", "footnote text", "Normal", fn_ppr, sz(c.footnote_pt),
              extra='<w:link w:val="FootnoteTextChar"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>')
        style("character", "FootnoteTextChar", "Footnote Text Char", "DefaultParagraphFont", "",
              sz(c.footnote_pt), extra='<w:link w:val="FootnoteText"/><w:uiPriority w:val="99"/>')
        style("character", "FootnoteReference", "footnote reference", "DefaultParagraphFont", "",
              '<w:vertAlign w:val="superscript"/>', extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>')

    # ---------------------------------------------------------- inline content

    def fill(self, p, text: str, rpr=None) -> None:
        """Runs of ``text`` into ``p``, with a footnote reference where each ``[^...]`` stood."""
        for run_text, note in split_footnotes(text):
            if note is None:
                if run_text:
                    _run(p, run_text, rpr)
            else:
                self.footnote_ref(p, note, rpr)

    def footnote_ref(self, p, note: str, base_rpr=None) -> None:
        n = len(self.footnotes) + 1
        rpr = _rpr(style="FootnoteReference")
        if self.bracketed:
            # Word has no bracketed numbers: the brackets are typed, raised, around an automatic
            # reference. (A custom mark, w:customMarkFollows, is printed twice by LibreOffice 7.4:
            # once as the note's label and once as text.)
            _run(p, "[", rpr)
        r = _sub(p, "r")
        r.append(copy.deepcopy(rpr))
        _sub(r, "footnoteReference", {"id": str(n)})
        if self.bracketed:
            _run(p, "]", rpr)
        self.footnotes.append(self.footnote_body(n, note))
        self.note_texts.append(note)

    def footnote_body(self, n: int, text: str):
        fn = _el("footnote", {"id": str(n)})
        p = _sub(fn, "p")
        ppr = _sub(p, "pPr")
        _sub(ppr, "pStyle", {"val": "FootnoteText"})
        label = self.c.footnote_label
        r = _sub(p, "r")
        r.append(_rpr(style="FootnoteReference", vert="superscript" if label == "superscript" else "baseline"))
        _sub(r, "footnoteRef")
        after = {"superscript": " ", "inline": " ", "dotted": ". ", "tab": "\t"}[label]
        _run(p, after)
        _run(p, text)
        return fn

    # ---------------------------------------------------------- blocks

    def para(self, style: str, text: str, **kw):
        if self.pending_break:
            kw["page_break"] = True
            self.pending_break = False
        p = _para(style, **kw)
        self.fill(p, text)
        self.add(p)
        return p

    def header_block(self) -> None:
        meta = self.src.meta
        left, right, n_body = source_header_block(meta)
        for i, text in enumerate(left):
            style = "GBBodyLine" if i < n_body else "GBHeadBlock"
            p = _para(style)
            self.fill(p, text)
            if i < len(right):
                # the right-hand part (symbol, date) is never bold
                _run(p, "\t")
                _run(p, right[i], _rpr(bold=False))
            self.add(p)
        self.para("GBTitle", meta["title"])
        self.para("GBReportBy", meta["report_by"])

    def block(self, b: Block) -> None:
        k = b.kind
        if k == "heading":
            self.para("GBHeading", b.text)
        elif k == "centered":
            self.para("GBCentered", b.text)
        elif k in ("numbered", "subitem"):
            label, _, rest = b.text.partition(" ")
            self.para("GBBody" if k == "numbered" else "GBIndented", f"{label}\t{rest}")
        elif k == "bullet":
            self.para("GBIndented", "•\t" + b.text)
        elif k == "plain":
            self.para("GBBody", b.text)
        elif k == "caption":
            self.para("GBCaption", b.text, keep_next=True)
        elif k == "figure":
            self.para("GBFigure", b.text)
        elif k == "note":
            self.para("GBNote", b.text)
        elif k == "end":
            self.para("GBEnd", b.text)
        elif k == "pagebreak":
            if self.c.landscape_annex and not self.landscape:
                self.section_break()
                self.landscape = True
            else:
                self.pending_break = True
        elif k == "table":
            self.table(b)
        else:
            raise ValueError(f"unknown block kind {k!r}")

    def section_break(self) -> None:
        """End the portrait section here (its w:sectPr in the last paragraph); the rest is landscape."""
        last = self.body[-2] if len(self.body) >= 2 else None  # body[-1] is the sentinel sectPr
        if last is None or last.tag != _w("p") or last.find(_w("pPr") + "/" + _w("sectPr")) is not None:
            last = _para(None)
            self.add(last)
        ppr = last.find(_w("pPr"))
        if ppr is None:
            ppr = _el("pPr")
            last.insert(0, ppr)
        ppr.append(_el("sectPr"))

    def add(self, el) -> None:
        """Append a body element (before the sentinel w:sectPr, which stays last)."""
        sentinel = self.body.find(_w("sectPr"))
        if sentinel is not None:
            sentinel.addprevious(el)
        else:
            self.body.append(el)

    def table(self, b: Block) -> None:
        c = self.c
        rows = b.rows
        ncols = len(rows[0])
        shares = COLUMN_SHARES.get(b.name)
        if not shares or len(shares) != ncols:
            shares = [1 / ncols] * ncols
        width = self.text_width_tw(self.landscape)
        two_level = c.header_levels == 2 and b.name == "progress" and ncols == 6
        cols = self.column_widths(rows, shares, width, two_level)
        if self.pending_break:
            self.add(_para(None, page_break=True))
            self.pending_break = False

        tbl = _el("tbl")
        tblpr = _sub(tbl, "tblPr")
        _sub(tblpr, "tblW", {"w": str(width), "type": "dxa"})
        _sub(tblpr, "jc", {"val": "left"})
        _sub(tblpr, "tblInd", {"w": "0", "type": "dxa"})
        borders = _sub(tblpr, "tblBorders")
        line = {"val": "single", "sz": "4", "space": "0", "color": "000000"}
        nil = {"val": "nil"}
        on = {"grid": {"top", "left", "bottom", "right", "insideH", "insideV"},
              "horizontal": {"top", "bottom", "insideH"}, "none": set()}[c.table_rules]
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _sub(borders, edge, line if edge in on else nil)
        _sub(tblpr, "tblLayout", {"type": "fixed"})
        mar = _sub(tblpr, "tblCellMar")
        for edge, v in (("top", 40), ("left", 85), ("bottom", 40), ("right", 85)):
            _sub(mar, edge, {"w": str(v), "type": "dxa"})
        _sub(tblpr, "tblLook", {"val": "0000", "firstRow": "0", "lastRow": "0", "firstColumn": "0",
                                "lastColumn": "0", "noHBand": "1", "noVBand": "1"})
        grid = _sub(tbl, "tblGrid")
        for w in cols:
            _sub(grid, "gridCol", {"w": str(w)})

        fill = c.header_fill and c.table_rules != "none"

        # A row taller than a page cannot be kept whole: Word splits it all the same, LibreOffice
        # cuts off what does not fit. Such rows stay splittable.
        _, page_h = c.page_size_mm(self.landscape)
        room_pt = (page_h - c.margin_mm[0] - c.margin_mm[2]) * 72 / 25.4 - 4 * c.body_pt
        head_pt = self.row_height_pt(rows[0], cols) * (2 if two_level else 1) if c.header_repeat else 0

        def row(head: bool, cells: list[str] | None = None):
            tr = _sub(tbl, "tr")
            trpr = _sub(tr, "trPr")
            if not c.rows_split:
                if head or self.row_height_pt(cells, cols) < 0.85 * (room_pt - head_pt):
                    _sub(trpr, "cantSplit")
                else:
                    self.tall_rows += 1
            if head and c.header_repeat:
                _sub(trpr, "tblHeader")
            return tr

        def cell(tr, text: str | None, head: bool, width_tw: int, span: int = 1, vmerge: str | None = None):
            tc = _sub(tr, "tc")
            tcpr = _sub(tc, "tcPr")
            _sub(tcpr, "tcW", {"w": str(width_tw), "type": "dxa"})
            if span > 1:
                _sub(tcpr, "gridSpan", {"val": str(span)})
            if vmerge == "restart":
                _sub(tcpr, "vMerge", {"val": "restart"})
            elif vmerge == "continue":
                _sub(tcpr, "vMerge")
            if head and fill:
                _sub(tcpr, "shd", {"val": "clear", "color": "auto", "fill": "D9D9D9"})
            if head:
                _sub(tcpr, "vAlign", {"val": "center"})
            for part in (text.split("\\n") if text else [""]):
                p = _para("GBCellHead" if head else "GBCell")
                self.fill(p, part)
                tc.append(p)
            return tc

        header = rows[0]
        if two_level:
            tr1 = row(True)
            for j in (0, 1):
                cell(tr1, header[j], True, cols[j], vmerge="restart")
            cell(tr1, GROUP_HEADER[self.lang], True, cols[2] + cols[3], span=2)
            for j in (4, 5):
                cell(tr1, header[j], True, cols[j], vmerge="restart")
            tr2 = row(True)
            for j in (0, 1):
                cell(tr2, None, True, cols[j], vmerge="continue")
            for j in (2, 3):
                cell(tr2, header[j], True, cols[j])
            for j in (4, 5):
                cell(tr2, None, True, cols[j], vmerge="continue")
        else:
            tr = row(True)
            for j, text in enumerate(header):
                cell(tr, text, True, cols[j])
        for r in rows[1:]:
            tr = row(False, r)
            for j, text in enumerate(r):
                cell(tr, text, False, cols[j])
        self.add(tbl)

    def row_height_pt(self, cells: list[str], cols: list[int]) -> float:
        """A generous estimate of a table row's height (points) at these column widths (twips)."""
        c = self.c
        size = c.table_pt
        line = size * (1.45 if self.lang == "zh" else 1.2)
        tallest = 0.0
        for text, width in zip(cells, cols, strict=True):
            avail = max(width - 2 * 85, 200) / 20  # points
            height = 2 * 2.0  # cell margins
            for part in strip_note_marks(text.replace("\\n", "\n")).split("\n"):
                w = 0.0
                for run in _SCRIPT_RUNS.findall(part):
                    if _CJK.match(run):
                        w += len(run) * size
                    else:
                        w += _text_width_pt(run, self.latin_family, False, size)
                lines = max(1, -(-w * 1.12 // avail))  # ceil, with room for ragged line ends
                height += lines * line + 3  # paragraph spacing after
            tallest = max(tallest, height)
        return tallest

    def column_widths(self, rows: list[list[str]], shares: list[float], width: int, two_level: bool) -> list[int]:
        """Column widths (twips) from ``shares``, widened where a column's longest word would not fit
        (a word cut inside a cell, "Implement|ed", is no layout a secretariat would leave)."""
        c = self.c
        pad = 2 * 85 + 60  # cell margins and a little slack
        need = []
        for j in range(len(shares)):
            w = 0.0
            for i, r in enumerate(rows):
                head = i == 0
                for word in _LATIN_WORDS.findall(strip_note_marks(r[j])):
                    w = max(w, _text_width_pt(word, self.latin_family, head and c.bold, c.table_pt))
            need.append(round(w * 20) + pad)
        cols = [round(width * s) for s in shares]
        short = {j: need[j] - cols[j] for j in range(len(cols)) if need[j] > cols[j]}
        for j, extra in short.items():
            donors = [k for k in range(len(cols)) if k not in short and cols[k] - extra > need[k]]
            if not donors:
                continue
            donor = max(donors, key=lambda k: cols[k] - need[k])
            cols[donor] -= extra
            cols[j] += extra
        cols[-1] = width - sum(cols[:-1])
        return cols

    # ---------------------------------------------------------- sections, headers, footers

    def setup_sections(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Twips

        c = self.c
        top, right, bottom, left = c.margin_mm
        sections = self.doc.sections
        for i, sec in enumerate(sections):
            landscape = c.landscape_annex and i == len(sections) - 1 and len(sections) > 1
            w, h = c.page_size_mm(landscape)
            sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
            sec.page_width, sec.page_height = Twips(_tw(w)), Twips(_tw(h))
            sec.top_margin, sec.bottom_margin = Twips(_tw(top)), Twips(_tw(bottom))
            sec.left_margin, sec.right_margin = Twips(_tw(left)), Twips(_tw(right))
            sec.header_distance = Twips(_tw(min(12.5, top * 0.45)))
            sec.footer_distance = Twips(_tw(min(12.5, bottom * 0.45)))
            sec.gutter = Twips(0)
            sectpr = sec._sectPr
            # Footnote numbering restart is a section property in Word.
            for old in sectpr.findall(_w("footnotePr")):
                sectpr.remove(old)
            fpr = _footnote_pr(c.footnote_numbering)
            pgsz = sectpr.find(_w("pgSz"))
            (pgsz if pgsz is not None else sectpr[0]).addprevious(fpr)
            sec.different_first_page_header_footer = i == 0
        alternating = c.page_number_align == "alternating" or (
            c.symbol_align == "alternating" and c.running_header != "none")
        self.doc.settings.odd_and_even_pages_header_footer = alternating
        first = sections[0]
        self.fill_hdrftr(first.header, "odd", "header")
        self.fill_hdrftr(first.footer, "odd", "footer")
        self.fill_hdrftr(first.first_page_header, "first", "header")
        self.fill_hdrftr(first.first_page_footer, "first", "footer")
        if alternating:
            self.fill_hdrftr(first.even_page_header, "even", "header")
            self.fill_hdrftr(first.even_page_footer, "even", "footer")
        # later sections (the landscape annex) inherit ("link to previous") the first section's

    def fill_hdrftr(self, hf, kind: str, where: str) -> None:
        c = self.c
        hf.is_linked_to_previous = False
        el = hf._element
        for child in list(el):
            el.remove(child)
        style = "Header" if where == "header" else "Footer"

        def align(a: str) -> str:
            if a == "alternating":
                return "left" if kind == "even" else "right"
            return a

        paras = []
        number_here = c.page_number_position == where and (kind != "first" or c.page_number_first)
        if where == "header" and kind != "first" and c.running_header != "none":
            p = _para(style, jc=align(c.symbol_align))
            _run(p, self.src.meta["symbol"])
            paras.append(p)
            if c.running_header == "symbol_title":
                p = _para(style, jc=align(c.symbol_align))
                _run(p, self.src.meta["title"])
                paras.append(p)
        if number_here:
            p = _para(style, jc=align(c.page_number_align))
            form = c.page_number_form
            pos = 0
            for m in re.finditer(r"\{(n|total)\}", form):
                if m.start() > pos:
                    _run(p, form[pos:m.start()])
                _field(p, "PAGE" if m.group(1) == "n" else "NUMPAGES", "1")
                pos = m.end()
            if pos < len(form):
                _run(p, form[pos:])
            if where == "header":
                paras.append(p)
            else:
                paras.insert(0, p)
        if where == "footer" and c.running_header == "symbol_job" and c.job_number:
            p = _para(style, jc="left")
            _run(p, c.job_number)
            paras.append(p)
        if not paras:
            paras.append(_para(style))
        # a little air between the running head/foot and the body
        edge = paras[-1] if where == "header" else paras[0]
        edge_ppr = edge.find(_w("pPr"))
        spacing = _el("spacing", {"after" if where == "header" else "before": "120"})
        jc = edge_ppr.find(_w("jc"))
        if jc is not None:
            jc.addprevious(spacing)  # schema order: spacing before jc
        else:
            edge_ppr.append(spacing)
        for p in paras:
            el.append(p)

    # ---------------------------------------------------------- settings, footnotes part

    def settings(self) -> None:
        c = self.c
        s = self.doc.settings.element
        tab = s.find(_w("defaultTabStop"))
        anchor = tab
        if c.hyphenate and self.lang == "en":
            ah = _el("autoHyphenation")
            anchor.addnext(ah)
            anchor = ah
            if not any(d.exists() for d in HYPHEN_DICTS):
                self.notes.append("hyphenate: no LibreOffice hyphenation dictionary (apt-get install "
                                  "hyphen-en-us): lines are not hyphenated")
        compat = s.find(_w("compat"))
        for old in s.findall(_w("footnotePr")):
            s.remove(old)
        fpr = _footnote_pr(c.footnote_numbering)
        _sub(fpr, "footnote", {"id": "-1"})
        _sub(fpr, "footnote", {"id": "0"})
        compat.addprevious(fpr)
        # no ligatures in Word by default; w14:ligatures is Word 2010's knob (LibreOffice reads
        # the font-name feature suffix instead, see __init__)

    def footnotes_part(self) -> None:
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart

        root = _el("footnotes")
        rule = self.c.footnote_rule
        for fid, kind in (("-1", "separator"), ("0", "continuationSeparator")):
            fn = _sub(root, "footnote", {"type": kind, "id": fid})
            p = _sub(fn, "p")
            ppr = _sub(p, "pPr")
            _sub(ppr, "spacing", {"after": "0", "line": "240", "lineRule": "auto"})
            if rule == "none":
                continue
            r = _sub(p, "r")
            # Word draws w:separator as a short rule, w:continuationSeparator across the column.
            mark = "separator" if (kind == "separator" and rule == "short") else "continuationSeparator"
            _sub(r, mark)
        for fn in self.footnotes:
            root.append(fn)
        part = XmlPart(PackURI("/word/footnotes.xml"), CT_FOOTNOTES, root, self.doc.part.package)
        self.doc.part.relate_to(part, RT_FOOTNOTES)

    # ---------------------------------------------------------- all

    def build(self, path: Path) -> None:
        self.build_styles()
        self.header_block()
        for b in self.src.blocks:
            self.block(b)
        if self.tall_rows:
            self.notes.append(f"rows_split=False: {self.tall_rows} table row(s) taller than a page are left "
                              "splittable (LibreOffice cuts off the part of an unsplittable row that does not fit)")
        self.setup_sections()
        self.settings()
        self.footnotes_part()
        cp = self.doc.core_properties
        cp.title = self.src.meta["symbol"]
        cp.author = "WHO"
        self.doc.save(str(path))


_CJK_CHARS = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_CJK = re.compile(f"[{_CJK_CHARS}]")
_SCRIPT_RUNS = re.compile(f"[{_CJK_CHARS}]+|[^{_CJK_CHARS}]+")
# Runs that cannot break inside a line: Latin words (CJK text may break between any characters).
_LATIN_WORDS = re.compile(rf"[^\s{_CJK_CHARS}]+")


def strip_note_marks(text: str) -> str:
    return re.sub(r"\[\^.*?\]", "", text).replace("\\n", " ")


@functools.cache
def _font_file(family: str, bold: bool) -> str | None:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:{'bold' if bold else 'regular'}"],
                             capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    return out.stdout.strip() or None


@functools.cache
def _font(family: str, bold: bool):
    try:
        from PIL import ImageFont

        path = _font_file(family, bold)
        return ImageFont.truetype(path, 100) if path else None
    except Exception:  # no Pillow or an unreadable font: estimate instead
        return None


def _text_width_pt(text: str, family: str, bold: bool, size: float) -> float:
    font = _font(family, bold)
    if font is None:
        return len(text) * size * (0.6 if bold else 0.55)
    return font.getlength(text) / 100 * size


def _footnote_pr(numbering: str):
    fpr = _el("footnotePr")
    _sub(fpr, "pos", {"val": "pageBottom"})
    _sub(fpr, "numFmt", {"val": "decimal"})
    if numbering == "page":
        _sub(fpr, "numRestart", {"val": "eachPage"})
    return fpr


def _xattr(v: str) -> str:
    return v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# ---------------------------------------------------------------- entry point


def build_docx(source: Source, choice: LayoutChoice, path: Path) -> list[str]:
    b = _Builder(source, choice)
    b.build(path)
    return b.notes


def _unraise_style(fodt: str, name: str) -> str:
    """The character style ``name`` of a flat ODF document at the baseline and full size."""
    m = re.search(rf'<style:style style:name="{name}"[^>]*?(/>|>.*?</style:style>)', fodt, flags=re.S)
    if m is None:
        raise RuntimeError(f"LibreOffice wrote no {name} style")
    body = m.group(0)
    if "style:text-position=" in body:
        new = re.sub(r'style:text-position="[^"]*"', 'style:text-position="0% 100%"', body)
    elif body.endswith("/>"):
        new = body[:-2] + '><style:text-properties style:text-position="0% 100%"/></style:style>'
    elif "<style:text-properties" in body:
        new = body.replace("<style:text-properties", '<style:text-properties style:text-position="0% 100%"', 1)
    else:
        new = body.replace("</style:style>", '<style:text-properties style:text-position="0% 100%"/></style:style>')
    return fodt[:m.start()] + new + fodt[m.end():]


def _page_labels(pdf: Path, note_texts: list[str]) -> list[int] | None:
    """Each note's number restarting on every page, if LibreOffice's differ ([] when they agree).

    None when it cannot be told (no pdftotext, a note not found in the PDF's text)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    out = subprocess.run([tool, "-raw", str(pdf), "-"], capture_output=True, text=True, timeout=120)
    pages = [re.sub(r"\s+", "", p) for p in out.stdout.split("\f")]
    page, pos = 0, 0
    wanted: list[int] = []
    found: list[int | None] = []
    count: dict[int, int] = {}
    for note in note_texts:
        key = re.sub(r"\s+", "", note)[:20]
        at = -1
        while page < len(pages):
            # the note text preceded by its number, after the previous note
            hits = [m for m in re.finditer(r"(\d+)\.?(?=" + re.escape(key) + ")", pages[page][pos:])]
            if hits:
                m = hits[0]
                at = pos + m.end()
                break
            page, pos = page + 1, 0
        if at < 0:
            return None
        count[page] = count.get(page, 0) + 1
        wanted.append(count[page])
        digits = m.group(1)
        found.append(int(digits[-len(str(count[page])):]))  # the label, not digits glued before it
        pos = at
    return [] if found == wanted else wanted


def _relabel_notes(fodt: str, labels: list[int]) -> str:
    """Give the footnotes of a flat ODF document these labels, in document order."""
    it = iter(labels)

    def one(m: re.Match) -> str:
        label = next(it, None)
        if label is None:
            return m.group(0)
        return f'{m.group(1)}<text:note-citation text:label="{label}">{label}</text:note-citation>'

    return re.sub(r'(<text:note [^>]*text:note-class="footnote"[^>]*>)<text:note-citation[^>]*>[^<]*'
                  r"</text:note-citation>", one, fodt)


def _convert(path: Path, fmt: str, workdir: Path) -> Path:
    soffice = _soffice()
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) not found: apt-get install libreoffice-writer-nogui")
    target = workdir / f"{path.stem}.{fmt}"
    target.unlink(missing_ok=True)
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{workdir}/profile", "--headless",
         "--convert-to", fmt, "--outdir", str(workdir), str(path)],
        capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0 or not target.exists():
        raise RuntimeError(f"soffice --convert-to {fmt} failed ({proc.returncode}): "
                           f"{proc.stderr.strip() or proc.stdout.strip()}")
    return target


def render(source: Source, choice: LayoutChoice, out_pdf: Path, workdir: Path) -> list[str]:
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    out_pdf = Path(out_pdf)
    stem = out_pdf.stem or "document"
    docx_path = workdir / f"{stem}.docx"
    builder = _Builder(source, choice)
    builder.build(docx_path)
    notes = builder.notes
    # Two things of the Word document LibreOffice 7.4's DOCX import loses, put back in between:
    # the document goes through LibreOffice's own format (what it imported, unchanged), is
    # patched, and exported to PDF from there.
    # - The footnote separator: drawn on the first section's page style only (not on the
    #   landscape annex's), always at LibreOffice's 25 % width (Word's full-width
    #   continuationSeparator in the separator note is read as "no separator").
    # - The label at the start of a note: formatted by the "footnote reference" style alone
    #   (copied to LibreOffice's "Footnote Symbol"), ignoring the un-raised direct formatting
    #   of the note's w:footnoteRef run that Word honours.
    # - CJK/Latin autospacing and punctuation hanging, below.
    fodt = _convert(docx_path, "fodt", workdir)
    text = fodt.read_text(encoding="utf-8")
    rel = {"short": "25%", "long": "100%", "none": "0%"}[choice.footnote_rule]
    text = re.sub(r'(<style:footnote-sep\b[^>]*?style:rel-width=")[^"]*(")', rf"\g<1>{rel}\g<2>", text)
    if choice.footnote_label != "superscript":
        text = _unraise_style(text, "Footnote_20_Symbol")
    # - w:autoSpaceDE/DN="0" (no automatic gap between CJK and Latin text, which text extraction
    #   reads as a space the source does not have) is not imported at all.
    text = re.sub(r'style:text-autospace="[^"]*"', 'style:text-autospace="none"', text)
    # - w:overflowPunct="0" (no punctuation hanging past the line end): LibreOffice keeps its
    #   default "hanging" and then drops a hanging full-width comma from justified CJK lines in
    #   the PDF altogether.
    text = re.sub(r'style:punctuation-wrap="[^"]*"', 'style:punctuation-wrap="simple"', text)
    fodt.write_text(text, encoding="utf-8")
    produced = _convert(fodt, "pdf", workdir)
    # - Per-page footnote numbers: LibreOffice 7.4 numbers a note by the page its paragraph
    #   starts on, so a note in a paragraph begun on the previous page continues that page's
    #   count. Where that happened, every note gets its number as a label and the PDF is made again.
    if choice.footnote_numbering == "page" and builder.note_texts:
        labels = _page_labels(produced, builder.note_texts)
        if labels is None:
            notes.append("footnote_numbering=page: could not check LibreOffice's per-page footnote numbers "
                         "(pdftotext missing or a note not found); LibreOffice 7.4 may continue a page's "
                         "count on the next page for a note whose paragraph began there")
        elif labels:
            fodt.write_text(_relabel_notes(text, labels), encoding="utf-8")
            produced = _convert(fodt, "pdf", workdir)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    if produced.resolve() != out_pdf.resolve():
        shutil.move(str(produced), str(out_pdf))
    return notes
