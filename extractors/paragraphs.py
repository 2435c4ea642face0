"""Numbered paragraphs and lettered sub-items, with their section, page and clean text."""

from __future__ import annotations

from dataclasses import dataclass

from gbdocs.extractors.document import NUMBERED, SUBITEM, Block, DocumentModel, Footnote
from gbdocs.extractors.layout import TextLine
from gbdocs.extractors.records import ParagraphRecord
from gbdocs.extractors.script import join_lines, spaced_cjk_latin_ratio, strip_bullet


@dataclass(frozen=True)
class Part:
    """One block of a paragraph (its lead text, a bullet, a follow-on paragraph), joined."""

    text: str
    starts: list[int]  # offset in text where each line starts
    lines: list[TextLine]
    kind: str = "text"  # numbered | subitem | bullet | text

    def page_at(self, offset: int) -> int:
        index = max(i for i, start in enumerate(self.starts) if start <= offset) if offset >= 0 else 0
        return self.lines[index].page


def _lines_text(block: Block) -> list[str]:
    texts = [ln.text for ln in block.lines]
    first = texts[0]
    if block.kind == "numbered":
        first = first[NUMBERED.match(first).end():]
    elif block.kind == "subitem":
        first = first[SUBITEM.match(first).end():]
    elif block.kind == "bullet":
        first = strip_bullet(first)[1]
    return [first, *texts[1:]]


def _footnote_for(label: str, page: int, notes: list[Footnote]) -> str | None:
    """The text of the note a marker points to: same label, on the marker's page or the
    first page after it (labels may restart on every page); a note continued on the next
    page comes with its continuation."""
    candidates = [n for n in notes if n.label == label and n.page >= page]
    if not candidates:
        return None
    first = candidates[0]
    pieces = [first.text]
    following = notes[notes.index(first) + 1:]
    if following and following[0].label == label and following[0].page == first.page + 1:
        pieces.append(following[0].text)
    return "".join(pieces)


def paragraph_parts(model: DocumentModel) -> list[tuple[ParagraphRecord, list[Part]]]:
    """Paragraph records, each with its parts; the parts let other extractors map a
    position in the text back to its page and line. Built once per document model."""
    if "paragraph_parts" not in model.derived:
        model.derived["paragraph_parts"] = _paragraph_parts(model)
    return model.derived["paragraph_parts"]


def _paragraph_parts(model: DocumentModel) -> list[tuple[ParagraphRecord, list[Part]]]:
    out: list[tuple[ParagraphRecord, list[Part]]] = []
    section: str | None = None
    parent = ""
    current: tuple[str, str | None, int, list[Block]] | None = None
    whole_text = "\n".join(ln.text for b in model.blocks for ln in b.lines)
    ratio = spaced_cjk_latin_ratio(whole_text)
    doc_spaced = ratio is not None and ratio >= 0.5

    def flush() -> None:
        if current is None:
            return
        number, sec, page, blocks = current
        parts: list[Part] = []
        labels: list[str] = []
        for block in blocks:
            texts = _lines_text(block)
            ratio = spaced_cjk_latin_ratio("\n".join(texts))
            spaced = doc_spaced if ratio is None else ratio >= 0.5
            text, starts = join_lines(texts, model.language, model.known_words, spaced)
            parts.append(Part(text, starts, block.lines, block.kind))
            labels += [(m.label, ln.page) for ln in block.lines for m in ln.markers]
        notes = [_footnote_for(label, page, model.footnotes) for label, page in labels]
        record = ParagraphRecord(
            number=number, section=sec, page=page, text="\n".join(p.text for p in parts),
            footnotes=tuple(n for n in notes if n is not None),
        )
        out.append((record, parts))

    for block in model.blocks:
        if block.kind in {"annex", "end"}:
            flush()
            current = None
            if block.kind == "annex":
                break
            continue
        if block.kind == "heading":
            flush()
            current = None
            section = model.join(block.lines)
        elif block.kind == "numbered":
            flush()
            parent = block.label
            current = (parent, section, block.page, [block])
        elif block.kind == "subitem":
            flush()
            current = (f"{parent}({block.label})", section, block.page, [block])
        elif block.kind in {"bullet", "text"} and current is not None:
            current[3].append(block)
    flush()
    return out


def extract_paragraphs(model: DocumentModel) -> list[ParagraphRecord]:
    return [record for record, _ in paragraph_parts(model)]
