"""The ``references`` table: every citation in body text, tables and footnotes, with its page."""

from __future__ import annotations

from gbdocs.extractors.document import DocumentModel
from gbdocs.extractors.layout import TextLine
from gbdocs.extractors.paragraphs import Part, paragraph_parts
from gbdocs.extractors.records import ReferenceRecord
from gbdocs.extractors.references import find_references
from gbdocs.extractors.script import join_lines


def _scan(part: Part, in_footnote: bool) -> list[ReferenceRecord]:
    return [
        ReferenceRecord(ref.kind, ref.ref, ref.ref_text, part.page_at(ref.start), in_footnote, ref.accessed)
        for ref in find_references(part.text)
    ]


def _at_page(page: int) -> TextLine:
    # Part maps offsets to pages through its lines; a footnote piece needs only the page.
    return TextLine(page, 0, 0, 0, 0, 0, "", False, "")


def _part(lines: list[TextLine], model: DocumentModel) -> Part:
    text, starts = join_lines([ln.text for ln in lines], model.language, model.known_words)
    return Part(text, starts, lines)


def extract_references(model: DocumentModel) -> list[ReferenceRecord]:
    found: list[ReferenceRecord] = []
    covered: set[int] = set()
    for _, parts in paragraph_parts(model):
        for part in parts:
            found += _scan(part, False)
            covered |= {id(ln) for ln in part.lines}
    # Body text outside numbered paragraphs: captions, table notes, headings, annex text.
    for block in model.blocks:
        loose = [ln for ln in block.lines if id(ln) not in covered]
        if loose:
            found += _scan(_part(loose, model), False)
    for page in model.pages:
        for table in page.tables:
            for cell in table.cells:
                if cell.lines:
                    found += _scan(_part(list(cell.lines), model), False)
    # A note continued on the next page is scanned whole (its URL's access date may be there).
    notes = model.footnotes
    i = 0
    while i < len(notes):
        pieces = [notes[i]]
        while i + 1 < len(notes) and notes[i + 1].label == pieces[-1].label \
                and notes[i + 1].page == pieces[-1].page + 1:
            i += 1
            pieces.append(notes[i])
        text, starts = join_lines([n.text for n in pieces], model.language, model.known_words)
        found += _scan(Part(text, starts, [_at_page(n.page) for n in pieces]), True)
        i += 1
    unique: dict[tuple[str, int, bool], ReferenceRecord] = {}
    for record in found:
        unique.setdefault((record.ref_text, record.page, record.in_footnote), record)
    return sorted(unique.values(), key=lambda r: (r.page, r.in_footnote))
