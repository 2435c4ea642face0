"""Build the sample PDFs from the sources in ``samples/src``.

Each source (see ``samples/src/FORMAT.md``) is turned into a flat OpenDocument text file
(FODT) and converted to PDF by LibreOffice, the way a secretariat produces a report from a
word processor: real footnotes at the page bottom, numbered through the document (LibreOffice 7.4 misnumbers
per-page footnote markers in paragraphs that cross a page break); the symbol and page
number as running header from page 2; ruled tables whose header row repeats on every page
and whose rows may break across pages.

Layout options (page size, fonts, table rules, a landscape annex) exist so that variants of
the same content can be built: extraction must give the same records whatever the layout.

Usage:
    python samples/build.py                 # the four standard samples + variants
    python samples/build.py --only A77_28.zh --page letter --font-zh "WenQuanYi Micro Hei" \
        --out /tmp/x.pdf                    # one ad hoc variant

Needs LibreOffice (``soffice``) and Debian's fonts-noto-cjk; the built PDFs are committed so
that nobody else needs either.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.sax.saxutils import escape

from gen.source import FOOTNOTE, SRC, Block, Source, parse_source

HERE = Path(__file__).resolve().parent

PAGE_SIZES_CM = {"a4": (21.0, 29.7), "letter": (21.59, 27.94)}


@dataclass(frozen=True)
class Layout:
    page: str = "a4"
    margin_cm: float = 2.2
    font_zh: str = "Noto Serif CJK SC"
    font_zh_heading: str = "Noto Sans CJK SC"
    font_en: str = "Liberation Serif"
    font_en_heading: str = "Liberation Sans"
    body_pt: float = 11.0
    table_pt: float = 9.0
    rules: str = "grid"  # grid | horizontal | none
    landscape_annex: bool = False


@dataclass(frozen=True)
class Variant:
    """A sample PDF to build: which source, with which layout, to which file."""

    source: str
    out: str
    layout: Layout = field(default_factory=Layout)


STANDARD: list[Variant] = [
    Variant("A77_28.zh", "A77_28.zh.pdf"),
    Variant("A77_28.en", "A77_28.en.pdf"),
    Variant("EBPBAC25_3.zh", "EBPBAC25_3.zh.pdf"),
    Variant("EBPBAC25_3.en", "EBPBAC25_3.en.pdf"),
    # Same content, other page size and fonts: extraction must not depend on layout.
    Variant(
        "A77_28.zh",
        "variants/A77_28.zh.letter-sans.pdf",
        Layout(page="letter", margin_cm=2.0, font_zh="Noto Sans CJK SC",
               font_zh_heading="Noto Serif CJK SC", body_pt=10.5, table_pt=8.5),
    ),
    Variant(
        "EBPBAC25_3.en",
        "variants/EBPBAC25_3.en.letter-dejavu.pdf",
        Layout(page="letter", margin_cm=2.6, font_en="DejaVu Serif",
               font_en_heading="DejaVu Sans", body_pt=10.0),
    ),
    Variant("A77_28.zh", "variants/A77_28.zh.wqy.pdf",
            Layout(font_zh="WenQuanYi Micro Hei", font_zh_heading="WenQuanYi Micro Hei")),
    Variant("A77_28.en", "variants/A77_28.en.letter-dejavu.pdf",
            Layout(page="letter", font_en="DejaVu Serif", font_en_heading="DejaVu Sans", body_pt=10.5)),
    Variant("EBPBAC25_3.zh", "variants/EBPBAC25_3.zh.letter-sans.pdf",
            Layout(page="letter", font_zh="Noto Sans CJK SC", body_pt=10.0)),
    # Table layouts a real document could have: rules between rows only; a landscape annex;
    # no rules at all.
    Variant("A77_28.zh", "variants/A77_28.zh.horizontal-rules.pdf", Layout(rules="horizontal")),
    Variant("A77_28.en", "variants/A77_28.en.landscape-annex.pdf", Layout(landscape_annex=True)),
    Variant("A77_28.en", "variants/A77_28.en.unruled.pdf", Layout(rules="none")),
    Variant("A77_28.zh", "variants/A77_28.zh.unruled.pdf", Layout(rules="none")),
]


# ---------------------------------------------------------------- FODT writing



def _spans(text: str) -> str:
    """Plain text to ODF inline XML: tabs, runs of spaces and line breaks kept."""
    out: list[str] = []
    for part in re.split(r"(\t| {2,}|\n)", text):
        if part == "\t":
            out.append("<text:tab/>")
        elif part == "\n":
            out.append("<text:line-break/>")
        elif part.startswith("  "):
            out.append(f' <text:s text:c="{len(part) - 1}"/>')
        elif part:
            out.append(escape(part))
    return "".join(out)


def inline(text: str) -> str:
    """Inline markup (footnotes) to ODF XML."""
    out: list[str] = []
    pos = 0
    for m in FOOTNOTE.finditer(text):
        out.append(_spans(text[pos:m.start()]))
        out.append(
            '<text:note text:note-class="footnote"><text:note-citation>0</text:note-citation>'
            f'<text:note-body><text:p text:style-name="Footnote">{_spans(m.group(1))}</text:p>'
            "</text:note-body></text:note>"
        )
        pos = m.end()
    out.append(_spans(text[pos:]))
    return "".join(out)


def para(style: str, text: str) -> str:
    return f'<text:p text:style-name="{style}">{inline(text)}</text:p>'


def numbered_text(text: str) -> str:
    label, _, rest = text.partition(" ")
    return f"{label}\t{rest}"


def _font_props(name: str, size: float, lang: str) -> str:
    # Asian and Western properties both set: LibreOffice picks per character script.
    country = "CN" if lang == "zh" else "GB"
    return (
        f'style:font-name="{name}" fo:font-size="{size}pt" style:font-name-asian="{name}" '
        f'style:font-size-asian="{size}pt" fo:language="{"zh" if lang == "zh" else "en"}" '
        f'fo:country="{country}" style:language-asian="zh" style:country-asian="CN"'
    )


def build_fodt(src: Source, layout: Layout) -> str:
    lang = src.meta["language"]
    body_font = layout.font_zh if lang == "zh" else layout.font_en
    head_font = layout.font_zh_heading if lang == "zh" else layout.font_en_heading
    pw, ph = PAGE_SIZES_CM[layout.page]
    m = layout.margin_cm
    text_width = pw - 2 * m
    pt, tpt = layout.body_pt, layout.table_pt
    fonts = sorted({body_font, head_font, layout.font_zh})
    font_decls = "".join(
        f'<style:font-face style:name="{f}" svg:font-family="&apos;{f}&apos;"/>' for f in fonts
    )
    line = "0.5pt solid #000000"

    def page_layout(name: str, width: float, height: float) -> str:
        return (
            f'<style:page-layout style:name="{name}"><style:page-layout-properties '
            f'fo:page-width="{width}cm" fo:page-height="{height}cm" '
            f'style:print-orientation="{"landscape" if width > height else "portrait"}" '
            f'fo:margin-top="1.2cm" fo:margin-bottom="{m}cm" fo:margin-left="{m}cm" '
            f'fo:margin-right="{m}cm"><style:footnote-sep style:width="0.018cm" '
            'style:distance-before-sep="0.1cm" style:distance-after-sep="0.1cm" '
            'style:line-style="solid" style:adjustment="left" style:rel-width="25%" '
            'style:color="#000000"/></style:page-layout-properties>'
            '<style:header-style><style:header-footer-properties fo:min-height="0.6cm" '
            'fo:margin-bottom="0.6cm"/></style:header-style></style:page-layout>'
        )

    styles = f"""
<office:font-face-decls>{font_decls}</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties style:tab-stop-distance="1.25cm" style:writing-mode="lr-tb"
    style:text-autospace="none" style:punctuation-wrap="hanging" style:line-break="strict"/>
  <style:text-properties {_font_props(body_font, pt, lang)}/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph">
  <style:text-properties {_font_props(body_font, pt, lang)}/>
 </style:style>
 <style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="justify" fo:margin-bottom="{pt * 0.8:.1f}pt"
    fo:line-height="115%" fo:orphans="2" fo:widows="2">
   <style:tab-stops><style:tab-stop style:position="0.9cm"/></style:tab-stops>
  </style:paragraph-properties>
 </style:style>
 <style:style style:name="Indented" style:family="paragraph" style:parent-style-name="Body">
  <style:paragraph-properties fo:margin-left="1.8cm" fo:text-indent="-0.9cm">
   <style:tab-stops><style:tab-stop style:position="0cm"/></style:tab-stops>
  </style:paragraph-properties>
 </style:style>
 <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-top="{pt * 0.6:.1f}pt" fo:margin-bottom="{pt * 0.8:.1f}pt"
    fo:keep-with-next="always"/>
  <style:text-properties {_font_props(head_font, pt, lang)} fo:font-weight="bold"
    style:font-weight-asian="bold"/>
 </style:style>
 <style:style style:name="Centered" style:family="paragraph" style:parent-style-name="Heading">
  <style:paragraph-properties fo:text-align="center"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading">
  <style:paragraph-properties fo:text-align="center" fo:margin-top="18pt" fo:margin-bottom="6pt"/>
  <style:text-properties fo:font-size="{pt + 3}pt" style:font-size-asian="{pt + 3}pt"/>
 </style:style>
 <style:style style:name="ReportBy" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="6pt"
    fo:border-bottom="{line}" fo:padding-bottom="8pt" fo:margin-left="5cm" fo:margin-right="5cm"
    fo:keep-with-next="always"/>
  <style:text-properties fo:font-style="italic" style:font-style-asian="italic"/>
 </style:style>
 <style:style style:name="HeaderBlock" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties>
   <style:tab-stops><style:tab-stop style:position="{text_width:.2f}cm" style:type="right"/></style:tab-stops>
  </style:paragraph-properties>
  <style:text-properties {_font_props(head_font, pt - 1, lang)}/>
 </style:style>
 <style:style style:name="BodyLine" style:family="paragraph" style:parent-style-name="HeaderBlock">
  <style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/>
 </style:style>
 <style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Heading">
  <style:text-properties fo:font-size="{pt - 1}pt" style:font-size-asian="{pt - 1}pt"/>
 </style:style>
 <style:style style:name="Figure" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-left="3cm" fo:margin-right="3cm"
    fo:margin-bottom="{pt}pt" fo:padding="0.6cm" fo:border="1pt solid #1f4e79"
    fo:background-color="#deeaf6"/>
 </style:style>
 <style:style style:name="Note" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-bottom="3pt"/>
  <style:text-properties fo:font-size="{tpt}pt" style:font-size-asian="{tpt}pt"/>
 </style:style>
 <style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-left="0.4cm" fo:text-indent="-0.4cm" fo:margin-bottom="2pt"/>
  <style:text-properties fo:font-size="{tpt}pt" style:font-size-asian="{tpt}pt"/>
 </style:style>
 <style:style style:name="Cell" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-bottom="3pt"/>
  <style:text-properties fo:font-size="{tpt}pt" style:font-size-asian="{tpt}pt"/>
 </style:style>
 <style:style style:name="CellHead" style:family="paragraph" style:parent-style-name="Cell">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/>
 </style:style>
 <style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties fo:font-size="{pt - 1}pt" style:font-size-asian="{pt - 1}pt"/>
 </style:style>
 <style:style style:name="HeaderRight" style:family="paragraph" style:parent-style-name="Header">
  <style:paragraph-properties fo:text-align="end"/>
 </style:style>
 <style:style style:name="HeaderCenter" style:family="paragraph" style:parent-style-name="Header">
  <style:paragraph-properties fo:text-align="center"/>
 </style:style>
 <style:style style:name="End" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-top="24pt"/>
 </style:style>
 <style:style style:name="FootnoteAnchor" style:family="text">
  <style:text-properties style:text-position="super 58%"/>
 </style:style>
 <text:notes-configuration text:note-class="footnote" text:citation-body-style-name="FootnoteAnchor"
   text:citation-style-name="FootnoteAnchor" style:num-format="1" text:start-value="0"
   text:footnotes-position="page" text:start-numbering-at="document"/>
</office:styles>
<office:automatic-styles>
 {page_layout("PLPortrait", pw, ph)}
 {page_layout("PLLandscape", ph, pw)}
 <style:style style:name="FirstPara" style:family="paragraph" style:parent-style-name="BodyLine"
   style:master-page-name="First"/>
 <style:style style:name="PageBreak" style:family="paragraph" style:parent-style-name="Centered"
   style:master-page-name="{"Landscape" if layout.landscape_annex else "Standard"}">
  <style:paragraph-properties fo:break-before="page"/>
 </style:style>
 <style:style style:name="Tbl" style:family="table">
  <style:table-properties style:width="{text_width:.2f}cm" table:align="margins"
    style:may-break-between-rows="true" fo:margin-top="4pt" fo:margin-bottom="8pt"/>
 </style:style>
 <style:style style:name="Row" style:family="table-row">
  <style:table-row-properties fo:keep-together="auto"/>
 </style:style>
 <style:style style:name="CellBox" style:family="table-cell">
  <style:table-cell-properties fo:padding="0.1cm" {_cell_borders(layout.rules, line)}/>
 </style:style>
 <style:style style:name="CellHeadBox" style:family="table-cell">
  <style:table-cell-properties fo:padding="0.1cm"
    fo:background-color="{"transparent" if layout.rules == "none" else "#d9d9d9"}"
    {_cell_borders(layout.rules, line)}/>
 </style:style>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="First" style:page-layout-name="PLPortrait"
   style:next-style-name="Standard"/>
 {_master("Standard", "PLPortrait", src.meta["symbol"])}
 {_master("Landscape", "PLLandscape", src.meta["symbol"])}
</office:master-styles>"""

    body: list[str] = [*_header_block(src.meta)]
    for block in src.blocks:
        body.extend(_render_block(block, text_width, layout))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">'
        f'<office:meta><dc:title>{escape(src.meta["symbol"])}</dc:title></office:meta>'
        f"{styles}<office:body><office:text>{''.join(body)}</office:text></office:body>"
        "</office:document>"
    )


def _cell_borders(rules: str, line: str) -> str:
    if rules == "grid":
        return f'fo:border="{line}"'
    if rules == "horizontal":
        return f'fo:border-top="{line}" fo:border-bottom="{line}" fo:border-left="none" fo:border-right="none"'
    if rules == "none":
        return 'fo:border="none"'
    raise ValueError(f"unknown table rules {rules!r}")


def _master(name: str, page_layout: str, symbol: str) -> str:
    # WHO style: symbol on the outer edge, page number centred under it.
    number = (
        '<text:p text:style-name="HeaderCenter">'
        '<text:page-number text:select-page="current">2</text:page-number></text:p>'
    )
    return (
        f'<style:master-page style:name="{name}" style:page-layout-name="{page_layout}">'
        f'<style:header><text:p text:style-name="HeaderRight">{escape(symbol)}</text:p>{number}</style:header>'
        f'<style:header-left><text:p text:style-name="Header">{escape(symbol)}</text:p>{number}</style:header-left>'
        "</style:master-page>"
    )


def _header_block(meta: dict[str, str]) -> list[str]:
    left = [*meta["body"].split("|")]
    if meta.get("session"):
        left.append(meta["session"])
    left.append(meta["agenda"])
    right = [meta["symbol"], meta["date"]]
    out: list[str] = []
    n_body = len(meta["body"].split("|"))
    for i, text in enumerate(left):
        style = "FirstPara" if i == 0 else ("BodyLine" if i < n_body else "HeaderBlock")
        tail = f"\t{right[i]}" if i < len(right) else ""
        out.append(para(style, text + tail))
    out.append(para("Title", meta["title"]))
    out.append(para("ReportBy", meta["report_by"]))
    return out


def _render_block(block: Block, text_width: float, layout: Layout) -> list[str]:
    k = block.kind
    if k == "heading":
        return [para("Heading", block.text)]
    if k == "centered":
        return [para("Centered", block.text)]
    if k == "numbered":
        return [para("Body", numbered_text(block.text))]
    if k == "subitem":
        return [para("Indented", numbered_text(block.text))]
    if k == "bullet":
        return [para("Indented", "•\t" + block.text)]
    if k == "plain":
        return [para("Body", block.text)]
    if k == "caption":
        return [para("Caption", block.text)]
    if k == "figure":
        return [para("Figure", block.text)]
    if k == "note":
        return [para("Note", block.text)]
    if k == "end":
        return [para("End", block.text)]
    if k == "pagebreak":
        return ['<text:p text:style-name="PageBreak"/>']
    if k == "table":
        return [_table(block, text_width, layout)]
    raise ValueError(k)


# Relative column widths by table kind; the last column takes the rest.
COLUMN_SHARES = {"actions": [0.14, 0.12, 0.2, 0.13], "progress": [0.3, 0.12, 0.12, 0.12, 0.17]}


def _table(block: Block, text_width: float, layout: Layout) -> str:
    ncols = len(block.rows[0])
    shares = COLUMN_SHARES.get(block.name, [1 / ncols] * (ncols - 1))
    shares = [*shares, 1 - sum(shares)]
    cols = "".join(
        f'<table:table-column table:style-name="{block.name}Col{i}"/>' for i in range(ncols)
    )
    col_styles = "".join(
        f'<style:style style:name="{block.name}Col{i}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{text_width * s:.2f}cm" '
        f'style:rel-column-width="{round(s * 10000)}*"/></style:style>'
        for i, s in enumerate(shares)
    )

    def row(cells: list[str], head: bool) -> str:
        cell_style, p_style = ("CellHeadBox", "CellHead") if head else ("CellBox", "Cell")
        xml = []
        for c in cells:
            paras = "".join(para(p_style, p) for p in c.split("\\n"))
            xml.append(
                f'<table:table-cell table:style-name="{cell_style}" office:value-type="string">'
                f"{paras}</table:table-cell>"
            )
        return f'<table:table-row table:style-name="Row">{"".join(xml)}</table:table-row>'

    header = f"<table:table-header-rows>{row(block.rows[0], True)}</table:table-header-rows>"
    rows = "".join(row(r, False) for r in block.rows[1:])
    # Column widths are automatic styles, which ODF keeps apart from the body: they travel
    # in a marker comment that finalize() moves to office:automatic-styles.
    return (
        f"<!--COLSTYLES{col_styles}COLSTYLES-->"
        f'<table:table table:name="{block.name}" table:style-name="Tbl">{cols}{header}{rows}</table:table>'
    )


def finalize(fodt: str) -> str:
    """Move the column styles emitted with each table into office:automatic-styles."""
    col_styles = "".join(re.findall(r"<!--COLSTYLES(.*?)COLSTYLES-->", fodt, flags=re.S))
    fodt = re.sub(r"<!--COLSTYLES.*?COLSTYLES-->", "", fodt, flags=re.S)
    return fodt.replace("</office:automatic-styles>", col_styles + "</office:automatic-styles>", 1)


# ---------------------------------------------------------------- conversion


def convert(fodt_text: str, out_pdf: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("samples/build.py: LibreOffice not found (apt-get install libreoffice-writer-nogui fonts-noto-cjk)")
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fodt = Path(tmp) / (out_pdf.stem + ".fodt")
        fodt.write_text(fodt_text, encoding="utf-8")
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", tmp, str(fodt)],
            check=True, capture_output=True, timeout=300,
        )
        shutil.move(Path(tmp) / (out_pdf.stem + ".pdf"), out_pdf)


def build(variant: Variant, out_dir: Path = HERE) -> Path:
    src = parse_source(SRC / f"{variant.source}.txt")
    target = out_dir / variant.out
    convert(finalize(build_fodt(src, variant.layout)), target)
    return target


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="build one source (e.g. A77_28.zh) with the options below")
    ap.add_argument("--out", type=Path, help="output PDF for --only")
    ap.add_argument("--page", choices=sorted(PAGE_SIZES_CM), default="a4")
    ap.add_argument("--font-zh")
    ap.add_argument("--font-en")
    ap.add_argument("--rules", choices=["grid", "horizontal", "none"], default="grid")
    ap.add_argument("--landscape-annex", action="store_true")
    ap.add_argument("--fodt", action="store_true", help="write the FODT next to the PDF too")
    ap.add_argument("--variants", action="store_true",
                    help="rebuild only samples/variants/ (the standard samples' expected outputs are "
                         "tied to their exact bytes)")
    args = ap.parse_args(argv)
    if args.only:
        layout = replace(Layout(), page=args.page, rules=args.rules,
                         landscape_annex=args.landscape_annex)
        if args.font_zh:
            layout = replace(layout, font_zh=args.font_zh)
        if args.font_en:
            layout = replace(layout, font_en=args.font_en)
        out = args.out or (HERE / f"{args.only}.pdf")
        variants = [Variant(args.only, str(out.resolve()), layout)]
    elif args.variants:
        variants = [v for v in STANDARD if v.out.startswith("variants/")]
    else:
        variants = STANDARD
    for v in variants:
        path = build(v)
        if args.fodt:
            src = parse_source(SRC / f"{v.source}.txt")
            path.with_suffix(".fodt").write_text(finalize(build_fodt(src, v.layout)), encoding="utf-8")
        print(f"built {path.relative_to(HERE) if path.is_relative_to(HERE) else path}")


if __name__ == "__main__":
    main()
