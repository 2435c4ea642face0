"""spaCy pipelines for figures in prose: ``spacy.blank("zh")`` with the jieba segmenter and a
domain user dictionary, ``spacy.blank("en")``, each with registered components.

Loaded once per process and only by extractors that need them: the zh pipeline costs
about a second to build (jieba's dictionary), nothing else should pay for it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from gbdocs.extractors.figures import CURRENCIES_EN, CURRENCIES_ZH, EN_STOP, MULTIPLIERS_EN, MULTIPLIERS_ZH

USER_DICT = Path(__file__).with_name("data") / "jieba_user_dict.txt"

ZH_DIGITS = "零〇一二两三四五六七八九十百千万"
ZH_CLASSIFIERS = ["项", "个", "份", "名", "所", "家", "次", "种"]
ZH_DURATIONS = ["年", "两年期", "周", "天"]
EN_DURATIONS = ["month", "months", "year", "years", "week", "weeks", "day", "days", "biennium",
                "bienniums", "biennia"]
OPENERS = {"《", "“", "‘", "（", "(", "[", "【", "「", "『"}

# jieba glues a Chinese numeral to what follows it (三个, 六年, 四天, 六种, 多个): split.
_ZH_AFTER_NUMERAL = "|".join(sorted({*ZH_CLASSIFIERS, *ZH_DURATIONS}, key=len, reverse=True))
ZH_NUMERAL = re.compile(rf"^(这|那|该|此)?([{ZH_DIGITS}]+)(多)?({_ZH_AFTER_NUMERAL})$")
ZH_MORE = re.compile(r"^(多)(个|项|名|次|种)$")
# ... and a multiplier to its currency (2500 万美元) or a number to its multiplier (2500万).
_ZH_MULTIPLIER = "|".join(sorted(MULTIPLIERS_ZH, key=len, reverse=True))
ZH_MULTIPLIED = re.compile(rf"^(\d+(?:\.\d+)?)?({_ZH_MULTIPLIER})({'|'.join(CURRENCIES_ZH)})?$")
NUM_RE = rf"^(\d+([.,]\d+)?|[{ZH_DIGITS}]+)$"
EN_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                   "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                   "nineteen", "twenty", "thirty", "forty", "fifty", "hundred"]

MAX_TEXT_CHARS = 100_000_000


def _after_number(doc: Doc, i: int) -> bool:
    before = [t for t in doc[max(0, i - 2): i] if not t.is_space]
    return bool(before) and bool(re.match(NUM_RE, before[-1].text))


@Language.component("gbdocs_split_numerals")
def split_numerals(doc: Doc) -> Doc:
    """jieba glues Chinese numerals to their classifier (三个, 六年, 四天, 多个) and multipliers
    to their currency (2500 万美元): split them, so that patterns see a number, a multiplier
    and a classifier or currency as in 38 项."""
    with doc.retokenize() as retokenizer:
        for token in doc:
            m = ZH_NUMERAL.match(token.text)
            more = ZH_MORE.match(token.text)
            multiplied = ZH_MULTIPLIED.match(token.text)
            if m:
                parts = [p for p in m.groups() if p]
            elif more and _after_number(doc, token.i):
                parts = [more.group(1), more.group(2)]  # 20 多个
            elif multiplied:
                parts = [p for p in multiplied.groups() if p]
            else:
                continue
            if len(parts) > 1:
                retokenizer.split(token, parts, heads=[(token, i) for i in range(len(parts))])
    return doc


@Language.component("gbdocs_sentence_openers")
def sentence_openers(doc: Doc) -> Doc:
    """An opening bracket or quotation mark after a full stop begins the next sentence
    (。《2025 年报告》…); the sentencizer leaves it at the end of the previous one."""
    for token in doc[1:]:
        if not token.is_sent_start:
            continue
        first = token.i
        while first - 1 > 0 and doc[first - 1].text in OPENERS and not doc[first - 1].is_sent_start:
            first -= 1
        if first != token.i:
            doc[first].is_sent_start = True
            for later in doc[first + 1: token.i + 1]:
                later.is_sent_start = False
    return doc


def _num(**extra: object) -> dict[str, object]:
    return {"TEXT": {"REGEX": NUM_RE}, **extra}


ZH_MULT = {"TEXT": {"IN": list(MULTIPLIERS_ZH)}, "OP": "?"}
ZH_RANGE = {"TEXT": {"IN": ["至", "到", "-", "–"]}}
ZH_PATTERNS: dict[str, list[list[dict[str, object]]]] = {
    "percent": [[_num(), {"TEXT": {"IN": ["%", "％"]}}],
                [{"TEXT": {"REGEX": r"^\d+(\.\d+)?[%％]$"}}],
                [{"TEXT": "百分之"}, _num()]],
    "money": [[_num(), _num(OP="*"), ZH_MULT, ZH_RANGE, _num(), _num(OP="*"), ZH_MULT,
               {"TEXT": {"IN": CURRENCIES_ZH}}],
              [_num(), _num(OP="*"), ZH_MULT, {"TEXT": {"IN": CURRENCIES_ZH}}]],
    "duration": [[_num(), {"TEXT": "个"}, {"TEXT": "月"}],
                 [_num(), {"TEXT": "个", "OP": "?"}, {"TEXT": {"IN": ZH_DURATIONS}}]],
    "count_more": [[_num(), {"IS_SPACE": True, "OP": "?"}, {"TEXT": "多"}, {"TEXT": {"IN": ZH_CLASSIFIERS}}]],
    "count": [[_num(), {"IS_SPACE": True, "OP": "?"}, {"TEXT": {"IN": ZH_CLASSIFIERS}}]],
}

EN_NUM = {"LOWER": {"REGEX": rf"^(\d+([.,]\d+)?|{'|'.join(EN_NUMBER_WORDS)})$"}}
EN_GROUP = {"TEXT": {"REGEX": r"^\d{3}$"}, "OP": "*"}  # 50 000: a space as thousands separator
EN_CUR = {"TEXT": {"IN": CURRENCIES_EN}}
EN_MULT = {"LOWER": {"IN": list(MULTIPLIERS_EN)}}
EN_RANGE = {"LOWER": {"IN": ["to", "-", "–"]}}
EN_PATTERNS: dict[str, list[list[dict[str, object]]]] = {
    "percent": [[EN_NUM, {"TEXT": "%"}], [{"TEXT": {"REGEX": r"^\d+(\.\d+)?%$"}}],
                # "per cent" (United Nations style) is printed whole
                [EN_NUM, {"LOWER": "percent"}], [EN_NUM, {"LOWER": "per"}, {"LOWER": "cent"}]],
    # US$ 50 000 to US$ 60 000, US$ 25 to 30 million, US$ 25 million to US$ 30 million, US$ 25 million.
    # A multiplier on the first end only is no range (US$ 25 million to 30 country offices).
    "money": [[EN_CUR, EN_NUM, EN_GROUP, EN_RANGE, {**EN_CUR, "OP": "?"}, EN_NUM, EN_GROUP, {**EN_MULT, "OP": "?"}],
              [EN_CUR, EN_NUM, EN_GROUP, EN_MULT, EN_RANGE, {**EN_CUR, "OP": "?"}, EN_NUM, EN_GROUP, EN_MULT],
              [EN_CUR, EN_NUM, EN_GROUP, {**EN_MULT, "OP": "?"}]],
    "duration": [[EN_NUM, {"TEXT": "-", "OP": "?"}, {"LOWER": {"IN": EN_DURATIONS}}]],
    "count_more": [[{"LOWER": "more"}, {"LOWER": "than"}, EN_NUM]],
    "count": [[EN_NUM]],
}


@Language.factory("gbdocs_figures", default_config={"language": "en"})
def make_figure_finder(nlp: Language, name: str, language: str) -> FigureFinder:
    return FigureFinder(nlp, language)


class FigureFinder:
    """Marks candidate figures as spans in ``doc.spans["figures"]``, labelled with the
    pattern that found them (percent, money, duration, count_more, count); the longest match
    wins where patterns overlap. Deciding which candidates are figures is left to
    ``gbdocs.extractors.figures``, which knows about dates, symbols and ordinals."""

    def __init__(self, nlp: Language, language: str) -> None:
        self.matcher = Matcher(nlp.vocab)
        patterns = ZH_PATTERNS if language == "zh" else EN_PATTERNS
        for label, rules in patterns.items():
            self.matcher.add(label, rules)

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, start, end, label=doc.vocab.strings[match_id])
                 for match_id, start, end in self.matcher(doc)]
        doc.spans["figures"] = filter_spans([s for s in spans if not _to_is_a_preposition(s)])
        return doc


def _to_is_a_preposition(span: Span) -> bool:
    """US$ 50 000 to 30 country offices: a money range whose second end has neither currency
    nor multiplier and is followed by a word counts something else (the 'to' is a preposition)."""
    if span.label_ != "money" or span.doc.lang_ != "en":
        return False
    at = [t.i for t in span[1:] if t.lower_ in EN_RANGE["LOWER"]["IN"]]
    if not at:
        return False
    second = span.doc[at[0] + 1: span.end]
    if any(t.text in CURRENCIES_EN or t.lower_ in MULTIPLIERS_EN for t in second):
        return False
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    return nxt is not None and nxt.is_alpha and nxt.lower_ not in EN_STOP


@cache
def pipeline(language: str) -> Language:
    """The pipeline of one language, built once per process."""
    if language == "zh":
        import jieba

        jieba.setLogLevel(60)  # its "Building prefix dict" chatter is not for our users
        with USER_DICT.open("rb") as words:  # given a path, jieba leaves the file open
            jieba.load_userdict(words)
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.add_pipe("gbdocs_split_numerals")
    else:
        nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("gbdocs_sentence_openers")
    nlp.add_pipe("gbdocs_figures", config={"language": language})
    # spaCy refuses texts over 1,000,000 characters to spare a parser's and NER's memory; these
    # pipelines have neither, and a paragraph that long (a damaged page's text run together,
    # found by the fuzzer) is the memory limit's to judge, not an internal error.
    nlp.max_length = MAX_TEXT_CHARS
    return nlp
