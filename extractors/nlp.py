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

from extractors.figures import CURRENCIES_EN, CURRENCIES_ZH

USER_DICT = Path(__file__).with_name("data") / "jieba_user_dict.txt"

ZH_DIGITS = "零〇一二两三四五六七八九十百千万"
ZH_NUMERAL = re.compile(rf"^(这|那|该|此)?([{ZH_DIGITS}]+)(个|项|年|次|份|名|多个)$")
ZH_MORE = re.compile(r"^(多)(个|项|名|次)$")
NUM_RE = rf"^(\d+([.,]\d+)?|[{ZH_DIGITS}]+)$"
EN_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                   "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                   "nineteen", "twenty", "thirty", "forty", "fifty", "hundred"]

ZH_CLASSIFIERS = ["项", "个", "份", "名", "所", "家", "次"]
ZH_DURATIONS = ["年", "两年期", "周", "天"]
EN_DURATIONS = ["month", "months", "year", "years", "week", "weeks", "day", "days", "biennium",
                "bienniums", "biennia"]


def _after_number(doc: Doc, i: int) -> bool:
    before = [t for t in doc[max(0, i - 2): i] if not t.is_space]
    return bool(before) and bool(re.match(NUM_RE, before[-1].text))


@Language.component("gbdocs_split_numerals")
def split_numerals(doc: Doc) -> Doc:
    """jieba glues Chinese numerals to their classifier (三个, 六年, 多个): split them, so that
    patterns see a number and a classifier as in 38 项."""
    with doc.retokenize() as retokenizer:
        for token in doc:
            m = ZH_NUMERAL.match(token.text)
            more = ZH_MORE.match(token.text)
            if m:
                parts = [p for p in (m.group(1), m.group(2)) if p]
                parts += ["多", "个"] if m.group(3) == "多个" else [m.group(3)]
            elif more and _after_number(doc, token.i):
                parts = [more.group(1), more.group(2)]  # 20 多个
            else:
                continue
            retokenizer.split(token, parts, heads=[(token, i) for i in range(len(parts))])
    return doc


def _num(**extra: object) -> dict[str, object]:
    return {"TEXT": {"REGEX": NUM_RE}, **extra}


ZH_PATTERNS: dict[str, list[list[dict[str, object]]]] = {
    "percent": [[_num(), {"TEXT": {"IN": ["%", "％"]}}],
                [{"TEXT": {"REGEX": r"^\d+(\.\d+)?[%％]$"}}],
                [{"TEXT": "百分之"}, _num()]],
    "money": [[_num(), _num(OP="*"), {"TEXT": {"IN": ["至", "到", "-", "–"]}}, _num(), _num(OP="*"),
               {"TEXT": {"IN": CURRENCIES_ZH}}],
              [_num(), _num(OP="*"), {"TEXT": {"IN": CURRENCIES_ZH}}]],
    "duration": [[_num(), {"TEXT": "个"}, {"TEXT": "月"}],
                 [_num(), {"TEXT": "个", "OP": "?"}, {"TEXT": {"IN": ZH_DURATIONS}}]],
    "count_more": [[_num(), {"IS_SPACE": True, "OP": "?"}, {"TEXT": "多"}, {"TEXT": {"IN": ZH_CLASSIFIERS}}]],
    "count": [[_num(), {"IS_SPACE": True, "OP": "?"}, {"TEXT": {"IN": ZH_CLASSIFIERS}}]],
}

EN_NUM = {"LOWER": {"REGEX": rf"^(\d+([.,]\d+)?|{'|'.join(EN_NUMBER_WORDS)})$"}}
EN_PATTERNS: dict[str, list[list[dict[str, object]]]] = {
    "percent": [[EN_NUM, {"TEXT": "%"}], [{"TEXT": {"REGEX": r"^\d+(\.\d+)?%$"}}],
                [EN_NUM, {"LOWER": {"IN": ["percent", "per"]}}]],
    "money": [[{"TEXT": {"IN": CURRENCIES_EN}}, EN_NUM, {"TEXT": {"REGEX": r"^\d{3}$"}, "OP": "*"},
               {"LOWER": {"IN": ["to", "-", "–"]}}, {"TEXT": {"IN": CURRENCIES_EN}, "OP": "?"}, EN_NUM,
               {"TEXT": {"REGEX": r"^\d{3}$"}, "OP": "*"}],
              [{"TEXT": {"IN": CURRENCIES_EN}}, EN_NUM, {"TEXT": {"REGEX": r"^\d{3}$"}, "OP": "*"}]],
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
    ``extractors.figures``, which knows about dates, symbols and ordinals."""

    def __init__(self, nlp: Language, language: str) -> None:
        self.matcher = Matcher(nlp.vocab)
        patterns = ZH_PATTERNS if language == "zh" else EN_PATTERNS
        for label, rules in patterns.items():
            self.matcher.add(label, rules)

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, start, end, label=doc.vocab.strings[match_id])
                 for match_id, start, end in self.matcher(doc)]
        doc.spans["figures"] = filter_spans(spans)
        return doc


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
    nlp.add_pipe("gbdocs_figures", config={"language": language})
    return nlp
