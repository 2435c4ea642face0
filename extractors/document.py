"""The document model: what each line of a governing-body PDF is.

From the page model (``layout``) this decides, using only relations inside the document
(the most common font size, what repeats at the top of every page, a short rule above
small print), never a sample's coordinates or fonts:

- the page-1 header block, title and "report by" line;
- running headers/footers and page numbers (dropped);
- footnotes at the page bottom, with their labels;
- the body: headings, numbered paragraphs and lettered sub-items, bullets, unnumbered
  follow-on paragraphs, captions and small print (table notes), and where an annex begins.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from gbdocs.extractors.dates import find_dates
from gbdocs.extractors.layout import Page, TextLine
from gbdocs.extractors.numerals import session_number
from gbdocs.extractors.references import find_references, find_symbol
from gbdocs.extractors.script import (
    PAGE_NUMBER,
    Vocabulary,
    cjk_share,
    is_page_number,
    join_lines,
    spaced_cjk_latin_ratio,
    strip_bullet,
    symbol_tokens,
)
from gbdocs.schemas.bodies import BODIES, body_key, fold, is_organ
from gbdocs.schemas.header_fields import (
    AGENDA,
    COMMITTEE,
    DISTRIBUTION,
    JOB_NUMBER,
    ORIGINAL,
    PURPOSE,
    SESSION,
    SESSION_DATES,
)

NUMBERED = re.compile(r"^(\d{1,3})[.．]\s+(?=\S)")
# Paragraphs numbered within a section (4.1, 4.2 in a budget fascicle): body text too.
SECTION_NUMBERED = re.compile(r"^\d{1,3}\.\d{1,3}\s+(?=[A-Z])")
SUBITEM = re.compile(r"^\(([a-z])\)\s+(?=\S)")
CAPTION = re.compile(r"^(表|图|Table|Figure|TABLE|FIGURE)\s*\d*\s*[.．:：]")
ANNEX = re.compile(r"^(附件|ANNEX|Annex)(\s*\d+)?$")
END_MARK = re.compile(r"^=[=\s]*=$")
# A note's label: "1 Text", "1. Text", "1) Text", "[1] Text" (a superscript label is a marker).
FOOTNOTE_LABEL = re.compile(r"^(?:\[(\d{1,3})\]\s*|(\d{1,3}|\*{1,3})(?:[.)]\s*|\s+))(?=[^\d\s])")
LABEL_ONLY = re.compile(r"^(?:\[(\d{1,3})\]|(\d{1,3})[.)]?)$")
GLUED_LABEL = re.compile(r"^(\d{1,3})(?=[^\d\s.,])")

SMALL_PRINT = 0.93  # lines smaller than this share of the body size are small print (9 pt under 10 pt)
BAND_LINES = 3  # how many lines at the top and bottom of a page may be running heads/feet


@dataclass(frozen=True)
class Footnote:
    label: str
    page: int
    text: str


@dataclass
class Block:
    """A run of body lines of one kind: one paragraph, sub-item, bullet, heading, ..."""

    kind: str  # heading | numbered | subitem | bullet | text | caption | small | annex | end
    lines: list[TextLine] = field(default_factory=list)
    label: str = ""  # paragraph number or sub-item letter

    @property
    def page(self) -> int:
        return self.lines[0].page


@dataclass
class DocumentModel:
    pages: list[Page]
    language: str
    body_size: float
    header: list[TextLine]  # page-1 header block (body, session, agenda item, symbol, date)
    title: list[TextLine]
    report_by: TextLine | None
    blocks: list[Block]  # body in reading order
    footnotes: list[Footnote]
    running: list[TextLine]  # running headers, footers, page numbers (removed)
    symbol: str | None
    known_words: frozenset[str]
    cjk_latin_spaced: bool = False  # the document's own habit: 2024 年 (True) or 2024年
    # Results several extractors build on (the numbered paragraphs), computed once.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def join(self, lines: list[TextLine]) -> str:
        return self.join_texts([ln.text for ln in lines])

    def join_texts(self, texts: list[str]) -> str:
        return join_lines(texts, self.language, self.known_words)[0]


def _body_size(pages: list[Page]) -> float:
    """The font size of body text: that of the numbered paragraphs (an unruled annex table
    in small type can outweigh the body), else the size most characters have."""
    numbered: Counter[float] = Counter()
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            weights[round(line.size, 1)] += len(line.text)
            if NUMBERED.match(line.text) or SECTION_NUMBERED.match(line.text):
                numbered[round(line.size, 1)] += 1
    # Footnotes labelled "1." look numbered too: of the sizes that carry numbered lines, the
    # body's is the one most text is set in.
    candidates = [size for size, n in numbered.items() if n >= 2]
    if candidates:
        return max(candidates, key=lambda size: weights[size])
    return weights.most_common(1)[0][0] if weights else 10.0


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _running_lines(pages: list[Page], symbol: str | None) -> set[int]:
    """ids of lines that are running heads/feet: the symbol, a page number, a print shop's job
    number or barcode (24-22529 (E) 231224, *2422529*), or a line that recurs in the top or
    bottom band of most pages."""
    bands: dict[int, list[TextLine]] = {}
    for page in pages:
        lines = list(page.lines)
        bands[page.number] = lines[:BAND_LINES] + lines[-BAND_LINES:]
    # on how many pages a text recurs (two like notes on one page are not a running head)
    counts = Counter(text for band in bands.values() for text in {_norm(ln.text) for ln in band})
    many = max(2, (len(pages) + 1) // 2)
    running: set[int] = set()
    symbol_norm = _norm(symbol) if symbol else None
    for page in pages:
        for ln in bands[page.number]:
            text = ln.text.strip()
            number = PAGE_NUMBER.match(text)
            if page.number == 1 and not number and ln.top < page.height / 2:
                continue  # page 1 carries the header block, not a running head
            if (
                (number and int(number.group(1)) == page.number)
                or (symbol_norm and _norm(text) == symbol_norm)
                or JOB_NUMBER.match(text)
                or (len(pages) > 2 and counts[_norm(text)] >= many and len(text) < 80 and not number)
            ):
                running.add(id(ln))
    return running


def _table_rule(rule: tuple[float, float, float, float], page: Page) -> bool:
    """A stroke that is part of a table's ruling or a box's frame (not a footnote separator)."""
    for x0, top, x1, bottom in [t.bbox for t in page.tables] + list(page.boxes):
        if top - 2 <= rule[1] <= bottom + 2 and rule[0] < x1 and rule[2] > x0:
            return True
    return False


def _footnote_zone(page: Page, lines: list[TextLine], body_size: float,
                   markers: frozenset[str] = frozenset()) -> list[TextLine]:
    """The footnote lines at the bottom of a page: below a separator rule (short or across the
    page) if there is one, else the trailing run of small-print lines that starts with a note label."""
    # The separator is the highest rule with only small print below it (a figure's frame or a
    # table's bottom rule is a rule too, but belongs to its box).
    candidates = [r for r in page.rules if r[1] > page.height * 0.35 and not _table_rule(r, page)]
    for rule in sorted(candidates, key=lambda r: r[1]):
        below = [ln for ln in lines if ln.top > rule[1]]
        if below and all(ln.size < body_size * SMALL_PRINT for ln in below):
            return below
    zone: list[TextLine] = []
    for ln in reversed(lines):
        if ln.size >= body_size * SMALL_PRINT or ln.top < page.height * 0.5:
            break
        zone.insert(0, ln)
    # Without a separator, small print counts as footnotes only from a note label on; a label
    # of asterisks only where a superscript marker in the text points to it (96* in a table
    # has its note under the table, not at the foot of the page).
    def starts_note(ln: TextLine) -> bool:
        m = FOOTNOTE_LABEL.match(ln.text)
        if m and _label_of(m).startswith("*"):
            return _label_of(m) in markers
        return bool(m or GLUED_LABEL.match(ln.text) or LABEL_ONLY.match(ln.text)
                    or (ln.markers and ln.markers[0].offset == 0))

    while zone and not starts_note(zone[0]):
        zone.pop(0)
    return zone


def _label_of(m: re.Match[str]) -> str:
    return next(g for g in m.groups() if g)


def _parse_footnotes(zone: list[TextLine], language: str, known: frozenset[str],
                     markers: set[str], continues: str | None) -> list[Footnote]:
    """Notes of one footnote zone. A note starts at the zone's left edge with its label: a
    superscript, "1 ", "1.", "[1]", or a label in a column of its own (a tab after it); a
    label glued to the text (10可由) counts only if a marker in the body points to it. A
    numeric label must follow the one before (or restart at 1): a continuation line that
    happens to begin with a number (15 April 2024) is not a new note."""
    if not zone:
        return []
    # labels stand at the notes' left edge; a continuation line may start further left (a hanging
    # label, or a full-width bracket whose box begins before its ink)
    labelled = [ln for ln in zone if FOOTNOTE_LABEL.match(ln.text) or GLUED_LABEL.match(ln.text)
                or LABEL_ONLY.match(ln.text) or (ln.markers and ln.markers[0].offset == 0)]
    left = min(ln.x0 for ln in (labelled or zone))
    # Lines before the first label continue the previous page's last note.
    notes: list[tuple[str, int, list[str]]] = [(continues or "", zone[0].page, [])]
    last_label: int | None = None

    def follows(label: str) -> bool:
        if not label.isdigit() or last_label is None:
            return True
        return int(label) in (last_label + 1, 1)

    skip: set[int] = set()
    for i, ln in enumerate(zone):
        if i in skip:
            continue
        text = ln.text
        label: str | None = None
        only = LABEL_ONLY.match(text)
        if only and ln.x0 <= left + 2:
            # the label in its own column: the note's text is the next piece on the same row
            nxt = next((j for j in range(i + 1, len(zone)) if abs(zone[j].top - ln.top) < 0.6 * ln.size), None)
            if nxt is not None and follows(_label_of(only)):
                label, text = _label_of(only), zone[nxt].text
                skip.add(nxt)
        if label is None and ln.markers and ln.markers[0].offset == 0:  # a superscript label (Word)
            label = ln.markers[0].label.strip("[]")
            text = re.sub(r"^[.)]\s*", "", text)  # 1. or 1) with a raised number
        if label is None:
            m = FOOTNOTE_LABEL.match(text) or GLUED_LABEL.match(text)
            if m and m.re is GLUED_LABEL and m.group(1) not in markers:
                m = None
            if m and ln.x0 <= left + 2 and follows(_label_of(m)):
                label, text = _label_of(m), text[m.end():]
        if label is not None:
            notes.append((label, ln.page, [text]))
            if label.isdigit():
                last_label = int(label)
        elif notes:
            notes[-1][2].append(text)
    return [Footnote(label, page, join_lines(parts, language, known)[0]) for label, page, parts in notes
            if parts and label]


def column_blocks(lines: list[TextLine]) -> list[list[TextLine]]:
    """Runs of lines set flush one under another (a masthead's body name over several lines)."""
    blocks: list[list[TextLine]] = []
    for ln in sorted(lines, key=lambda ln: ln.top):
        for block in blocks:
            last = block[-1]
            if abs(last.x0 - ln.x0) < 3 and 0 < ln.top - last.top < 2.2 * max(last.size, ln.size):
                block.append(ln)
                break
        else:
            blocks.append([ln])
    return blocks


def _is_date_line(text: str) -> bool:
    found = find_dates(text)
    return bool(found) and sum(f.end - f.start for f in found) >= len(text.strip(" ,.*")) - 2


def _names_body(text: str) -> bool:
    """A line that is a body's name, or its session ("SEVENTY-SEVENTH WORLD HEALTH ASSEMBLY");
    a title that mentions a body ("... adopted by the Executive Board") is not."""
    folded = fold(text)
    if any(folded == fold(name) for body in BODIES for name in body.names):
        return True
    return body_key(text) is not None and session_number(text) is not None and len(text) < 80


def _header_fields(lines: list[TextLine]) -> set[int]:
    """ids of the lines that say what a header block says: a symbol, the organ, the body, the
    distribution, the date, the original language, the session, its dates, the agenda item."""
    fields: set[int] = set()
    for block in column_blocks(lines):
        joined = " ".join(ln.text.strip() for ln in block)
        for i in range(len(block)):  # an organ's name set over several lines (CONSEIL / ECONOMIQUE / ET SOCIAL)
            for j in range(i + 2, min(i + 5, len(block)) + 1):
                if is_organ(" ".join(ln.text.strip() for ln in block[i:j])):
                    fields |= {id(ln) for ln in block[i:j]}
        if body_key(joined):
            names = [fold(n) for b in BODIES for n in b.names if fold(n) in fold(joined)]
            fields |= {id(ln) for ln in block if any(fold(ln.text) in n for n in names)}
    for ln in lines:
        text = ln.text.strip().rstrip("*").strip()
        symbol = find_symbol(text)
        if (
            (symbol and len(text) <= len(symbol) + 2)
            or is_organ(text) or _names_body(text)
            or DISTRIBUTION.match(text) or ORIGINAL.match(text) or PURPOSE.match(text)
            or _sessional(text)
            or _is_date_line(text)
        ):
            fields.add(id(ln))
    return fields


def _sessional(text: str) -> bool:
    text = text.strip().rstrip("*").strip()
    return bool(SESSION.match(text) or AGENDA.match(text) or SESSION_DATES.match(text) or COMMITTEE.match(text))


# "Report by the Director-General", 总干事的报告: who reports, printed under a title.
REPORT_BY_LINE = re.compile(r"^(?:Report|Note) (?:by|of) the |的报告$|的说明$")
HEADING_NUMBER = re.compile(r"^(?:[IVX]+|[A-Z]|\d{1,3})[.．]\s")


def _report_by(page1: list[TextLine], at: int) -> tuple[TextLine | None, int]:
    """The line under the title that says who reports ("Report by the Director-General"), and
    where the body starts."""
    if at < len(page1) and REPORT_BY_LINE.search(page1[at].text.strip()) and len(page1[at].text) < 80:
        return page1[at], at + 1
    return None, at


def _plain_header(
    page1: list[TextLine], fields: set[int], opening: int
) -> tuple[list[TextLine], list[TextLine], TextLine | None, int]:
    """Header and title of a page 1 that sets its title in body type: a resolution headed by
    its own symbol ("WHA66.10 Follow-up to ..."), or a typescript whose title is the first
    line after the session and agenda lines. Nothing is found on a page that shows neither."""
    head = page1[0]
    own = next((r for r in find_references(head.text) if r.start == 0), None)
    if own is not None and head.text[own.end:].strip():
        last = 0
        while last + 1 < len(page1) and page1[last + 1].bold == head.bold and head.bold \
                and page1[last + 1].top - page1[last].top < 2.2 * page1[last].size:
            last += 1
        title = [replace(head, text=head.text[own.end:].strip()), *page1[1 : last + 1]]
        return [replace(head, text=own.ref_text)], title, None, last + 1
    first = next((i for i in range(opening, len(page1)) if id(page1[i]) not in fields), None) if opening else None
    if first is None or NUMBERED.match(page1[first].text):
        return [], [], None, 0
    last = first
    while last + 1 < len(page1) and not NUMBERED.match(page1[last + 1].text) \
            and page1[last + 1].bold == page1[first].bold and not REPORT_BY_LINE.search(page1[last + 1].text) \
            and page1[last + 1].top - page1[last].top < 2.5 * page1[last].size:
        last += 1
    report_by, after = _report_by(page1, last + 1)
    return page1[:first], page1[first : last + 1], report_by, after


def _header(
    page1: list[TextLine], body_size: float, height: float
) -> tuple[list[TextLine], list[TextLine], TextLine | None, int]:
    """Split page 1's opening into header block, title and report-by line.

    The title starts at the first line in type larger than the body and the header that is
    not a header field (WHO prints body, session and symbol above the title in body type;
    the United Nations a masthead in larger type, recognised by what it says). It runs on
    through the title block: lines in title type (bold if the title is) that follow closely,
    subtitles included, up to a numbered heading. The header block is everything above it;
    the report-by line is the next line, if short.
    Returns the index of the first body line too.
    """
    if not page1:
        return [], [], None, 0
    upper = [ln for ln in page1 if ln.top < height * 0.5] or page1
    in_upper = {id(ln) for ln in upper}
    fields = _header_fields(upper)
    larger = body_size * 1.05
    # The title follows the session and agenda lines where the header prints them: what
    # stands above them is masthead, whatever its type. Only the opening counts: the scan
    # stops at the first numbered paragraph or line of running text. Those lines are set in
    # header type, near the body's (a title may name a session's dates in title type).
    opening, header_type = 0, None
    measure = max(ln.x1 for ln in page1) - min(ln.x0 for ln in page1)  # the width running text fills
    for i, ln in enumerate(page1):
        if id(ln) not in in_upper or NUMBERED.match(ln.text):
            break
        if (abs(ln.size - header_type) <= 0.6 if header_type else ln.size <= body_size * 1.25) \
                and _sessional(ln.text):
            opening, header_type = i + 1, header_type or ln.size
        elif ln.size <= larger and not ln.bold and id(ln) not in fields and ln.x1 - ln.x0 > 0.75 * measure:
            break
    # Title type is larger than both body and header type (a bold agenda subject line in
    # header type is not the title).
    title_type = max(body_size, header_type or body_size) * 1.05
    first = next((i for i, ln in enumerate(page1) if i >= opening and id(ln) in in_upper and id(ln) not in fields
                  and ln.size > title_type and not HEADING_NUMBER.match(ln.text)), None)
    if first is None:
        return _plain_header(page1, fields, opening)
    last = first
    while last + 1 < len(page1):
        prev, ln = page1[last], page1[last + 1]
        if (ln.top - prev.top >= 2.2 * prev.size or HEADING_NUMBER.match(ln.text) or NUMBERED.match(ln.text)
                or ln.size <= title_type or (page1[first].bold and not ln.bold)):
            break
        last += 1
    header, title = page1[:first], page1[first : last + 1]
    after = last + 1
    report_by, after = _report_by(page1, after)
    return header, title, report_by, after


def _classify(line: TextLine, body_size: float) -> str:
    text = line.text.strip()
    if END_MARK.match(text):
        return "end"
    if ANNEX.match(text):
        return "annex"
    if CAPTION.match(text):
        return "caption"
    if line.size < body_size * SMALL_PRINT:
        return "small"
    if NUMBERED.match(text):
        return "numbered"
    if SUBITEM.match(text):
        return "subitem"
    if strip_bullet(text)[0]:
        return "bullet"
    if line.bold and len(text) < 150:
        return "heading"
    if line.size >= body_size * 1.06 and len(text) < 100 and not text.endswith(TERMINAL):
        return "heading"  # set larger than the body: a heading in a font without a bold face
    return "text"


def _pitch(lines: list[TextLine], body_size: float) -> float:
    """Typical distance between two lines of body text (small print has its own, tighter)."""
    body = [ln for ln in lines if abs(ln.size - body_size) < 0.5]
    steps = [
        b.top - a.top
        for a, b in itertools.pairwise(body)
        if a.page == b.page and 0 < b.top - a.top < 2.2 * body_size
    ]
    steps.sort()
    return steps[len(steps) // 2] if steps else body_size * 1.4


TERMINAL = tuple("。．.；;：:，,、）)")


def _kinds(lines: list[TextLine], body_size: float, pitch: float) -> list[str]:
    """Kinds of all lines; a plain line that stands alone like a heading becomes one.

    Bold is not always in the font name (a font without a bold face is emboldened by
    drawing), so a heading is also recognised by its place: a short line, set apart by
    paragraph spacing, not ending a sentence, followed by the start of a paragraph.
    """
    kinds = [_classify(ln, body_size) for ln in lines]
    right = {}
    for ln in lines:
        right[ln.page] = max(right.get(ln.page, 0.0), ln.x1)

    def apart(a: TextLine, b: TextLine) -> bool:
        return a.page != b.page or b.top - a.top > pitch * 1.35

    for i, ln in enumerate(lines):
        if kinds[i] != "text" or i + 1 >= len(lines):
            continue
        text = ln.text.strip()
        if (
            len(text) < 80
            and not text.endswith(TERMINAL)
            and ln.x1 < right[ln.page] - 3 * body_size
            and (i == 0 or apart(lines[i - 1], ln))
            and apart(ln, lines[i + 1])
            and kinds[i + 1] in {"numbered", "subitem", "heading"}
        ):
            kinds[i] = "heading"
    return kinds


def _blocks(lines: list[TextLine], body_size: float) -> list[Block]:
    pitch = _pitch(lines, body_size)
    kinds = _kinds(lines, body_size, pitch)
    blocks: list[Block] = []
    last_number = 0
    next_letter = "a"
    in_annex = False
    for i, line in enumerate(lines):
        kind = "annex" if in_annex else kinds[i]
        prev = lines[i - 1] if i else None
        current = blocks[-1] if blocks else None
        if kind == "annex":
            in_annex = True
        if kind == "numbered":
            n = int(NUMBERED.match(line.text).group(1))
            if n == last_number + 1:
                last_number, next_letter = n, "a"
                blocks.append(Block("numbered", [line], str(n)))
                continue
            kind = "text"
        if kind == "subitem":
            letter = SUBITEM.match(line.text).group(1)
            if last_number and letter == next_letter:
                next_letter = chr(ord(letter) + 1)
                blocks.append(Block("subitem", [line], letter))
                continue
            kind = "text"
        if kind == "heading" and current and current.kind == "heading" and prev and prev.page == line.page:
            # a heading wrapped over two lines: its lines stand closer than it stands to what follows
            gap = line.top - prev.top
            nxt = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].page == line.page else None
            if gap < pitch * 1.35 or (gap < pitch * 2.2 and nxt is not None and gap < nxt.top - line.top - 0.5
                                      and abs(line.size - prev.size) < 0.3):
                current.lines.append(line)
                continue
        if kind == "text" and current and current.kind in {"numbered", "subitem", "bullet", "text"} and prev:
            same_page = prev.page == line.page
            gap = same_page and line.top - prev.top > pitch * 1.35
            outdented = current.kind in {"subitem", "bullet"} and line.x0 < current.lines[0].x0 - 0.5 * body_size
            if not gap and not outdented:
                current.lines.append(line)
                continue
        if kind in {"small", "caption", "annex"} and current and current.kind == kind and prev \
                and prev.page == line.page and line.top - prev.top < pitch * 1.35:
            current.lines.append(line)
            continue
        blocks.append(Block(kind, [line]))
    return blocks


def _hyphenates(pages: list[Page], words: set[str]) -> bool:
    """Does the document break words into syllables at line ends? It does when several
    line-end hyphens join halves into a word it prints whole elsewhere."""
    soft = 0
    for page in pages:
        for a, b in itertools.pairwise(page.lines):
            head, tail = re.search(r"([A-Za-z]+)[-\u2010]$", a.text), re.match(r"[a-z]+", b.text)
            if head and tail and (head.group(1) + tail.group(0)).lower() in words:
                soft += 1
    return soft >= 2


def analyse(pages: list[Page]) -> DocumentModel:
    """The document model of a PDF's pages."""
    body_size = _body_size(pages)
    all_text = "\n".join(ln.text for p in pages for ln in p.lines)
    language = "zh" if cjk_share(all_text) > 0.2 else "en"
    # the halves of a word broken at a line end (activi- | ties) are no words of the document
    whole = re.sub(r"[A-Za-z]+[-\u2010]\n[a-z]+", " ", all_text)
    words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", whole)}
    words |= {w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)+", whole)}
    known = Vocabulary(words | symbol_tokens(all_text), _hyphenates(pages, words),
                       spaced_thousands=bool(re.search(r"(?<![\d.,])\d{1,3} \d{3}(?![\d])", all_text + "\n".join(
                           ln.text for p in pages for t in p.tables for c in t.cells for ln in c.lines))))
    # page 1's own page number (above the header block or at its foot) is not header text
    page1 = [ln for i, ln in enumerate(pages[0].lines)
             if not (is_page_number(ln.text, 1) and (i < BAND_LINES or i >= len(pages[0].lines) - BAND_LINES))] \
        if pages else []
    header, title, report_by, body_start = _header(page1, body_size, pages[0].height if pages else 0)
    symbol = find_symbol(" ".join(ln.text for ln in header)) if header else None
    running_ids = _running_lines(pages, symbol)
    running: list[TextLine] = []
    footnotes: list[Footnote] = []
    cell_lines = [ln for p in pages for t in p.tables for c in t.cells for ln in c.lines]
    markers = {m.label for ln in [*(ln for p in pages for ln in p.lines), *cell_lines] for m in ln.markers}
    body: list[TextLine] = []
    for page in pages:
        lines = [ln for ln in page.lines if id(ln) not in running_ids]
        running += [ln for ln in page.lines if id(ln) in running_ids]
        if page.number == 1:
            opening = {id(ln) for ln in page1[:body_start]}
            lines = [ln for ln in lines if id(ln) not in opening]
        zone = _footnote_zone(page, lines, body_size, frozenset(markers))
        zone_ids = {id(ln) for ln in zone}
        footnotes += _parse_footnotes(zone, language, known, markers,
                                      footnotes[-1].label if footnotes else None)
        body += [ln for ln in lines if id(ln) not in zone_ids]
    return DocumentModel(
        pages=pages, language=language, body_size=body_size, header=header, title=title,
        report_by=report_by, blocks=_blocks(body, body_size), footnotes=footnotes,
        running=running, symbol=symbol, known_words=known,
        cjk_latin_spaced=(spaced_cjk_latin_ratio(all_text) or 0.0) >= 0.5,
    )
