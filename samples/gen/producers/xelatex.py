r"""XeLaTeX producer: the source as a LaTeX document typeset by XeTeX (xdvipdfmx writes the PDF).

fontspec + xeCJK (zh; CJK fallback face for characters the drawn face lacks), geometry,
fancyhdr + lastpage (running header, page numbers), longtable (header rows repeated with
``\endhead``), colortbl (grey header fill), perpage (footnotes numbered per page). TeX's own
text ligatures (`` -- '' ?` ...) are switched off (fontspec ``Ligatures=TeXOff``) so that every
character prints as the source has it; ``Ligatures=Common`` / ``CommonOff`` follows
``choice.ligatures``.

Table rows are typeset line by line: every cell is set in a ``\vbox`` of its column width and
``\vsplit`` one line at a time into consecutive longtable rows with no rule between them, so a
row can be cut by a page break (``rows_split``) while the lines of all its cells stay aligned;
without ``rows_split`` those line rows are tied together with ``\\*`` (a row taller than the
page is the exception, and is reported). Footnotes inside cells are placed under the line that
carries their mark (found again after the split with e-TeX's ``\splitfirstmarks``).

Landscape annex pages: after ``\clearpage`` the page size (``\pdfpagewidth``/``\pdfpageheight``)
and the text block are swapped, so those pages are landscape with upright text.

Needs Debian's texlive-xetex, texlive-lang-chinese (xeCJK), texlive-latex-recommended
(fontspec, etoolbox) and texlive-latex-extra (lastpage, perpage).
"""

from __future__ import annotations

import collections
import contextvars
import random
import re
import shutil
import subprocess
from pathlib import Path

from gen.fonts import available_fonts
from gen.layout import GROUP_HEADER, LayoutChoice
from gen.source import Block, Source, annex_break, header_block, split_footnotes

NAME = "xelatex"

STYLES = [
    "xeCJK.sty",
    "fontspec.sty",
    "geometry.sty",
    "longtable.sty",
    "colortbl.sty",
    "array.sty",
    "fancyhdr.sty",
    "lastpage.sty",
    "perpage.sty",
    "etoolbox.sty",
]
APT = "apt-get install texlive-xetex texlive-lang-chinese texlive-latex-recommended texlive-latex-extra"

# Relative column widths by table name (the extractor's two known tables); others share equally.
COLUMN_SHARES = {"actions": [0.14, 0.12, 0.20, 0.13, 0.41], "progress": [0.30, 0.12, 0.12, 0.12, 0.17, 0.17]}

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Characters after which a table cell may break a line (TeX would not: no hyphenation there).
CELL_BREAK_AFTER = set("/_")
URL = re.compile(r"(?:https?://|www\.)[!-~]+")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f]")


def available() -> str | None:
    for tool in ("xelatex", "xdvipdfmx", "kpsewhich"):
        if shutil.which(tool) is None:
            return APT
    out = subprocess.run(["kpsewhich", *STYLES], capture_output=True, text=True).stdout.split()
    found = {Path(p).name for p in out}
    missing = [s for s in STYLES if s not in found]
    if missing:
        return f"{APT} (missing: {', '.join(missing)})"
    return None


# ---------------------------------------------------------------- text escaping

_ESC = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _esc_chars(text: str, break_after: set[str] | None = None) -> str:
    out = []
    for ch in text:
        out.append(_ESC.get(ch, ch))
        if break_after and ch in break_after:
            out.append(r"\gbbrk{}")
    return "".join(out)


def _esc_url(url: str) -> str:
    """A URL that may break after any character (penalised between letters/digits)."""
    out = []
    for i, ch in enumerate(url):
        out.append(_ESC.get(ch, ch))
        if i < len(url) - 1:
            out.append(r"\gbbrk{}" if not ch.isalnum() else r"\gbbrkk{}")
    return "".join(out)


def esc(text: str, cell: bool = False, before: str = "", after: str = "") -> str:
    """Plain source text to LaTeX: specials escaped, runs of spaces kept, URLs breakable.

    ``before``/``after``: the characters printed next to ``text`` (for the spaces at its ends).
    """
    out = []
    pos = 0
    prev = before
    for m in URL.finditer(text):
        out.append(_esc_run(text[pos : m.start()], cell, prev, m.group(0)[:1]))
        out.append(_esc_url(m.group(0)))
        prev = m.group(0)[-1:]
        pos = m.end()
    out.append(_esc_run(text[pos:], cell, prev, after))
    return "".join(out)


# Full-width punctuation (and the quotes xeCJK sets as such): xeCJK drops a plain space next to
# them, so a source space there is set as a space between empty boxes.
CJK_PUNCT = re.compile(r"[\u2010-\u206f\u3000-\u303f\uff00-\uffef\u00b7]")
_ZH: contextvars.ContextVar[bool] = contextvars.ContextVar("xelatex_zh", default=False)  # set by build_tex


def _cjk_latin(a: str, b: str) -> bool:
    """``a``/``b`` (one character each) are a CJK character and a Latin/digit/ASCII sign, in either order."""
    if not a or not b or a.isspace() or b.isspace():
        return False
    return bool(CJK.match(a)) != bool(CJK.match(b))


def _esc_run(text: str, cell: bool, prev: str = "", nxt: str = "") -> str:
    parts = re.split(r"( +)", text)
    out = []
    for i, p in enumerate(parts):
        if p.startswith(" "):
            # (only the first and last part can be empty: the text's ends, next to prev / nxt)
            before = (parts[i - 1] if i > 0 else "")[-1:] or prev[-1:]
            after = (parts[i + 1] if i + 1 < len(parts) else "")[:1] or nxt[:1]
            if _ZH.get() and (CJK_PUNCT.match(before or "x") or CJK_PUNCT.match(after or "x")):
                out.append(r"\gbsp " * len(p))
            elif _ZH.get() and _cjk_latin(before, after):
                # xeCJK sets a CJK/Latin space as the Latin font's interword glue, which shrinks to
                # ~0.2em in a tight justified line (next to the near-zero CJKecglue where the source
                # has no space): a word space with a fixed minimum instead
                out.append(r"\gbecsp " * len(p))
            else:
                out.append(" " + r"\ " * (len(p) - 1))
        elif p:
            out.append(_esc_chars(p, CELL_BREAK_AFTER if cell else None))
    return "".join(out)


# ---------------------------------------------------------------- footnotes


class Notes:
    """Footnote bookkeeping: ids for footnotes whose text is placed apart from the mark."""

    def __init__(self) -> None:
        self.next_id = 0
        self.defs: list[str] = []  # \gbdeffn lines to emit before the construct that uses them

    def new(self, text: str) -> int:
        self.next_id += 1
        self.defs.append(rf"\gbdeffn{{{self.next_id}}}{{{esc(text)}}}")
        return self.next_id

    def take_defs(self) -> str:
        d, self.defs = self.defs, []
        return "\n".join(d)


def inline(text: str) -> str:
    """Running text with real \\footnote commands (paragraphs on the main vertical list)."""
    out = []
    for run, note in split_footnotes(text):
        if note is None:
            out.append(esc(run))
        else:
            out.append(r"\footnote{" + esc(note) + "}")
    return "".join(out)


def inline_deferred(text: str, notes: Notes, ids: list[int], cell: bool = False, how: str = "defer") -> str:
    """Text inside a box: footnote marks only; the texts are emitted later by id.

    how="defer": the number is remembered and ``\\gbemitfn{id}`` prints the text;
    how="cell": the mark also leaves an e-TeX mark (class 100+id) for the line splitter.
    """
    out = []
    for run, note in split_footnotes(text):
        if note is None:
            out.append(esc(run, cell=cell))
        else:
            k = notes.new(note)
            ids.append(k)
            out.append(rf"\gbcellfn{{{k}}}" if how == "cell" else rf"\gbdefermark{{{k}}}")
    return "".join(out)


# ---------------------------------------------------------------- document


def _mm(x: float) -> str:
    return f"{x:.2f}mm"


def _pt(x: float) -> str:
    return f"{x:.2f}pt"


def _side(align: str, parity: str) -> str:
    if align == "alternating":
        return "R" if parity == "O" else "L"
    return {"left": "L", "center": "C", "right": "R"}[align]


def _page_number_tex(choice: LayoutChoice) -> str:
    parts = re.split(r"(\{n\}|\{total\})", choice.page_number_form)
    out = []
    for i, p in enumerate(parts):
        if p == "{n}":
            out.append(r"\thepage{}")
        elif p == "{total}":
            out.append(r"\pageref{LastPage}")
        elif p:
            # the numbers next to this text are digits (for a space between them and CJK text)
            out.append(esc(p, before="0" if i > 0 else "", after="0" if i + 1 < len(parts) else ""))
    return "".join(out)


def _page_styles(src: Source, choice: LayoutChoice) -> tuple[str, int, int]:
    """fancyhdr page styles gbmain / gbfirst; returns (tex, head lines, foot lines)."""
    twoside = _twoside(choice)
    parities = ["O", "E"] if twoside else ["O"]
    pn = _page_number_tex(choice)
    symbol = esc(src.meta["symbol"])
    title = esc(src.meta["title"])
    job = esc(choice.job_number)

    def slots(first: bool) -> dict[tuple[str, str, str], list[str]]:
        s: dict[tuple[str, str, str], list[str]] = {}
        for par in parities:
            if not first and choice.running_header != "none":
                side = _side(choice.symbol_align, par)
                s.setdefault(("head", side, par), []).append(symbol)
                if choice.running_header == "symbol_title":
                    other = {"L": "R", "R": "L", "C": "L"}[side]
                    align = r"\raggedright" if other == "L" else r"\raggedleft"
                    s.setdefault(("head", other, par), []).append(rf"\parbox[b]{{0.42\headwidth}}{{{align} {title}}}")
            if choice.running_header == "symbol_job" and choice.job_number:
                s.setdefault(("foot", "L", par), []).append(job)
            if not first or choice.page_number_first:
                side = _side(choice.page_number_align, par)
                where = "head" if choice.page_number_position == "header" else "foot"
                s.setdefault((where, side, par), []).append(pn)
        return s

    def style(name: str, s: dict[tuple[str, str, str], list[str]]) -> str:
        lines = [rf"\fancypagestyle{{{name}}}{{\fancyhf{{}}%"]
        for (where, side, par), items in sorted(s.items()):
            cmd = r"\fancyhead" if where == "head" else r"\fancyfoot"
            pos = side + (par if twoside else "")
            lines.append(rf"  {cmd}[{pos}]{{\gbhfsize " + r"\\ ".join(items) + "}%")
        lines.append(r"  \renewcommand\headrulewidth{0pt}\renewcommand\footrulewidth{0pt}}")
        return "\n".join(lines)

    main, first = slots(False), slots(True)

    def count(where: str) -> int:
        n = 1
        for s in (main, first):
            for (w, _, _), items in s.items():
                if w == where:
                    n = max(n, sum(2 if r"\parbox" in i else 1 for i in items))
        return n

    return style("gbmain", main) + "\n" + style("gbfirst", first), count("head"), count("foot")


def _twoside(choice: LayoutChoice) -> bool:
    return "alternating" in (choice.page_number_align, choice.symbol_align) and (
        choice.running_header != "none" or choice.page_number_align == "alternating"
    )


def _font_opts(choice: LayoutChoice, lig: bool) -> str:
    return "Ligatures={TeXOff," + ("Common" if lig else "CommonOff") + "}"


def _cjk_fallback(face: str) -> str:
    """A CJK face with wide coverage for the characters ``face`` lacks (e.g. “ ” in Droid Sans Fallback)."""
    fonts = available_fonts()
    for f in ("Noto Serif CJK SC", "Noto Sans CJK SC", *fonts.cjk):
        if f != face and f in fonts.cjk:
            return f
    return face


def _preamble(src: Source, choice: LayoutChoice) -> str:
    lang = src.meta["language"]
    c = choice
    pw, ph = c.page_size_mm()
    top, right, bottom, left = c.margin_mm
    ls = c.line_spacing
    bpt, tpt, fpt = c.body_pt, c.table_pt, c.footnote_pt
    hfpt = max(bpt - 1.5, 7.0)
    styles, head_lines, foot_lines = _page_styles(src, c)
    hf_bs = hfpt * 1.2
    headheight = head_lines * hf_bs + 2
    headsep = max(min(6.0, top - headheight / 2.845 - 4.0), 2.0)  # mm
    footskip = max(min(10.0, bottom - foot_lines * hf_bs / 2.845 - 3.0), hf_bs / 2.845 + 1.5)
    lig = bool(c.ligatures) and lang == "en"
    if lang == "zh":
        fonts = "\n".join(
            [
                r"\usepackage{xeCJK}",
                # no glue between CJK and Latin unless the source has a space (a break is allowed there)
                r"\xeCJKsetup{CJKspace=true, xCJKecglue=false, AutoFallBack=true,"
                r" CJKecglue={\hskip 0pt plus 0.02em\relax}}",
                rf"\setmainfont{{{c.font_latin}}}[{_font_opts(c, False)}]",
                rf"\setCJKmainfont{{{c.font_body}}}[FallBack={{{_cjk_fallback(c.font_body)}}}]",
                rf"\newCJKfontfamily\gbheadcjk{{{c.font_heading}}}[FallBack={{{_cjk_fallback(c.font_heading)}}}]",
                r"\newcommand\gbheadfamily{\gbheadcjk}",
            ]
        )
    else:
        fonts = "\n".join(
            [
                rf"\setmainfont{{{c.font_body}}}[{_font_opts(c, lig)}]",
                rf"\newfontfamily\gbheadfam{{{c.font_heading}}}[{_font_opts(c, lig)}]",
                r"\newcommand\gbheadfamily{\gbheadfam}",
            ]
        )
    hyph = c.hyphenate and lang == "en"
    bf = r"\bfseries" if c.bold else ""
    # headings without a bold face are set a little larger instead
    hsize = bpt + (0 if c.bold else 1)
    align = r"\gbjustify" if c.justify else r"\gbragged"

    fnmark = {
        "superscript": r"\hbox{\@textsuperscript{\normalfont\@thefnmark}}",
        "bracketed": r"\hbox{\@textsuperscript{\normalfont[\@thefnmark]}}",
    }[c.footnote_ref]
    fntext = {
        "superscript": r"\noindent\hbox{\@textsuperscript{\normalfont\@thefnmark}}\kern.25em #1",
        "inline": r"\noindent\@thefnmark\ #1",
        "dotted": r"\noindent\@thefnmark.\ #1",
        "tab": r"\leftskip=1.8em\noindent\llap{\hbox to1.8em{\@thefnmark\hfil}}#1",
    }[c.footnote_label]
    rule = {
        "short": r"\kern-3\p@\hrule\@width.25\columnwidth\kern2.6\p@",
        "long": r"\kern-3\p@\hrule\@width\columnwidth\kern2.6\p@",
        "none": r"\kern-3\p@\kern3\p@",
    }[c.footnote_rule]
    perpage = r"\usepackage{perpage}\MakePerPage{footnote}" if c.footnote_numbering == "page" else ""

    geometry = (
        f"paperwidth={_mm(pw)},paperheight={_mm(ph)},top={_mm(top)},bottom={_mm(bottom)},"
        f"inner={_mm(left)},outer={_mm(right)},headheight={_pt(headheight)},"
        f"headsep={_mm(headsep)},footskip={_mm(footskip)}"
    )
    return (
        TEMPLATE_PREAMBLE.replace("<<classopt>>", "twoside" if _twoside(c) else "oneside")
        .replace("<<fonts>>", fonts)
        .replace("<<geometry>>", geometry)
        .replace("<<perpage>>", perpage)
        .replace("<<bpt>>", _pt(bpt))
        .replace("<<bbs>>", _pt(bpt * 1.2 * ls))
        .replace("<<tpt>>", _pt(tpt))
        .replace("<<tbs>>", _pt(tpt * 1.2 * ls))
        .replace("<<fpt>>", _pt(fpt))
        .replace("<<fbs>>", _pt(fpt * 1.2 * ls))
        .replace("<<hfpt>>", _pt(hfpt))
        .replace("<<hfbs>>", _pt(hf_bs))
        .replace("<<hpt>>", _pt(hsize))
        .replace("<<hbs>>", _pt(hsize * 1.2 * ls))
        .replace("<<titlept>>", _pt(bpt + (3 if c.bold else 4)))
        .replace("<<titlebs>>", _pt((bpt + 4) * 1.25))
        .replace("<<capt>>", _pt(bpt - (1 if c.bold else 0)))
        .replace("<<capbs>>", _pt(bpt * 1.2 * ls))
        .replace("<<parskip>>", _pt(bpt * 0.8))
        .replace("<<hyphenpenalty>>", "50" if hyph else "10000")
        .replace("<<exhyphenpenalty>>", "50" if hyph else "10000")
        .replace("<<bf>>", bf)
        .replace("<<align>>", align)
        .replace("<<fnmark>>", fnmark)
        .replace("<<fntext>>", fntext)
        .replace("<<fnrule>>", rule)
        .replace("<<styles>>", styles)
        .replace("<<rowsplit>>", "true" if c.rows_split else "false")
    )


TEMPLATE_PREAMBLE = r"""\documentclass[<<classopt>>]{article}
\usepackage{fontspec}
<<fonts>>
\usepackage[<<geometry>>]{geometry}
\usepackage{array,longtable,colortbl,etoolbox}
\usepackage{fancyhdr}
\usepackage{lastpage}
<<perpage>>
\tracinglostchars=1
\makeatletter
% ---- sizes
\renewcommand\normalsize{\fontsize{<<bpt>>}{<<bbs>>}\selectfont}
\renewcommand\footnotesize{\fontsize{<<fpt>>}{<<fbs>>}\selectfont}
\newcommand\gbtablesize{\fontsize{<<tpt>>}{<<tbs>>}\selectfont}
\newcommand\gbhfsize{\fontsize{<<hfpt>>}{<<hfbs>>}\selectfont}
\newcommand\gbheadsize{\fontsize{<<hpt>>}{<<hbs>>}\selectfont}
\newcommand\gbtitlesize{\fontsize{<<titlept>>}{<<titlebs>>}\selectfont}
\newcommand\gbcapsize{\fontsize{<<capt>>}{<<capbs>>}\selectfont}
% ---- paragraphs
\setlength\parindent{0pt}
\setlength\parskip{<<parskip>> plus 1pt}
\newcommand\gbhyph{\hyphenpenalty=<<hyphenpenalty>>\exhyphenpenalty=<<exhyphenpenalty>>\relax}
\newcommand\gbjustify{\rightskip\z@\relax\parfillskip\z@ plus 1fil\relax}
\newcommand\gbragged{\rightskip\z@ plus 3em\relax\parfillskip\z@ plus 1fil\relax}
\newcommand\gbalign{<<align>>}
\tolerance=2000 \emergencystretch=2em \clubpenalty=500 \widowpenalty=500
\def\gbsp{\hbox{}\ \hbox{}}
% a source space between CJK and Latin/digits: a word space that never shrinks below .32em (more
% than the .3em at which extractors/layout.py reads a CJK/Latin gap as a space); the penalty is
% the break point (the glue follows xeCJK's marker kerns, after which TeX cannot break)
\def\gbecsp{\penalty\z@\hskip.34em plus.12em minus.02em\relax}
\def\gbbrk{\penalty\z@}
\def\gbbrkk{\penalty200\relax}
\newdimen\gbtab \gbtab=0.9cm
% numbered paragraph: label in a tab-like box, text continuing at the margin
\newcommand\gbnum[2]{\par\noindent\setbox\z@\hbox{#1}%
  \ifdim\wd\z@<\gbtab\hbox to\gbtab{\box\z@\hfil}\else\box\z@\hskip.5em\fi #2\par}
% sub-item / bullet: hanging label
\newcommand\gbitem[2]{\par{\leftskip=2\gbtab\noindent\llap{\hbox to\gbtab{#1\hfil}}#2\par}}
\newcommand\gbplain[1]{\par\noindent #1\par}
\newcommand\gbheading[1]{\par\addvspace{0.6\baselineskip}%
  {\raggedright\gbheadfamily<<bf>>\gbheadsize\noindent #1\par}\nobreak\vspace{0.15\baselineskip}}
\newcommand\gbcentered[1]{\par\addvspace{0.4\baselineskip}%
  {\centering\gbheadfamily<<bf>>\gbheadsize #1\par}\nobreak\vspace{0.15\baselineskip}}
\newcommand\gbcaption[1]{\par\addvspace{0.3\baselineskip}%
  {\raggedright\gbheadfamily<<bf>>\gbcapsize\noindent #1\par}\nobreak\vspace{0.1\baselineskip}}
\newcommand\gbneedspace[1]{\par\penalty-100\begingroup\dimen@#1\relax
  \dimen@ii\pagegoal\advance\dimen@ii-\pagetotal
  \ifdim\dimen@>\dimen@ii\ifdim\dimen@ii>\z@\vfil\fi\penalty-\@M\fi\endgroup}
\newcommand\gbnote[1]{\par{\gbtablesize\noindent #1\par}}
\newcommand\gbfigure[1]{\par\addvspace{0.5\baselineskip}%
  {\centering\fboxsep=10pt\fbox{\parbox{0.5\linewidth}{\centering #1\par}}\par}\addvspace{0.8\baselineskip}}
\newcommand\gbend[1]{\par\vspace{24pt}{\centering #1\par}}
% ---- footnotes
\def\@makefnmark{<<fnmark>>}
\long\def\@makefntext#1{\gbalign <<fntext>>}
\renewcommand\footnoterule{<<fnrule>>}
% footnote texts stored by id, for marks set inside boxes
\long\def\gbdeffn#1#2{\expandafter\gdef\csname gbfntext@#1\endcsname{#2}}
\def\gbdefermark#1{\footnotemark\expandafter\xdef\csname gbfnnum@#1\endcsname{\the\c@footnote}}
\def\gbrepeatmark#1{{\edef\@thefnmark{\csname gbfnnum@#1\endcsname}\@makefnmark}}
\def\gbemitfn#1{\footnotetext[\csname gbfnnum@#1\endcsname]{\csname gbfntext@#1\endcsname}}
\def\gbcellfn#1{\footnotemark\marks\numexpr100+#1\relax{\the\c@footnote}}
% ---- page styles
<<styles>>
% ---- tables
\setlength\LTpre{4pt}\setlength\LTpost{8pt}
\setcounter{LTchunksize}{2000}
\newif\ifgbfirst \newif\ifgbmore \newif\ifgbrowsplit \gbrowsplit<<rowsplit>>
\newbox\gbtmpbox
\newdimen\gbpad \gbpad=2.5pt
\newdimen\gbsh \newdimen\gbsd \newdimen\gbW \newdimen\gbHh \newdimen\gbGh \newdimen\gbLh
\newdimen\gbX \newdimen\gbmaxrow
\@tempcnta=0
\loop\ifnum\@tempcnta<26
  \advance\@tempcnta\@ne
  \edef\gb@l{\ifcase\@tempcnta\or A\or B\or C\or D\or E\or F\or G\or H\or I\or J\or K\or L\or M%
    \or N\or O\or P\or Q\or R\or S\or T\or U\or V\or W\or X\or Y\or Z\fi}%
  \expandafter\newdimen\csname gbw\gb@l\endcsname
  \expandafter\newbox\csname gbc\gb@l\endcsname
  \expandafter\newdimen\csname gbn\gb@l\endcsname
  \expandafter\newdimen\csname gbs\gb@l\endcsname
\repeat
\newcommand\gbcellfont{\gbtablesize\normalfont}
\newcommand\gbcellsetup{\let\par\@@par\gbcellfont\parindent\z@\parskip\z@\gbhyph\gbragged
  \clubpenalty\z@\widowpenalty\z@\interlinepenalty\z@\brokenpenalty\z@
  \emergencystretch1em\tolerance 9999\relax}
\newcommand\gbheadcellfont{\gbtablesize\gbheadfamily<<bf>>}
\newcommand\gbheadcellsetup{\gbheadcellfont\parindent\z@\parskip\z@\gbhyph\centering\tolerance 9999\relax}
\def\gbw#1{\csname gbw#1\endcsname}
\def\gbn#1{\csname gbn#1\endcsname}
\def\gbs#1{\csname gbs#1\endcsname}
\newdimen\gbD \newdimen\gbS
\def\gbneed#1#2{\settowidth\dimen@{\gbcellfont #2}\advance\dimen@ .5pt\relax
  \ifdim\dimen@>\gbn{#1}\global\gbn{#1}=\dimen@\fi}
\def\gbneedh#1#2{\settowidth\dimen@{\gbheadcellfont #2}\advance\dimen@ .5pt\relax
  \ifdim\dimen@>\gbn{#1}\global\gbn{#1}=\dimen@\fi}
% a column narrower than its longest word takes the difference from the others' surplus
\def\gbfitA#1{\ifdim\gbn{#1}>\gbw{#1}\global\advance\gbD\dimexpr\gbn{#1}-\gbw{#1}\relax
    \global\gbw{#1}=\gbn{#1}\global\gbs{#1}=\z@
  \else\global\gbs{#1}=\dimexpr\gbw{#1}-\gbn{#1}\relax\global\advance\gbS\gbs{#1}\fi}
\def\gbfitB#1{\ifdim\gbS>\z@
  \global\advance\gbw{#1}-\dimexpr\gbs{#1}*\number\gbD/\number\gbS\relax\fi}
% natural height of a header cell -> max into \gbHh
\def\gbhm#1#2{{\let\gbdefermark\gbdummymark
  \setbox\z@\vbox{\hsize#1\gbheadcellsetup #2\par}\dimen@\ht\z@\advance\dimen@\dp\z@
  \ifdim\dimen@>\gbHh\global\gbHh\dimen@\fi}}
\def\gbdummymark#1{\textsuperscript{0}}
\def\gbH#1#2{\parbox[c][\gbHh][c]{\gbw{#1}}{\gbheadcellsetup #2\par}}
% body rows: every cell in a box, split one line per longtable row
\long\def\gbC#1#2#3{\global\setbox\csname gbc#1\endcsname\vbox{\hsize\gbw{#1}\gbcellsetup #2\par}%
  \expandafter\xdef\csname gbfids#1\endcsname{#3}}
\def\gbgap{\par\hbox{}}
\def\gbP#1{%
  \expandafter\ifvoid\csname gbc#1\endcsname
    \hbox to\gbw{#1}{}%
  \else
    {\vbadness\@M\vfuzz\maxdimen\splittopskip\z@\splitmaxdepth\maxdimen
     \global\setbox\gbtmpbox\vsplit\csname gbc#1\endcsname to\z@}%
    \setbox\gbtmpbox\vbox{\unvbox\gbtmpbox}%
    \ifdim\ht\gbtmpbox>\z@\global\gblinetrue\fi
    \hbox to\gbw{#1}{\box\gbtmpbox\hss}%
    \expandafter\expandafter\expandafter\gb@fnloop\csname gbfids#1\endcsname,\relax,%
  \fi}
\def\gb@relax{\relax}
\def\gb@fnloop#1,{\def\gb@a{#1}\ifx\gb@a\gb@relax\else
  \ifx\gb@a\@empty\else\gbcheckfn{#1}\fi\expandafter\gb@fnloop\fi}
\def\gbcheckfn#1{\edef\gb@m{\splitfirstmarks\numexpr100+#1\relax}%
  \ifx\gb@m\@empty\else\ifcsname gbfndone@#1\endcsname\else
    \global\expandafter\let\csname gbfndone@#1\endcsname\@empty
    \footnotetext[\gb@m]{\csname gbfntext@#1\endcsname}\fi\fi}
\newif\ifgbline
\def\gbstrut{\global\gblinefalse}
\def\gbendstrut{\ifgbline
    \vrule height\ifgbfirst\dimexpr\gbsh+\gbpad\relax\else\gbsh\fi
      depth\ifgbmore\gbsd\else\dimexpr\gbsd+\gbpad\relax\fi width\z@
  \else
    \vrule height\dimexpr.5\gbsh\relax depth\ifgbmore\z@\else\gbpad\fi width\z@
  \fi}
\def\gbsepbreak{\\}
\def\gbsepnobreak{\\*}
\def\gbR#1{\global\gbfirsttrue #1\gbrowcheck\gbsubrowbody}
\def\gbrowcheck{%
  \ifgbrowsplit\global\let\gbsep\gbsepbreak\else
    \dimen@\z@ \gbrowheights
    \ifdim\dimen@>\gbmaxrow
      \global\let\gbsep\gbsepbreak
      \typeout{GBNOTE: rows_split=False but a table row taller than a page was split}%
    \else\global\let\gbsep\gbsepnobreak\fi
  \fi}
\def\gbrowh#1{\dimen@ii\ht\csname gbc#1\endcsname\advance\dimen@ii\dp\csname gbc#1\endcsname
  \ifdim\dimen@ii>\dimen@\dimen@\dimen@ii\fi}
\def\gbendsubrow{%
  \global\gbmorefalse \gbcheckmore
  \gbendstrut
  \global\gbfirstfalse
  \ifgbmore\expandafter\gbcontinue\else\expandafter\gbfinish\fi}
\def\gbcontinue{\gbsep\gbsubrowbody}
\def\gbtablesetup{\gbtablesize\setlength\tabcolsep{4pt}\renewcommand\arraystretch{0.4}%
  \gbsh=.7\baselineskip \gbsd=.3\baselineskip}
\makeatother
"""


def _cell_tokens(text: str) -> list[str]:
    """Unbreakable pieces of a cell's text (what cannot be split across lines)."""
    text = re.sub(r"\[\^.*?\]", " ", text).replace("\\n", " ")
    text = URL.sub(" ", text)
    text = CJK.sub(" ", text)
    toks: list[str] = []
    for word in text.split():
        toks.extend(t for t in re.split(r"(?<=[/_])", word) if t)
    return toks


def _table(block: Block, choice: LayoutChoice, lang: str, notes: Notes, caption: str | None) -> str:
    rows = block.rows
    n = len(rows[0])
    letters = LETTERS[:n]
    rules = choice.table_rules
    grid = rules == "grid"
    fill = choice.header_fill and rules != "none"
    two_level = choice.header_levels == 2 and block.name == "progress" and n == 6
    shares = list(COLUMN_SHARES.get(block.name, [1.0 / n] * n))
    if len(shares) != n:
        shares = [1.0 / n] * n
    rng = random.Random(f"{choice.seed}:{block.name}:{lang}")
    shares = [s * rng.uniform(0.9, 1.1) for s in shares]
    total = sum(shares)
    shares = [s / total for s in shares]

    out: list[str] = [r"\par\begingroup\gbtablesetup"]
    rulecount = (n + 1) if grid else 0
    out.append(rf"\gbW=\dimexpr\linewidth-{2 * n}\tabcolsep-{rulecount}\arrayrulewidth\relax")
    for L, s in zip(letters, shares, strict=True):
        out.append(rf"\global\gbw{{{L}}}={s:.4f}\gbW\global\gbn{{{L}}}=\z@")
    # widen columns that would not hold their longest unbreakable word
    for i, L in enumerate(letters):
        body_toks = sorted({t for r in rows[1:] for t in _cell_tokens(r[i])}, key=len, reverse=True)[:4]
        head_toks = sorted(set(_cell_tokens(rows[0][i])), key=len, reverse=True)[:2]
        for t in body_toks:
            out.append(rf"\gbneed{{{L}}}{{{esc(t)}}}")
        for t in head_toks:
            out.append(rf"\gbneedh{{{L}}}{{{esc(t)}}}")
    out.append(r"\global\gbD\z@\global\gbS\z@" + "".join(rf"\gbfitA{{{L}}}" for L in letters))
    out.append(r"\ifdim\gbD>\gbS\global\gbD\gbS\fi" + "".join(rf"\gbfitB{{{L}}}" for L in letters))

    # header cells (footnote marks in a header are deferred to the first body row)
    head_ids: list[int] = []
    head = [inline_deferred(c, notes, head_ids) for c in rows[0]]
    out.append(r"\global\gbHh\z@")
    if two_level:
        group = esc(GROUP_HEADER[lang])
        for i in (0, 1, 4, 5):
            out.append(rf"\gbhm{{\gbw{{{letters[i]}}}}}{{{head[i]}}}")
        out.append(r"\global\advance\gbHh2\gbpad")
        wrule = r"\arrayrulewidth" if grid else r"\z@"
        rrule = r"\arrayrulewidth" if rules != "none" else r"\z@"
        out.append(rf"\global\gbX=\dimexpr\gbw{{C}}+\gbw{{D}}+4\tabcolsep+{wrule}\relax")
        out.append(r"\dimen@\gbHh\global\gbHh\z@")
        out.append(rf"\gbhm{{\dimexpr\gbX-2\tabcolsep\relax}}{{{group}}}\global\gbGh\dimexpr\gbHh+2\gbpad\relax")
        out.append(r"\global\gbHh\z@")
        out.append(rf"\gbhm{{\gbw{{C}}}}{{{head[2]}}}\gbhm{{\gbw{{D}}}}{{{head[3]}}}")
        out.append(r"\global\gbLh\dimexpr\gbHh+2\gbpad\relax")
        out.append(
            rf"\dimen@ii\dimexpr\gbGh+\gbLh+{rrule}\relax"
            r"\ifdim\dimen@ii>\dimen@\dimen@\dimen@ii\fi\global\gbHh\dimen@"
            rf"\global\gbLh\dimexpr\gbHh-\gbGh-{rrule}\relax"
        )
    else:
        for L, h in zip(letters, head, strict=True):
            out.append(rf"\gbhm{{\gbw{{{L}}}}}{{{h}}}")
        out.append(r"\global\advance\gbHh2\gbpad")

    # a row taller than this cannot be kept whole (page minus the repeated header)
    head_room = r"-\gbHh-2\gbpad" if choice.header_repeat else ""
    out.append(rf"\global\gbmaxrow=\dimexpr\textheight{head_room}-2\gbpad-3pt\relax")
    defs = notes.take_defs()
    if defs:
        out.append(defs)

    bar = "|" if grid else ""
    spec = bar + bar.join("l" for _ in letters) + bar
    hl = r"\hline" if rules != "none" else ""
    color = r"\rowcolor[gray]{0.85}" if fill else ""
    if two_level:
        hrule = r"\hrule height\arrayrulewidth" if rules != "none" else ""
        vrule = r"\vrule width\arrayrulewidth" if grid else ""
        # group cell over columns 3-4: group text, a rule, then the two sub-headers side by side
        groupbox = (
            r"\parbox[c][\gbHh][t]{\gbX}{\offinterlineskip"
            r"\hbox to\gbX{\hss\parbox[c][\gbGh][c]{\dimexpr\gbX-2\tabcolsep\relax}"
            rf"{{\gbheadcellsetup {group}\par}}\hss}}"
            rf"{hrule}"
            r"\hbox to\gbX{\hbox to\dimexpr\gbw{C}+2\tabcolsep\relax{\hss\parbox[c][\gbLh][c]{\gbw{C}}"
            rf"{{\gbheadcellsetup {head[2]}\par}}\hss}}"
            rf"{vrule}"
            r"\hbox to\dimexpr\gbw{D}+2\tabcolsep\relax{\hss\parbox[c][\gbLh][c]{\gbw{D}}"
            rf"{{\gbheadcellsetup {head[3]}\par}}\hss}}}}}}"
        )
        header = (
            color + rf"\gbH{{A}}{{{head[0]}}}&\gbH{{B}}{{{head[1]}}}&"
            rf"\multicolumn{{2}}{{@{{}}l@{{}}{bar}}}{{{groupbox}}}&"
            rf"\gbH{{E}}{{{head[4]}}}&\gbH{{F}}{{{head[5]}}}\\"
        )
    else:
        header = color + "&".join(rf"\gbH{{{L}}}{{{h}}}" for L, h in zip(letters, head, strict=True)) + r"\\"

    out.append(r"\def\gbsubrowbody{\gbstrut" + "&".join(rf"\gbP{{{L}}}" for L in letters) + r"\gbendsubrow}")
    out.append(
        r"\def\gbcheckmore{"
        + "".join(rf"\expandafter\ifvoid\csname gbc{L}\endcsname\else\global\gbmoretrue\fi" for L in letters)
        + "}"
    )
    out.append(r"\def\gbrowheights{" + "".join(rf"\gbrowh{{{L}}}" for L in letters) + "}")
    out.append(r"\def\gbfinish{\\" + hl + "}")

    body_rows: list[str] = []
    for ri, row in enumerate(rows[1:]):
        cells = []
        for L, text in zip(letters, row, strict=True):
            ids: list[int] = []
            paras = [inline_deferred(p, notes, ids, cell=True, how="cell") for p in text.split("\\n")]
            content = r"\gbgap ".join(paras)
            cells.append(rf"\gbC{{{L}}}{{{content}}}{{{','.join(map(str, ids))}}}")
        if ri == 0 and head_ids:
            cells.append("".join(rf"\gbemitfn{{{k}}}" for k in head_ids))
        body_rows.append(r"\gbR{" + "%\n".join(cells) + "}")
    defs = notes.take_defs()
    if defs:
        out.append(defs)

    if caption is not None:
        # the caption, the header and the first lines of the table stay on one page
        out.append(r"\gbneedspace{\dimexpr\gbHh+8\baselineskip\relax}")
        out.append(rf"{{\normalsize\gbcaption{{{inline(caption)}}}}}")
        out.append(r"\patchcmd{\LT@start}{\penalty\z@}{\penalty\@M}{}{}")
    out.append(rf"\begin{{longtable}}{{{spec}}}")
    out.append(f"{hl}\n{header}\n{hl}\n\\endfirsthead")
    if choice.header_repeat:
        again = header.replace(r"\gbdefermark{", r"\gbrepeatmark{")
        out.append(f"{hl}\n{again}\n{hl}\n\\endhead")
    else:
        out.append(f"{hl}\n\\endhead")
    out.append("\n".join(body_rows))
    out.append(r"\end{longtable}")
    if len(rows) == 1 and head_ids:  # a header without body rows: its notes follow the table
        out.append("".join(rf"\gbemitfn{{{k}}}" for k in head_ids))
    out.append(r"\endgroup")
    return "\n".join(out)


def _landscape(choice: LayoutChoice) -> str:
    w, h = choice.page_size_mm(landscape=True)
    top, right, bottom, left = choice.margin_mm
    return "\n".join(
        [
            r"\clearpage",
            rf"\global\pdfpagewidth={_mm(w)}\global\pdfpageheight={_mm(h)}",
            rf"\global\paperwidth={_mm(w)}\global\paperheight={_mm(h)}",
            rf"\global\textwidth=\dimexpr{_mm(w)}-{_mm(left)}-{_mm(right)}\relax",
            rf"\global\textheight=\dimexpr{_mm(h)}-{_mm(top)}-{_mm(bottom)}\relax",
            r"\global\@colht\textheight\global\@colroom\textheight\global\vsize\textheight",
            r"\global\columnwidth\textwidth\global\hsize\textwidth\global\linewidth\textwidth",
            r"\global\headwidth\textwidth",
        ]
    )


def _header_block(meta: dict[str, str], choice: LayoutChoice) -> str:
    left, right, n_body = header_block(meta)
    bf = r"\bfseries" if choice.bold else ""
    lines = [r"\thispagestyle{gbfirst}", r"{\gbheadfamily\gbalign"]
    for i, text in enumerate(left):
        lt = inline(text)
        if i < n_body:
            lt = "{" + (bf + " " if bf else "") + lt + "}"
        tail = (r"\hfill " + inline(right[i])) if i < len(right) else ""
        lines.append(rf"\noindent {lt}{tail}\par")
    for j in range(len(left), len(right)):
        lines.append(rf"\noindent\hfill {inline(right[j])}\par")
    lines.append("}")
    lines.append(r"\vspace{14pt}")
    lines.append(rf"{{\centering\gbheadfamily{bf}\gbtitlesize {inline(meta['title'])}\par}}")
    lines.append(r"\vspace{6pt}")
    lines.append(rf"{{\centering\itshape {inline(meta['report_by'])}\par}}")
    lines.append(r"\vspace{2pt}{\centering\rule{0.4\textwidth}{0.5pt}\par}\vspace{10pt}")
    return "\n".join(lines)


def build_tex(src: Source, choice: LayoutChoice, notes_out: list[str]) -> str:
    lang = src.meta["language"]
    _ZH.set(lang == "zh")
    notes = Notes()
    body: list[str] = [_header_block(src.meta, choice)]
    annex = annex_break(src.blocks) if choice.landscape_annex else None
    for i, b in enumerate(src.blocks):
        k = b.kind
        if k == "heading":
            body.append(rf"\gbheading{{{inline(b.text)}}}")
        elif k == "centered":
            body.append(rf"\gbcentered{{{inline(b.text)}}}")
        elif k in ("numbered", "subitem"):
            label, _, rest = b.text.partition(" ")
            cmd = r"\gbnum" if k == "numbered" else r"\gbitem"
            body.append(rf"{cmd}{{{esc(label)}}}{{{inline(rest)}}}")
        elif k == "bullet":
            body.append(rf"\gbitem{{•}}{{{inline(b.text)}}}")
        elif k == "plain":
            body.append(rf"\gbplain{{{inline(b.text)}}}")
        elif k == "caption":
            if i + 1 < len(src.blocks) and src.blocks[i + 1].kind == "table":
                continue  # set by the table, which keeps it on the page of its first rows
            body.append(rf"\gbcaption{{{inline(b.text)}}}")
        elif k == "figure":
            ids: list[int] = []
            t = inline_deferred(b.text, notes, ids)
            defs = notes.take_defs()
            body.append(
                (defs + "\n" if defs else "") + rf"\gbfigure{{{t}}}" + "".join(rf"\gbemitfn{{{x}}}" for x in ids)
            )
        elif k == "note":
            body.append(rf"\gbnote{{{inline(b.text)}}}")
        elif k == "end":
            body.append(rf"\gbend{{{inline(b.text)}}}")
        elif k == "pagebreak":
            body.append(_landscape(choice) if i == annex else r"\clearpage")
        elif k == "table":
            caption = src.blocks[i - 1].text if i > 0 and src.blocks[i - 1].kind == "caption" else None
            body.append(_table(b, choice, lang, notes, caption))
        else:
            raise ValueError(f"unknown block kind {k!r}")
    return (
        _preamble(src, choice)
        + "\\begin{document}\n\\makeatletter\\pagestyle{gbmain}\\normalsize\\gbalign\\gbhyph\n"
        + "\n\n".join(body)
        + "\n\\end{document}\n"
    )


# ---------------------------------------------------------------- running TeX

RERUN = re.compile(
    r"Rerun to get|Label\(s\) may have changed|Table widths have changed|"
    r"There were undefined references"
)


def render(source: Source, choice: LayoutChoice, out_pdf: Path, workdir: Path) -> list[str]:
    notes: list[str] = []
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    tex = build_tex(source, choice, notes)
    (workdir / "doc.tex").write_text(tex, encoding="utf-8")
    for f in ("doc.aux", "doc.xdv", "doc.pdf"):
        (workdir / f).unlink(missing_ok=True)
    log = ""
    for attempt in range(4):
        proc = subprocess.run(
            ["xelatex", "-no-pdf", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=workdir,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=300,
        )
        log = (workdir / "doc.log").read_text(encoding="utf-8", errors="replace")
        if proc.returncode != 0:
            tail = "\n".join(log.splitlines()[-30:])
            raise RuntimeError(f"xelatex failed (see {workdir / 'doc.log'}):\n{tail}")
        if attempt >= 1 and not RERUN.search(log):
            break
    subprocess.run(
        ["xdvipdfmx", "-q", "-o", "doc.pdf", "doc.xdv"], cwd=workdir, check=True, capture_output=True, timeout=300
    )
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(workdir / "doc.pdf", out_pdf)

    for m, n in collections.Counter(re.findall(r"^GBNOTE: (.*)$", log, flags=re.M)).items():
        notes.append(m if n == 1 else f"{m} ({n} rows)")
    missing = sorted(set(re.findall(r"Missing character: There is no (.+? \(U\+[0-9A-F]+\)) in font ([^/:!\n]+)", log)))
    for char, font in missing:
        notes.append(f"missing glyph: {char} in {font.strip()} (not printed)")
    if choice.rows_split is False:
        pass  # honoured: line rows of one table row are tied together with \\*
    if choice.language == "en" and choice.ligatures:
        pass  # fontspec Ligatures=Common: the font's liga feature (fi, fl, ff where it has them)
    return notes
