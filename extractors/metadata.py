"""The ``documents`` row: who reports what to which body, when, and what it asks."""

from __future__ import annotations

import re

from gbdocs.extractors.dates import parse_date
from gbdocs.extractors.document import DocumentModel, column_blocks
from gbdocs.extractors.numerals import session_number
from gbdocs.extractors.paragraphs import extract_paragraphs
from gbdocs.extractors.pdf import PdfInfo
from gbdocs.extractors.records import DocumentRecord
from gbdocs.schemas.bodies import body_key, body_of_symbol
from gbdocs.schemas.header_fields import AGENDA, SESSION

# Sessions numbered within a year ("First regular session 2025") have no session number.
YEARLY_SESSION = re.compile(r"\b(?:regular|annual)\s+session", re.IGNORECASE)
CLOSING = re.compile(r"(的行动$|^Action by )", re.IGNORECASE)
REPORT_BY = (("Director-General", ("总干事", "director-general")), ("Secretariat", ("秘书处", "secretariat")))
REQUESTS = (
    ("note", ("注意本报告", "注意到本报告", "note the report", "note this report", "take note")),
    ("adopt", ("通过", "adopt")),
    ("consider", ("审议", "consider")),
)


def _report_by(line: str | None) -> str | None:
    if not line:
        return None
    lowered = line.lower()
    for key, names in REPORT_BY:
        if any(n in lowered for n in names):
            return key
    return None


def _requested_action(model: DocumentModel) -> str | None:
    """From the paragraphs under the closing "Action by ..." heading."""
    paragraphs = extract_paragraphs(model)
    closing = [p for p in paragraphs if p.section and CLOSING.search(p.section.strip())]
    if not closing:
        return None
    text = " ".join(p.text for p in closing).lower()
    for key, phrases in REQUESTS:
        if any(ph in text for ph in phrases):
            return key
    return "other"


def _session_line(lines: list[str]) -> str | None:
    """The header line that names the session: "Eightieth session", 第七十七届世界卫生大会,
    SEVENTY-SEVENTH WORLD HEALTH ASSEMBLY (an ordinal before the body's name)."""
    for text in lines:
        if SESSION.match(text.strip()):
            return text.strip()
    for text in lines:
        if session_number(text) is not None and body_key(text):
            return text.strip()
    return None


def _title(model: DocumentModel) -> str | None:
    """The title block's lines joined, without the asterisks that call its footnotes."""
    if not model.title:
        return None
    return model.join_texts([ln.text.rstrip().rstrip("*").rstrip() for ln in model.title])


def _body(model: DocumentModel, header: str) -> str | None:
    """The body whose symbol grammar the document's own symbol follows (E/ICEF/2025/4 is the
    UNICEF Executive Board's, JIU/NOTE/2022/1 the JIU's); for a symbol no grammar claims, the
    body the header names."""
    return (body_of_symbol(model.symbol) if model.symbol else None) or body_key(header)


def extract_document(model: DocumentModel, info: PdfInfo) -> DocumentRecord:
    lines = [ln.text for ln in model.header]
    header = "\n".join(lines)
    agenda = AGENDA.search(header)
    session_line = _session_line(lines)
    return DocumentRecord(
        symbol=model.symbol or "",
        language=model.language,
        body=_body(model, " | ".join(" ".join(ln.text.strip() for ln in block)
                                           for block in column_blocks(model.header))),
        session=session_number(session_line) if session_line and not YEARLY_SESSION.search(session_line) else None,
        session_name=session_line,
        agenda_item=(agenda.group(1) or agenda.group(2) or agenda.group(3)) if agenda else None,
        date=parse_date(header) if header else None,
        title=_title(model),
        report_by=_report_by(model.report_by.text if model.report_by else None),
        requested_action=_requested_action(model),
        pages=info.pages,
        source_file=info.source_file,
        sha256=info.sha256,
    )
