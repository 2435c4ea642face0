"""Expected outputs of a generated document: the source's hand-checked content, paged by poppler.

What a generated document says is exactly what its source says, so every field of the
hand-written ``samples/expected/<source>/`` holds for every rendering except those that
depend on where the producer broke the pages: each ``page`` column, ``page_start`` /
``page_end`` of actions, ``pages`` / ``source_file`` / ``sha256`` of documents, and which
citations fall on the same page (references are one row per printed form, page and place).

Pages are read off poppler's ``pdftotext`` (independent of gbdocs and of pdfplumber): each
item is looked up by a window of its own text and its neighbours, in document order, never
before the page of the item before it. An item that cannot be located stops the build
(:class:`LocateError`): a rendering whose text cannot be found is a broken rendering, and its
expected output is not guessed.
"""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gen.source import FOOTNOTE, Source

EXPECTED = Path(__file__).resolve().parent.parent / "expected"
TABLES = ("documents", "paragraphs", "actions", "progress", "figures", "references")


class LocateError(RuntimeError):
    """Some expected text is not on any page where it should be."""


# ---------------------------------------------------------------- the pages as poppler reads them

_DROP = re.compile(r"[\s\-‐‑­]+")  # whitespace and hyphens (line-end hyphenation, wrapped URLs)


def norm(text: str, digits: bool = True) -> str:
    text = unicodedata.normalize("NFKC", text)  # ligatures ﬁ -> fi, full-width forms as poppler maps them
    text = _DROP.sub("", text)
    return text if digits else re.sub(r"\d", "", text)


@dataclass
class Pages:
    texts: list[str]  # normalised text of each page, 0-based
    layout: list[str]  # poppler's layout-mode text of each page (lines in reading order, top to bottom)

    @classmethod
    def of(cls, pdf: Path) -> Pages:
        def run(*flags: str) -> list[str]:
            out = subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                 check=True)
            return out.stdout.decode("utf-8").split("\f")

        raw, layout = run(), run("-layout")
        count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
        return cls([norm(t) for t in raw[:count]], layout[:count])

    @property
    def count(self) -> int:
        return len(self.texts)

    def position(self, needle: str, cursor: tuple[int, int]) -> tuple[int, int] | None:
        """(page, offset) of the first ``needle`` (normalised) at or after ``cursor``; a needle
        wrapped in a narrow table cell (SIP2023_ | A11) may have other cells' text inside it."""
        page, offset = cursor
        for p in range(page, self.count + 1):
            at = self.texts[p - 1].find(needle, offset if p == page else 0)
            if at >= 0:
                return p, at
        # broken once by the cell's width, the other cells' text of that line in between
        patterns = [re.compile(re.escape(needle[:k]) + ".{0,400}?" + re.escape(needle[k:]), re.S)
                    for k in range(len(needle) - 1, 2, -1)]
        for p in range(page, self.count + 1):
            found = [m.start() for pat in patterns if (m := pat.search(self.texts[p - 1], offset if p == page else 0))]
            if found:
                return p, min(found)
        return None

    def find_scattered(self, text: str, start: int, stop: int) -> int | None:
        """First page holding ``text`` with other text between its pieces (a wrapped table cell)."""
        needle = norm(text)
        pattern = re.compile(".{0,40}?".join(re.escape(c) for c in needle), re.S)
        for p in range(start, stop + 1):
            if pattern.search(self.texts[p - 1]):
                return p
        return None

    def find(self, windows: Iterable[str | list[str]], start: int = 1, stop: int | None = None,
             markers: bool = True) -> int | None:
        """First page (1-based) from ``start`` holding a window of the strongest tier that occurs
        (with ``markers``, also with digits taken out of text and window: footnote markers).

        ``windows`` lists tiers, strongest first; a tier is a string or a list of strings. Within
        a tier the earliest page wins; a weaker tier is tried only when no stronger one occurs.
        """
        last = min(stop or self.count, self.count)
        for tier in windows:
            needles = [norm(w) for w in ([tier] if isinstance(tier, str) else tier) if w]
            needles = [n for n in needles if len(n) >= 2]
            if not needles:
                continue
            bare = [_bare(n) for n in needles]  # footnote markers are digits glued into text
            for p in range(start, last + 1):
                hay = self.texts[p - 1]
                if any(n in hay for n in needles):
                    return p
                hay = _bare(hay)
                if markers and any(len(b) >= 4 and b in hay for b in bare):
                    return p
        return None


def _bare(text: str) -> str:
    """Normalised text without footnote markers: digits, and the brackets of [1]."""
    return re.sub(r"[\d\[\]]", "", text)


def _windows(text: str, at: int, length: int, context: int = 12) -> list[list[str]]:
    """Tiers of windows around ``text[at:at+length]``, widest first (a page break cuts some of them)."""
    before, item, after = text[max(0, at - context):at], text[at:at + length], text[at + length:at + length + context]
    return [[before + item + after], [item + after, before + item], [item]]


# ---------------------------------------------------------------- expected CSVs


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def derive(source: Source, stem: str, pdf: Path, out_dir: Path) -> None:
    """Write the six expected CSVs of ``pdf`` (a rendering of ``samples/src/<stem>.txt``) to ``out_dir``."""
    base = EXPECTED / stem
    pages = Pages.of(pdf)
    tables = {name: read_csv(base / f"{name}.csv") for name in TABLES}
    para_pages = _paragraph_pages(source, tables["paragraphs"][1], pages)
    annex_start = _annex_page(source, pages)

    _, docs = tables["documents"]
    for row in docs:
        row.update(pages=str(pages.count), source_file=pdf.name, sha256=hashlib.sha256(pdf.read_bytes()).hexdigest())
    rows = _actions(source, tables["actions"][1], pages, annex_start, para_pages)
    rows |= _progress(source, tables["progress"][1], pages)
    _figures(tables["figures"][1], pages, para_pages)
    tables["references"] = (tables["references"][0], _references(source, tables["references"][1], pages, rows))
    for name, (columns, rows) in tables.items():
        write_csv(out_dir / f"{name}.csv", columns, rows)


def _numbered_blocks(source: Source) -> list[tuple[str, str]]:
    """(number as the expected tables write it, text) of every numbered paragraph and sub-item."""
    out: list[tuple[str, str]] = []
    current = ""
    for b in source.blocks:
        if b.kind == "numbered":
            label, _, text = b.text.partition(" ")
            current = label.rstrip(".")
            out.append((current, label + FOOTNOTE.sub("", text)))
        elif b.kind == "subitem":
            label, _, text = b.text.partition(" ")
            out.append((current + label, label + FOOTNOTE.sub("", text)))
    return out


def _paragraph_pages(source: Source, rows: list[dict[str, str]], pages: Pages) -> dict[str, int]:
    found: dict[str, int] = {}
    page = 1
    for number, text in _numbered_blocks(source):
        # poppler may print the label apart from its text (a marker on the first line, a
        # running head between them): the text alone is the weaker tier
        body = text.partition(next(iter(re.findall(r"^\(?\w+[.)]", text)), ""))[2]
        p = pages.find([text[:40], text[:24], [body[:40]], [body[:24]]], page)
        if p is None:
            raise LocateError(f"paragraph {number} not found from page {page}: {text[:40]!r}")
        found[number] = page = p
    for row in rows:
        if row["number"] not in found:
            raise LocateError(f"expected paragraph {row['number']} has no source block")
        row["page"] = str(found[row["number"]])
    return found


def _annex_page(source: Source, pages: Pages) -> int:
    """The page of the first block after the last ``!pagebreak`` (the annex), or 1."""
    after = None
    for i, b in enumerate(source.blocks):
        if b.kind == "pagebreak":
            after = i
    if after is None:
        return 1
    first = source.blocks[after + 1]
    p = pages.find([first.text], 1)
    if p is None:
        raise LocateError(f"annex start not found: {first.text!r}")
    return p


def _table_rows(source: Source, name: str) -> list[list[str]]:
    for b in source.blocks:
        if b.kind == "table" and b.name == name:
            return [[FOOTNOTE.sub("", c).replace("\\n", "") for c in r] for r in b.rows[1:]]
    return []


def _table_header(source: Source, name: str) -> list[str]:
    for b in source.blocks:
        if b.kind == "table" and b.name == name:
            return b.rows[0]
    return []


def _continues(layout_page: str, next_id: str, row_text: str, header: str, furniture: list[str]) -> bool:
    """Does text of a row stand above ``next_id`` on this page (poppler's layout mode, line by line)?"""
    for line in layout_page.splitlines():
        if norm(next_id) in norm(line):
            return False
        for segment in re.split(r"\s{2,}", line.strip()):
            seg = norm(segment)
            if len(seg) < 2 or seg.isdigit() or seg in header or any(seg in f for f in furniture):
                continue
            if seg in row_text:
                return True
    return False


def _actions(source: Source, rows: list[dict[str, str]], pages: Pages, annex: int,
             para_pages: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Fill page_start/page_end; return the page span of every row of the source's actions table."""
    table = {r[0]: r for r in _table_rows(source, "actions")}
    order = [r[0] for r in _table_rows(source, "actions")]
    # Each row's stretch of text: from its ID to the next row's ID (poppler prints a row cut by
    # a page break as the top of the next page, before the next ID).
    cursor = (annex, 0)
    starts: list[tuple[int, int]] = []
    for action_id in order:
        at = pages.position(norm(action_id), cursor)
        if at is None:
            raise LocateError(f"action {action_id} not found after page {cursor[0]}")
        starts.append(at)
        cursor = (at[0], at[1] + 1)
    header = norm("".join(_table_header(source, "actions")))
    furniture = [norm(source.meta[k]) for k in ("symbol", "title") if source.meta.get(k)]
    spans: dict[str, tuple[int, int]] = {}
    for i, action_id in enumerate(order):
        first = starts[i][0]
        nxt = starts[i + 1] if i + 1 < len(order) else None
        row_text = norm("".join(table[action_id]))
        if nxt is None:  # the last row runs to the last page that prints its last line
            end = first
            for p in range(first, pages.count + 1):
                if any(norm(c[-k:]) in pages.texts[p - 1] for c in table[action_id] if c for k in (10, 6)):
                    end = p
            spans[action_id] = (first, end)
            continue
        # Pages strictly between this row's ID and the next one's are all this row; the next
        # row's page is too when this row's text stands above the next ID there.
        end = max(first, nxt[0] - 1)
        if nxt[0] > first and _continues(pages.layout[nxt[0] - 1], order[i + 1], row_text, header, furniture):
            end = nxt[0]
        spans[action_id] = (first, end)
    for row in rows:
        if row["source"] == "list":  # bulleted actions of a paragraph: that paragraph's bullets
            para = row["action_id"].split(".")[0]
            p = pages.find([row["action"][:30], row["action"][:16]], para_pages[para])
            if p is None:
                raise LocateError(f"list action {row['action_id']} not found")
            last = pages.find([row["action"][-16:]], p) or p
            row["page_start"], row["page_end"] = str(p), str(last)
            continue
        if row["action_id"] not in spans:
            raise LocateError(f"expected action {row['action_id']} is not a row of the source's actions table")
        row["page_start"], row["page_end"] = (str(p) for p in spans[row["action_id"]])
    return spans


def _progress(source: Source, rows: list[dict[str, str]], pages: Pages) -> dict[str, tuple[int, int]]:
    cells = _table_rows(source, "progress")
    if len(cells) != len(rows):
        raise LocateError(f"progress: {len(rows)} expected rows but the source table has {len(cells)}")
    start = 1
    spans: dict[str, tuple[int, int]] = {}
    for row, src in zip(rows, cells, strict=True):
        # a wrapped date cell has the other cells' text inside it in poppler's order
        # the row's other cells (its numbers) stand together on its line
        numbers = "".join(src[1:])
        p = pages.find([src[0]], start, markers=False) or pages.find([numbers], start, markers=False) \
            or pages.find_scattered(src[0], start, pages.count) or pages.find([src[0][:10]], start)
        if p is None:
            raise LocateError(f"progress row {src[0]!r} not found from page {start}")
        row["page"] = str(p)
        start = p
        spans[src[0]] = (p, p)
    return spans


def _figures(rows: list[dict[str, str]], pages: Pages, para_pages: dict[str, int]) -> None:
    numbers = list(para_pages)
    for row in rows:
        sentence, text = row["sentence"], row["text"]
        at = sentence.find(text)
        if at < 0:
            raise LocateError(f"figure {text!r} not in its sentence {sentence[:40]!r}")
        start = para_pages[row["paragraph"]]
        i = numbers.index(row["paragraph"])
        stop = para_pages[numbers[i + 1]] if i + 1 < len(numbers) else None
        tiers = _windows(sentence, at, len(text))
        # a page break inside the figure (more than | 20): it is where its number is printed
        num = re.search(r"\d[\d\s,.]*\d|\d", text)
        if num and num.group(0) != text:
            n_at = at + num.start()
            end = n_at + len(num.group(0))
            tiers += [[sentence[n_at:end + 12]], [sentence[max(0, n_at - 4):end]]]
        # the figure's own digits must match: without them any "项增加到" would do
        p = pages.find(tiers, start, stop, markers=False) or pages.find(tiers, start, stop)
        if p is None:
            raise LocateError(f"figure {text!r} of paragraph {row['paragraph']} not found from page {start}")
        row["page"] = str(p)


@dataclass(frozen=True)
class Occurrence:
    form: str
    in_note: bool
    windows: list[list[str]]  # the occurrence in its context
    anchor: list[list[str]]  # for a footnote: its marker in the body text (the note is on that page)
    row: str = ""  # in a table: the row's first cell


def _occurrences(source: Source, forms: list[str]) -> list[Occurrence]:
    """Every printed occurrence of ``forms`` in document order.

    Longer forms win over forms they contain (EB154/33 Add1 over EB154/33); a form must not
    run on into a longer symbol (EB152/2 is not inside EB152/23).
    """
    ordered = sorted(set(forms), key=len, reverse=True)
    out: list[Occurrence] = []

    def scan(text: str, anchor: list[list[str]] | None, row: str = "") -> None:
        taken: list[tuple[int, int, str]] = []
        for form in ordered:
            for m in re.finditer(re.escape(form), text):
                s, e = m.span()
                if any(s < te and ts < e for ts, te, _ in taken):
                    continue
                before = text[s - 1] if s else " "
                after = text[e] if e < len(text) else " "
                if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()
                                                              and form[-1].isascii() and form[-1].isalnum()):
                    continue
                taken.append((s, e, form))
        for s, e, form in sorted(taken):
            out.append(Occurrence(form, anchor is not None, _windows(text, s, e - s), anchor or [], row))

    for b in source.blocks:
        texts = [(b.text, "")] if b.kind != "table" else [("\t".join(r), FOOTNOTE.sub("", r[0])) for r in b.rows[1:]]
        for text, row in texts:
            body = FOOTNOTE.sub("", text)
            pos = 0
            body_at = 0  # offset in ``body`` of the marker
            for m in FOOTNOTE.finditer(text):
                run = text[pos:m.start()]
                body_at += len(FOOTNOTE.sub("", run))
                pos = m.end()
                scan(m.group(1), [*_windows(body, body_at, 0, 16)[:2], [body[max(0, body_at - 8):body_at]]])
            scan(body, None, row)
    return out


def _references(source: Source, rows: list[dict[str, str]], pages: Pages,
                table_rows: dict[str, tuple[int, int]]) -> list[dict[str, str]]:
    by_form: dict[tuple[str, bool], dict[str, str]] = {}
    for row in rows:
        by_form.setdefault((row["ref_text"], row["in_footnote"] == "true"), row)
    out: list[dict[str, str]] = []
    seen: set[tuple[str, bool, int]] = set()
    page = 1
    for occ in _occurrences(source, [r["ref_text"] for r in rows]):
        template = by_form.get((occ.form, occ.in_note))
        if template is None:
            continue  # printed, but in a place the expected output does not cite
        if occ.in_note:
            # a note is printed on the page of its marker (or continued onto the next one)
            marker = pages.find(occ.anchor, page)
            if marker is None:
                raise LocateError(f"footnote marker before {occ.anchor[-1][0]!r} not found from page {page}")
            # a note is printed on the page of its marker and may run on to the next page: the
            # citation is on the page where its text starts
            head = occ.form[: max(8, len(occ.form) // 2)]
            if (pages.find(occ.windows, marker, marker) or pages.find([head], marker, marker)
                    or pages.find_scattered(head, marker, marker)):
                p = marker
            elif pages.find(occ.windows, marker + 1, marker + 1):
                p = marker + 1
            else:
                raise LocateError(f"reference {occ.form!r} (footnote) not on page {marker} or the next")
        elif occ.row:  # table cells: poppler interleaves side-by-side cells, so look within the row's pages
            if occ.row not in table_rows:
                raise LocateError(f"reference {occ.form!r} in table row {occ.row!r}: row not located")
            first, last = table_rows[occ.row]
            p = first if first == last else pages.find(occ.windows, first, last) or pages.find_scattered(
                occ.form, first, last)
        else:
            p = pages.find(occ.windows, page)
        if p is None:
            raise LocateError(f"reference {occ.form!r} ({'footnote' if occ.in_note else 'body'}) "
                              f"not found from page {page}")
        if not occ.in_note:
            page = p
        if (occ.form, occ.in_note, p) in seen:
            continue
        seen.add((occ.form, occ.in_note, p))
        out.append({**template, "page": str(p)})
    missing = {(r["ref_text"], r["in_footnote"]) for r in rows} - {(r["ref_text"], r["in_footnote"]) for r in out}
    if missing:
        raise LocateError(f"references expected but never printed: {sorted(missing)}")
    return out
