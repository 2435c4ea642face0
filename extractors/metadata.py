"""The ``documents`` row: who reports what to which body, when, and what it asks."""

from __future__ import annotations

import re

from extractors.dates import parse_date
from extractors.document import DocumentModel
from extractors.numerals import session_number
from extractors.paragraphs import extract_paragraphs
from extractors.pdf import PdfInfo
from extractors.records import DocumentRecord
from schemas.vocabularies import body_key

AGENDA = re.compile(r"(?:临时议程项目|议程项目|Provisional agenda item|Agenda item)\s*([0-9][0-9.]*[0-9]|[0-9])",
                    re.IGNORECASE)
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


def extract_document(model: DocumentModel, info: PdfInfo) -> DocumentRecord:
    header = "\n".join(ln.text for ln in model.header)
    agenda = AGENDA.search(header)
    return DocumentRecord(
        symbol=model.symbol or "",
        language=model.language,
        body=body_key(re.sub(r"\n", " ", header)) if header else None,
        session=session_number(header) if header else None,
        agenda_item=agenda.group(1) if agenda else None,
        date=parse_date(header) if header else None,
        title=model.join(model.title) if model.title else None,
        report_by=_report_by(model.report_by.text if model.report_by else None),
        requested_action=_requested_action(model),
        pages=info.pages,
        source_file=info.source_file,
        sha256=info.sha256,
    )
