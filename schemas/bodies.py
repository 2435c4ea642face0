"""The body registry: every governing or oversight body gbdocs reads, as data.

A body has a key (the value of ``documents.body``), the names its documents print for it
(zh and en; French where a body's older documents print it), and the grammar of its symbols:
the documents, decisions and resolutions it issues. A new body is a new entry here; nothing
in ``extractors`` names a body.

Symbol grammars are regular expressions without boundaries; ``gbdocs.extractors.references`` adds
the boundaries and tries every body's forms, the longest match winning.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Suffixes of United Nations symbols: /Add.1, /Rev.1, /Corr.1, (Sect. 4), (Part I), (Part I/Add.1),
# and the French forms of old documents: (Première partie).
_UN_PARTS = r"(?:/(?:Add|Rev|Corr|Amend)\.\d+)*"
_UN_SUFFIX = (
    _UN_PARTS
    + r"(?:\s?\((?:Sect\.\s?\d+[A-Z]?|Part\s?[IVX]+" + _UN_PARTS + r"|[A-Z][a-zè]+\s+partie)\))?"
    + _UN_PARTS
)
# WHO symbols: A77/28 Add.1, EB154/33 Add.3 Rev.1.
WHO_SUFFIX = r"(?:\s?(?:Add|Rev|Corr)\.?\s?\d+)*"


@dataclass(frozen=True)
class SymbolForm:
    kind: str  # document | decision | resolution (the ``references.kind`` it yields)
    pattern: str
    who_style: bool = False  # suffixes written "Add.1" after a space, normalised as such
    # what must stand right before it for it to be a symbol at all: "resolution 49/233 A" is a
    # General Assembly resolution, a bare 49/233 is not (empty: recognised anywhere)
    after: str = ""


@dataclass(frozen=True)
class Body:
    key: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    symbols: tuple[SymbolForm, ...]
    fr: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return self.zh + self.en + self.fr


BODIES: tuple[Body, ...] = (
    Body(
        "WHA", ("世界卫生大会",), ("World Health Assembly", "Health Assembly"),
        (
            SymbolForm("document", r"A\d{1,3}/(?:INF\.?/?)?\d{1,3}" + WHO_SUFFIX, who_style=True),
            SymbolForm("document", r"WHA\d{1,3}/\d{4}/REC/\d+"),
            SymbolForm("document", r"A\d{1,3}/\d{4}/REC/\d+"),
            SymbolForm("decision", r"WHA(?:SS)?\d{1,3}\(\d{1,3}\)"),
            SymbolForm("resolution", r"WHA\d{1,3}\.\d{1,3}"),
        ),
    ),
    Body(
        "EB", ("执行委员会",), ("Executive Board",),
        (
            SymbolForm("document", r"(?:EBSS|EB)\d{1,3}/(?:INF\.?/?)?\d{1,3}" + WHO_SUFFIX, who_style=True),
            SymbolForm("document", r"EB\d{1,3}/\d{4}/REC/\d+"),
            SymbolForm("decision", r"(?:EBSS|EB)\d{1,3}\(\d{1,3}\)"),
            SymbolForm("resolution", r"EB\d{1,3}\.R\d{1,3}"),
        ),
    ),
    Body(
        "PBAC",
        ("执行委员会规划、预算和行政委员会", "规划、预算和行政委员会"),
        (
            "Programme, Budget and Administration Committee of the Executive Board",
            "Programme, Budget and Administration Committee",
        ),
        (SymbolForm("document", r"(?:EBPBAC|PBAC)\d{1,3}/\d{1,3}" + WHO_SUFFIX, who_style=True),),
    ),
    Body(
        "GA", ("联合国大会",), ("General Assembly",),
        (
            SymbolForm("document", r"A/(?:C\.\d/|ES-\d+/|S-\d+/|HRC/|AC\.\d+/)?\d{2}/(?:L\.|INF/)?\d+" + _UN_SUFFIX),
            SymbolForm("resolution", r"A/RES/\d{2}/\d+" + _UN_PARTS),
            SymbolForm("resolution", r"\d{2}/\d{1,3}(?: [A-Z](?![a-z]))?",
                       after=r"(?:General Assembly )?resolutions? "),
            SymbolForm("decision", r"\d{2}/\d{3}(?: [A-Z](?![a-z]))?",
                       after=r"(?:General Assembly )?decisions? "),
        ),
    ),
    Body(
        "UNICEF-EB",
        ("联合国儿童基金会执行局", "儿童基金会执行局"),
        (
            "United Nations Children's Fund Executive Board",
            "Executive Board of the United Nations Children's Fund",
            "UNICEF Executive Board",
        ),
        (SymbolForm("document", r"E/ICEF/(?:\d{4}/)?(?:AB/|P/)?(?:L\.|CRP\.)?\d+" + _UN_SUFFIX),),
        fr=("Fonds des Nations Unies pour l'enfance Conseil d'administration",),
    ),
    Body(
        "UNDP-EB",
        ("开发署/人口基金/项目署执行局", "开发署、人口基金和项目署执行局"),
        (
            "Executive Board of the United Nations Development Programme, the United Nations "
            "Population Fund and the United Nations Office for Project Services",
            "Executive Board of the United Nations Development Programme and of the United Nations "
            "Population Fund",
            "UNDP/UNFPA/UNOPS Executive Board",
        ),
        (SymbolForm("document", r"DP(?:/FPA|/OPS|-FPA)?/\d{4}/(?:L\.|CRP\.)?\d+" + _UN_SUFFIX),),
    ),
    Body(
        "UNW-EB",
        ("联合国促进性别平等和增强妇女权能署执行局", "妇女署执行局"),
        (
            "Executive Board of the United Nations Entity for Gender Equality and the Empowerment of Women",
            "UN-Women Executive Board",
        ),
        (SymbolForm("document", r"UNW/\d{4}/(?:L\.|CRP\.)?\d+" + _UN_SUFFIX),),
    ),
    Body(
        "JIU", ("联合检查组",), ("Joint Inspection Unit",),
        (SymbolForm("document", r"JIU/(?:REP|NOTE|ML)/\d{4}/\d+" + _UN_PARTS),),
    ),
)

BODY_KEYS: tuple[str, ...] = tuple(b.key for b in BODIES)

# The principal organs whose names head a United Nations masthead. They say who publishes the
# document, not which body it is addressed to (E/ICEF documents are "Economic and Social
# Council" documents of the UNICEF Executive Board).
ORGANS: tuple[str, ...] = (
    "United Nations", "General Assembly", "Economic and Social Council", "Security Council",
    "联合国", "大会", "经济及社会理事会", "安全理事会",
    "Nations Unies", "Conseil économique et social",
)


def fold(text: str) -> str:
    """Compare names the way a reader would: width, case, accents, apostrophes and spacing do
    not matter (ECONOMIQUE is économique)."""
    text = unicodedata.normalize("NFKD", text)
    text = unicodedata.normalize("NFKC", "".join(ch for ch in text if not unicodedata.combining(ch)))
    text = text.casefold().replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


def body_key(printed: str) -> str | None:
    """The key of the body a header names, or None.

    The longest name wins, so the PBAC ("执行委员会规划、预算和行政委员会") is not read as the
    Executive Board it belongs to, nor UNICEF's Executive Board as WHO's.
    """
    folded = fold(printed)
    best: tuple[int, str] | None = None
    for body in BODIES:
        for name in body.names:
            n = fold(name)
            if n in folded and (best is None or len(n) > best[0]):
                best = (len(n), body.key)
    return best[1] if best else None


def body_of_symbol(symbol: str) -> str | None:
    """The body whose symbol grammar ``symbol`` follows (JIU/NOTE/2022/1 -> JIU, WHA66.10 -> WHA)."""
    for body in BODIES:
        for form in body.symbols:
            if not form.after and re.fullmatch(form.pattern, symbol):
                return body.key
    return None


def is_organ(line: str) -> bool:
    """A masthead line naming a principal organ ("Economic and Social Council")."""
    # a letter-spaced masthead (N A T I O N S  U N I E S) is the same name
    folded = fold(line).replace(" ", "")
    return any(fold(name).replace(" ", "") == folded for name in ORGANS)


def document_symbol_regex() -> str:
    """One regular expression for the symbol of any registered body's documents, resolutions and
    decisions, anchored (a resolution printed on its own is a document too: WHA66.10). The
    suites' ``documents.symbol`` and ``progress.report_symbol`` checks are this string."""
    forms = [form.pattern for body in BODIES for form in body.symbols if not form.after]
    return "^(?:" + "|".join(forms) + ")$"
