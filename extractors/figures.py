"""The ``figures`` table: numbers stated in the prose of numbered paragraphs.

Candidates come from the spaCy pipelines of ``gbdocs.extractors.nlp`` (Matcher patterns for
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
  figure before it in the sentence, else the noun before 数量 / after "number of" / before
  从 (尚未结束的行动从15项…); for "two of these actions" the noun after "of". For a percentage
  it is the quantity before 从 / from (实施率, implementation rate), else the noun it is a
  share of (60% 的国家办事处, 60% of country offices); for a duration, the time unit; for
  money, the currency;
- ``text`` is the number with its classifier or unit as printed, with the qualifier word of
  an approximate figure (约 60%, about 60%); each end of a money range is a row with its own
  text (50 000 | 60 000 美元), and a multiplier word (万, million) multiplies the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cn2an
from text_to_num import text2num

from gbdocs.extractors.dates import find_dates
from gbdocs.extractors.document import DocumentModel
from gbdocs.extractors.paragraphs import Part, paragraph_parts
from gbdocs.extractors.records import FigureRecord
from gbdocs.extractors.references import find_references

if TYPE_CHECKING:  # spaCy is imported only when figures are extracted (start-up cost)
    from spacy.tokens import Span

CURRENCIES_ZH = ["美元", "瑞士法郎", "欧元"]
CURRENCIES_EN = ["US$", "$", "CHF", "€", "USD"]
# Multiplier words of money (2500 万美元, US$ 25 million): the value is the number times the factor.
MULTIPLIERS_ZH = {"万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "十亿": 1e9}
MULTIPLIERS_EN = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
RANGE_WORDS = {"至", "到", "to", "-", "–"}

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
ZH_CLAUSE_END = set("，。；：、（）()！？")


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


def _zh_chunk(words: list[tuple[str, str]], elided: bool = False) -> str:
    """Noun phrase at the start of ``words`` (jieba word, flag pairs), by the rules above.

    ``elided``: the figure follows another one in the same sentence, so a verb right after it
    may be the predicate of a left-out noun (2项涉及在国家级的影响: not a relative clause)."""
    return _zh_noun_run(words, elided)[0]


def _zh_noun_run(words: list[tuple[str, str]], elided: bool = False) -> tuple[str, int]:
    """The noun phrase at the start of ``words`` and the number of words it reaches over."""
    i = 0
    while i < len(words) and (words[i][1] == "r" or words[i][0] in {"其他", "另外", "所有", "这些"}):
        i += 1
    if i < len(words) and words[i][1].startswith("v") and words[i][1] != "vn":
        # A relative clause (符合…标准的行动): the noun after its 的.
        for j in range(i, len(words)):
            if words[j][0] in ZH_CLAUSE_END:
                return "", j
            if words[j][0] == "的":
                noun, length = _zh_noun_run(words[j + 1:])
                end = j + 1 + length
                if elided and (end >= len(words) or words[end][0] in ZH_CLAUSE_END):
                    return "", end  # the 的-phrase closes the clause: it is the verb's object
                return noun, end
        return "", len(words)
    out: list[str] = []
    adjectives: list[str] = []
    start = i
    while i < len(words):
        word, flag = words[i]
        nxt = words[i + 1][1] if i + 1 < len(words) else ""
        if flag == "b" and not nxt.startswith(NOUNISH):
            break  # a distinguishing word only modifies a noun after it (…办事处额外调拨)
        if flag.startswith(NOUNISH):
            out += [*adjectives, word]
            adjectives = []
        elif flag.startswith(ADJECTIVE) and not out:
            adjectives.append(word)
        elif word == "的" and adjectives and not out and nxt.startswith(NOUNISH):
            adjectives.append(word)  # 关键的…领域
        elif word in {"/", "和"} and out and nxt.startswith(NOUNISH):
            out.append(word)  # 计划/项目, 信息管理和信息技术
        else:
            break
        i += 1
    if not out and adjectives and "的" not in adjectives:
        return "".join(adjectives), i  # 其他努力: a word jieba tags as adjective, used as a noun
    if i - start >= 3 and i + 1 < len(words) and words[i][0] == "的" and words[i + 1][1].startswith(NOUNISH):
        noun, length = _zh_noun_run(words[i + 1:])  # a long modifier (符合国际援助透明度倡议标准的行动): its noun
        return noun, i + 1 + length
    return "".join(out), i


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
    from gbdocs.extractors.nlp import pipeline

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
    text_start, text_end = span.start, span.end
    if language == "en" and unit in ("count", "percent") and label != "count_more":
        text_start, text_end = first.i, (span.end if unit == "percent" else first.i + 1)
    if qualifier == "approx":
        text_start = prev.i  # 约 60%, about 60%: the qualifier word is printed with the number
    text = doc[text_start: text_end].text
    measure = _measure(span, sent, unit, language, before)
    if unit == "money":
        ends = _money_ends(span, language)
        if len(ends) == 2:
            qualifier = "range"
        elif qualifier == "approx":
            ends = [(text_start, *ends[0][1:])] if ends else []
        return [_Figure(offset + doc[a].idx, value, unit, measure, qualifier, doc[a: b].text, sentence)
                for a, b, value in ends]
    value = _value(first.text, language)
    if value is None:
        return []
    word_one = value == 1 and first.text.lower() in ONE_WORDS
    return [_Figure(offset + first.idx, value, unit, measure, qualifier, text, sentence, word_one)]


def _money_ends(span: Span, language: str) -> list[tuple[int, int, float]]:
    """The ends of a money figure as (first token, end token, value): one, or two for a range
    (50 000 至 60 000 美元 -> 50 000 | 60 000 美元; US$ 50 000 to US$ 60 000). A multiplier
    (2500 万美元, US$ 25 million) multiplies its end, and the first end too when only the
    last carries it (US$ 25 to 30 million)."""
    multipliers = MULTIPLIERS_ZH if language == "zh" else MULTIPLIERS_EN
    cut = [t.i for t in span[1:] if t.lower_ in RANGE_WORDS]
    bounds = [(span.start, cut[0]), (cut[0] + 1, span.end)] if cut else [(span.start, span.end)]
    ends: list[tuple[int, int, float | None, float | None]] = []
    for a, b in bounds:
        tokens = [t for t in span.doc[a: b] if not t.is_space]
        factor = next((multipliers[t.lower_] for t in tokens if t.lower_ in multipliers), None)
        digits = "".join(t.text for t in tokens if t.lower_ not in multipliers
                         and t.text not in CURRENCIES_ZH and t.text not in CURRENCIES_EN)
        ends.append((a, b, _value(digits, language), factor))
    if any(value is None for _, _, value, _ in ends):
        return []
    last_value, last_factor = ends[-1][2], ends[-1][3]
    out = []
    for a, b, value, factor in ends:
        if factor is None and last_factor and value < last_value:
            factor = last_factor  # US$ 25 to 30 million (but not US$ 500 000 to 1 million)
        out.append((a, b, value * (factor or 1)))
    return out


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
    head = sentence[: span.start_char - sent.start_char]
    if language == "zh":
        import jieba.posseg as pseg

        words = [(w.word, w.flag) for w in pseg.lcut(after_text) if w.word.strip()]
    if unit == "percent":
        if language == "zh":
            found = _zh_before(head, "从") if "从" in head else ""
            if not found and words and words[0][0] == "的":
                found = _zh_chunk(words[1:])  # 约 60% 的国家办事处
        else:
            found = _en_before_from([t.text for t in doc[sent.start: span.start]])
            after = [t.text for t in doc[span.end: sent.end]]
            if not found and after and after[0].lower() == "of":
                found = _en_chunk(after[1:])  # about 60% of country offices
        return found or (before[-1].measure if before else None)
    if language == "zh":
        found = _zh_chunk(words, elided=bool(before) and before[-1].unit == "count")
        if not found:
            if before:
                return before[-1].measure
            if "数量" in head:
                return _zh_before(head, "数量")
            if head.rstrip().endswith("从"):
                return _zh_before(head, "从")  # 尚未结束的行动从15项减少到7项
        return found or None
    tokens = [t.text for t in doc[span.end: sent.end]]
    if tokens and tokens[0].lower() == "of":
        rest = tokens[1:]
        clause = rest[: next((i for i, t in enumerate(rest) if t in {",", ";", ":", "."}), len(rest))]
        if any(re.fullmatch(r"\d[\d.,]*", t) or (t.isalpha() and _value(t, "en") is not None) for t in clause):
            return None  # six of the 11 recommendations: filled from the figure it is part of
        return _en_chunk(rest) or None  # Two of these actions
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
    placed: dict[str, int] = {}  # figures so far per paragraph number
    for paragraph, parts in paragraph_parts(model):
        for part in parts:
            for f in _part_of_measures(_figures_in(part, model.language)):
                placed[paragraph.number] = placed.get(paragraph.number, 0) + 1
                records.append(FigureRecord(
                    paragraph=paragraph.number, figure=placed[paragraph.number], page=part.page_at(f.start),
                    value=f.value, unit=f.unit, measure=f.measure or "", qualifier=f.qualifier, text=f.text,
                    sentence=f.sentence,
                ))
    return records
