"""The ``figures`` table: numbers stated in the prose of numbered paragraphs.

Candidates come from the spaCy pipelines of ``extractors.nlp`` (Matcher patterns for
counts, percentages, durations and money). This module decides which candidates are
figures and what they count:

- not figures: dates and years, ordinals (第十九次, 154th), session and meeting numbers
  (第 37 和 38 次会议), paragraph and section numbers, anything inside a document symbol
  or URL, names in quotation marks (“三个十亿”), and a count of one written as a word
  (一项, one) outside an enumeration of counts, where it reads as an article;
- ``measure`` is the noun phrase after the number as printed (for Chinese read with
  jieba's part-of-speech tags): leading determiners dropped, an adjective with 的 kept,
  nouns joined by 和 / and kept; after a relative clause (两项符合…标准的行动) the noun it
  qualifies; when the noun is left out (3项涉及问责制, from 38 to 81) the measure of the
  figure before it in the sentence, else the noun before 数量 / after "number of". For
  a percentage it is the quantity before 从 / from (实施率, implementation rate); for a
  duration, the time unit; for money, the currency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cn2an
from text_to_num import text2num

from extractors.dates import find_dates
from extractors.document import DocumentModel
from extractors.paragraphs import Part, paragraph_parts
from extractors.records import FigureRecord
from extractors.references import find_references

if TYPE_CHECKING:  # spaCy is imported only when figures are extracted (start-up cost)
    from spacy.tokens import Span

CURRENCIES_ZH = ["美元", "瑞士法郎", "欧元"]
CURRENCIES_EN = ["US$", "$", "CHF", "€", "USD"]

ONE_WORDS = {"一", "one"}
EN_STOP = {
    "of", "to", "in", "for", "on", "with", "by", "that", "which", "who", "or", "from", "at", "as", "is",
    "are", "were", "was", "be", "been", "have", "has", "had", "will", "would", "can", "could", "may",
    "relate", "relates", "related", "relating", "include", "includes", "including", "cover", "covers",
    "currently", "directly", "since", "during", "over", "under", "per", "than", "into", "across", "through",
    "between", "after", "before", "within", "about", "against", "among", "this", "these", "those", "its",
    "their", "the", "a", "an", "not", "also", "such", "so", "while", "where", "when", "then",
    "made", "taken", "given", "done", "held", "set", "put", "seen", "known", "shown", "found", "undertaken",
}
EN_ORDINAL_WORDS = re.compile(r"^(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|\w+th)$", re.I)
EN_TIME_NOUNS = {"period", "periods", "cycle", "cycles", "term", "terms", "span", "timeframe", "time", "window"}
EN_DETERMINERS = {"other", "additional", "further", "more", "these", "those", "the", "all", "its", "their"}
EN_REFERENCE_WORDS = {"paragraph", "paragraphs", "para", "section", "sections", "article", "articles", "annex",
                      "item", "items", "chapter", "page", "pages", "no.", "resolution", "decision", "rule",
                      "regulation", "table", "figure", "step", "phase", "level"}
EN_RISE = {"rose", "increased", "grew", "fell", "decreased", "declined", "went", "changed", "moved", "rise",
           "increase", "grow", "fall"}
APPROX_ZH = ("约", "大约", "近", "将近", "约为")
APPROX_EN = {"about", "around", "approximately", "nearly", "some", "almost", "roughly"}
MONTHS_EN = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
             "october", "november", "december"}
NOUNISH = ("n", "vn", "b", "ng", "nz", "nt", "nr", "ns", "j", "l")
ADJECTIVE = ("a", "ad", "an")


@dataclass(frozen=True)
class _Figure:
    start: int  # character offset in the part's text
    value: float
    unit: str
    measure: str | None
    qualifier: str
    text: str
    sentence: str
    word_one: bool = False


def _value(text: str, language: str) -> float | None:
    text = text.strip().replace(" ", "").replace(",", "").rstrip("%％")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    try:
        if language == "zh":
            return float(cn2an.cn2an(text, "smart"))
        return float(text2num(text.lower(), "en"))
    except (ValueError, KeyError, IndexError):
        return None


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    spans = [(r.start, r.end) for r in find_references(text)]
    spans += [(d.start, d.end) for d in find_dates(text)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"“[^”]{1,20}”|\"[^\"]{1,20}\"", text)]
    return spans


def _in_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and end > a for a, b in spans)


# ---------------------------------------------------------------- measures, Chinese


def _zh_chunk(words: list[tuple[str, str]]) -> str:
    """Noun phrase at the start of ``words`` (jieba word, flag pairs), by the rules above."""
    i = 0
    while i < len(words) and (words[i][1] == "r" or words[i][0] in {"其他", "另外", "所有", "这些"}):
        i += 1
    if i < len(words) and words[i][1].startswith("v") and words[i][1] != "vn":
        # A relative clause (符合…标准的行动): the noun after its 的.
        for j in range(i, len(words)):
            if words[j][0] in "，。；：、（）()":
                return ""
            if words[j][0] == "的":
                return _zh_chunk(words[j + 1:])
        return ""
    out: list[str] = []
    adjectives: list[str] = []
    start = i
    while i < len(words):
        word, flag = words[i]
        if flag.startswith(NOUNISH):
            out += [*adjectives, word]
            adjectives = []
        elif flag.startswith(ADJECTIVE) and not out:
            adjectives.append(word)
        elif word == "的" and adjectives and not out and i + 1 < len(words) and words[i + 1][1].startswith(NOUNISH):
            adjectives.append(word)  # 关键的…领域
        elif word in {"/", "和"} and out and i + 1 < len(words) and words[i + 1][1].startswith(NOUNISH):
            out.append(word)  # 计划/项目, 信息管理和信息技术
        else:
            break
        i += 1
    if not out and adjectives and "的" not in adjectives:
        return "".join(adjectives)  # 其他努力: a word jieba tags as adjective, used as a noun
    if i - start >= 3 and i + 1 < len(words) and words[i][0] == "的" and words[i + 1][1].startswith(NOUNISH):
        return _zh_chunk(words[i + 1:])  # a long modifier (符合国际援助透明度倡议标准的行动): its noun
    return "".join(out)


def _zh_before(sentence: str, marker: str) -> str:
    """The words right before ``marker`` back to 的 or punctuation (秘书处的实施率从 -> 实施率)."""
    at = sentence.find(marker)
    if at <= 0:
        return ""
    head = re.split(r"[的，。；：、（）()\s]", sentence[:at])[-1]
    return head


# ---------------------------------------------------------------- measures, English


def _en_chunk(tokens: list[str]) -> str:
    i = 0
    while i < len(tokens) and tokens[i].lower() in EN_DETERMINERS:
        i += 1
    out: list[str] = []
    while i < len(tokens):
        tok = tokens[i]
        low = tok.lower()
        joiner = tok in {"/", "-"} or (low == "and" and i + 1 < len(tokens) and tokens[i + 1].lower() not in EN_STOP)
        word = tok.isalpha() and low not in EN_STOP and not re.search(r"ly$", low) \
            and not (out and re.search(r"(ing|ed)$", low))
        if (joiner and out and i + 1 < len(tokens) and tokens[i + 1].isalpha()) or word:
            out.append(tok)
        else:
            break
        i += 1
    while out and out[-1].lower() in {"and", "/", "-"}:
        out.pop()
    text = " ".join(out)
    return re.sub(r" ?([/-]) ?", r"\1", text)


def _en_before_from(tokens: list[str]) -> str:
    """Quantity before 'from' (the Secretariat’s implementation rate rose from)."""
    if "from" not in [t.lower() for t in tokens]:
        return ""
    k = max(i for i, t in enumerate(tokens) if t.lower() == "from")
    words = tokens[:k]
    while words and words[-1].lower() in EN_RISE:
        words.pop()
    out: list[str] = []
    while words and words[-1].isalpha() and words[-1].lower() not in EN_STOP:
        out.insert(0, words.pop())
    return " ".join(out)


def _en_number_of(tokens: list[str]) -> str:
    low = [t.lower() for t in tokens]
    for i in range(len(low) - 2):
        if low[i] == "number" and low[i + 1] == "of":
            return tokens[i + 2]
    return ""


# ---------------------------------------------------------------- candidates -> figures


def _figures_in(part: Part, language: str) -> list[_Figure]:
    from extractors.nlp import pipeline

    nlp = pipeline(language)
    excluded = _excluded_spans(part.text)
    found: list[_Figure] = []
    for line_start, line in _lines(part.text):
        doc = nlp(line)
        for sent in doc.sents:
            in_sent = [s for s in doc.spans["figures"] if sent.start <= s.start and s.end <= sent.end]
            figures: list[_Figure] = []
            for span in in_sent:
                figures += _decide(span, sent, line_start, excluded, language, figures)
            counts = [f for f in figures if f.unit == "count"]
            for f in figures:
                if f.word_one and len(counts) < 3:
                    continue  # 一项 / one as an article, not a figure
                found.append(f)
    return found


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _decide(span: Span, sent: Span, offset: int, excluded: list[tuple[int, int]], language: str,
            before: list[_Figure]) -> list[_Figure]:
    doc = span.doc
    label = span.label_
    numbers = [t for t in span if re.fullmatch(r"[\d.,]+[%％]?|[零〇一二两三四五六七八九十百千万]+", t.text)
               or (language == "en" and _value(t.text, "en") is not None and t.is_alpha)]
    if not numbers:
        return []
    first = numbers[0]
    start = offset + span.start_char
    if _in_any(offset + first.idx, offset + first.idx + len(first.text), excluded):
        return []
    prev = doc[span.start - 1] if span.start > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    nxt2 = doc[span.end + 1] if span.end + 1 < len(doc) else None
    if language == "zh":
        if prev is not None and prev.text.endswith("第"):
            return []  # ordinal
        if re.fullmatch(r"\d{4}", first.text) and label == "duration" and span[-1].text == "年":
            return []  # a year
        if label == "count" and span[-1].text == "次" and nxt is not None and nxt.text.startswith("会"):
            return []  # 第 37 和 38 次会议
        if nxt is not None and nxt.text in {"段", "条", "款", "页", "届"}:
            return []
    else:
        if re.fullmatch(r"(19|20)\d{2}", first.text):
            return []  # a year
        if prev is not None and prev.text.lower() in EN_REFERENCE_WORDS:
            return []
        window = [t.text.lower() for t in doc[max(0, span.start - 2): span.end + 3]]
        if any(w in MONTHS_EN for w in window):
            return []  # part of a date (20 to 22 March 2024)
        if nxt is not None and nxt.text == "-" and nxt2 is not None and EN_ORDINAL_WORDS.match(nxt2.text):
            return []  # thirty-ninth
        if label == "duration" and "-" in [t.text for t in span] and nxt is not None \
                and nxt.text.lower() not in EN_TIME_NOUNS:
            return []  # three-year strategy: a kind of thing, not a stated duration
    sentence = sent.text.strip()
    qualifier = "exact"
    if label == "count_more" or (language == "zh" and any(t.text == "多" for t in span)):
        qualifier = "more_than"
    elif (language == "zh" and prev is not None and prev.text in APPROX_ZH) or \
            (language == "en" and prev is not None and prev.text.lower() in APPROX_EN):
        qualifier = "approx"
    unit = {"percent": "percent", "money": "money", "duration": "duration"}.get(label, "count")
    text = span.text
    if language == "en" and unit in ("count", "percent") and label != "count_more":
        text = doc[first.i: span.end].text if unit == "percent" else first.text
    measure = _measure(span, sent, unit, language, before)
    if unit == "money":
        values = _money_values(span, language)
        qualifier = "range" if len(values) == 2 else qualifier
        return [_Figure(start, v, unit, measure, qualifier, text, sentence) for v in values]
    value = _value(first.text, language)
    if value is None:
        return []
    word_one = value == 1 and first.text.lower() in ONE_WORDS
    return [_Figure(offset + first.idx, value, unit, measure, qualifier, text, sentence, word_one)]


def _money_values(span: Span, language: str) -> list[float]:
    text = span.text
    for cur in [*CURRENCIES_ZH, *CURRENCIES_EN]:
        text = text.replace(cur, " ")
    parts = re.split(r"\s*(?:至|到|to|–|-)\s*", text.strip())
    values = [_value(p, language) for p in parts if p.strip()]
    return [v for v in values if v is not None]


def _measure(span: Span, sent: Span, unit: str, language: str, before: list[_Figure]) -> str | None:
    doc = span.doc
    if unit == "duration":
        tail = [t.text for t in span if not re.fullmatch(r"[\d.,]+|[零〇一二两三四五六七八九十百千万]+|-", t.text)
                and _value(t.text, language) is None]
        if language == "zh":
            # 个月 is the unit "month" (月 alone is a calendar month); 三个两年期 counts 两年期.
            return "".join(tail) if tail == ["个", "月"] else "".join(t for t in tail if t != "个")
        return " ".join(tail)
    if unit == "money":
        for t in span:
            if t.text in CURRENCIES_ZH or t.text in CURRENCIES_EN:
                return t.text
        return None
    after_text = doc[span.end: sent.end].text
    sentence = sent.text
    if unit == "percent":
        if language == "zh":
            found = _zh_before(sentence[: span.start_char - sent.start_char], "从") \
                if "从" in sentence[: span.start_char - sent.start_char] else ""
        else:
            found = _en_before_from([t.text for t in doc[sent.start: span.start]])
        return found or (before[-1].measure if before else None)
    if language == "zh":
        import jieba.posseg as pseg

        words = [(w.word, w.flag) for w in pseg.lcut(after_text) if w.word.strip()]
        found = _zh_chunk(words)
        if not found:
            if before:
                return before[-1].measure
            head = sentence[: span.start_char - sent.start_char]
            if "数量" in head:
                return _zh_before(head, "数量")
        return found or None
    tokens = [t.text for t in doc[span.end: sent.end]]
    if tokens and tokens[0].lower() == "of":
        return None  # six of the 11 recommendations: filled from the figure it is part of
    found = _en_chunk(tokens)
    if not found:
        if before:
            return before[-1].measure
        return _en_number_of([t.text for t in doc[sent.start: span.start]]) or None
    return found


def _part_of_measures(figures: list[_Figure]) -> list[_Figure]:
    """six of the Task Group's 11 recommendations: six counts what 11 counts."""
    out = list(figures)
    for i, f in enumerate(out):
        if f.measure is None:
            later = [g for g in out[i + 1:] if g.sentence == f.sentence and g.measure]
            if later:
                out[i] = _Figure(f.start, f.value, f.unit, later[0].measure, f.qualifier, f.text, f.sentence,
                                 f.word_one)
    return out


def extract_figures(model: DocumentModel) -> list[FigureRecord]:
    records: list[FigureRecord] = []
    for paragraph, parts in paragraph_parts(model):
        for part in parts:
            for f in _part_of_measures(_figures_in(part, model.language)):
                records.append(FigureRecord(
                    paragraph=paragraph.number, page=part.page_at(f.start), value=f.value, unit=f.unit,
                    measure=f.measure or "", qualifier=f.qualifier, text=f.text, sentence=f.sentence,
                ))
    return records
