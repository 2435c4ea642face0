"""Cited documents, decisions, resolutions and URLs, found in text and normalised.

Symbols follow the grammars of the body registry (``gbdocs.schemas.bodies``): WHO (A77/28,
EB154/33 Add.3 Rev.1, EBPBAC25/3, EB152/2023/REC/2, decisions EB152(16), resolutions WHA76.1),
the United Nations (A/80/6 (Sect. 4), E/ICEF/2025/AB/L.3/Add.1, DP/FPA/2025/2, UNW/2025/3) and
the JIU (JIU/NOTE/2022/1/Rev.1). A WHO symbol printed without its body (154/34 Add.2) is
recognised only right after 文件 / document, and kept as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gbdocs.extractors.dates import find_dates
from gbdocs.schemas.bodies import BODIES, WHO_SUFFIX

_BOUNDARY_BEFORE = r"(?<![A-Za-z0-9/_.\-])"
_BOUNDARY_AFTER = r"(?![A-Za-z0-9/])"

# Every body's symbol forms from the registry, as (kind, who_style, pattern); the symbol is the
# pattern's group "symbol" (a form may need words before it: "resolution 49/233 A").
FORMS: tuple[tuple[str, bool, re.Pattern[str]], ...] = tuple(
    (form.kind, form.who_style,
     re.compile(_BOUNDARY_BEFORE + (f"(?i:{form.after})" if form.after else "") + "(?P<symbol>" + form.pattern + ")"
                + _BOUNDARY_AFTER))
    for body in BODIES for form in body.symbols
)
# A symbol printed without its body, recognised only where the text says it is a document.
BARE_DOCUMENT = re.compile(r"(?:文件|[Dd]ocuments?)\s*(\d{2,3}/\d{1,3}" + WHO_SUFFIX + r")" + _BOUNDARY_AFTER)
# A URL ends where the text around it begins: whitespace, quotes, and any CJK character or
# full-width punctuation (a Chinese sentence runs on with no space: ...member-states-portal获取).
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”‘’\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
                 r"\ufe10-\ufe6f\uff00-\uffef\U00020000-\U0003ffff]+")

ACCESS_WINDOW = 60  # characters after a URL in which its access date is printed


@dataclass(frozen=True)
class FoundReference:
    kind: str  # document | decision | resolution | url
    ref: str  # normalised
    ref_text: str  # as printed
    start: int
    end: int
    accessed: str | None = None


def normalise_symbol(printed: str) -> str:
    """EB154/33 Add3 Rev.1 -> EB154/33 Add.3 Rev.1: spacing and dots only, nothing invented."""
    text = re.sub(r"\s+", " ", printed.strip())
    text = re.sub(r"\s?(Add|Rev|Corr)\.?\s?(\d+)", r" \1.\2", text)
    return text


def _trim_url(url: str) -> str:
    # Trailing punctuation belongs to the sentence; a closing parenthesis belongs to the URL
    # only if the URL opened one, as in ...-(sip)-actions.
    while url and (url[-1] in ".,;:!?'" or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def _access_date_before(text: str, start: int) -> str | None:
    """实施计划跟踪看板，2024年12月2日访问，见https://…: the date printed before the URL."""
    window = text[max(0, start - ACCESS_WINDOW) : start]
    cut = max((m.end() for m in URL.finditer(window)), default=0)  # not another URL's date
    window = window[cut:]
    found = [f for f in find_dates(window) if "访问" in window[f.end : f.end + 4]]
    return found[-1].iso if found else None


def _access_date(text: str, start: int) -> str | None:
    window = text[start : start + ACCESS_WINDOW]
    cut = URL.search(window)
    if cut:
        window = window[: cut.start()]
    for found in find_dates(window):
        after = window[found.end : found.end + 4]
        before = window[max(0, found.start - 12) : found.start]
        if "访问" in after or "accessed" in before.lower():
            return found.iso
    return None


def find_references(text: str) -> list[FoundReference]:
    """Every reference in ``text``, in order of appearance."""
    found: list[FoundReference] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for m in URL.finditer(text):
        url = _trim_url(m.group(0))
        end = m.start() + len(url)
        accessed = _access_date(text, end) or _access_date_before(text, m.start())
        found.append(FoundReference("url", url, url, m.start(), end, accessed))
        taken.append((m.start(), end))
    # Every body's forms compete; the longest match wins (EB152/2023/REC/2 over EB152/20...).
    candidates = sorted(
        ((m.start("symbol"), m.end("symbol"), kind, who) for kind, who, pattern in FORMS
         for m in pattern.finditer(text)),
        key=lambda c: (-(c[1] - c[0]), c[0]),
    )
    for start, end, kind, who in candidates:
        if free(start, end):
            printed = text[start:end]
            ref = normalise_symbol(printed) if kind == "document" and who else printed
            found.append(FoundReference(kind, ref, printed, start, end))
            taken.append((start, end))
    for m in BARE_DOCUMENT.finditer(text):
        if free(m.start(1), m.end(1)):
            found.append(FoundReference("document", normalise_symbol(m.group(1)), m.group(1), m.start(1), m.end(1)))
            taken.append((m.start(1), m.end(1)))
    return sorted(found, key=lambda f: f.start)


def find_symbol(text: str) -> str | None:
    """The first document symbol in ``text`` (normalised), e.g. the one in a header block; a
    text that is one resolution or decision symbol and nothing else is that one (WHA66.10)."""
    found = [r for r in find_references(text) if r.kind != "url"]
    documents = [r for r in found if r.kind == "document"]
    if documents:
        return documents[0].ref
    if len(found) == 1 and found[0].ref_text == text.strip():
        return found[0].ref
    return None
