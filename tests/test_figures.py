"""Figures in prose: the samples (the variants: test_document_model), zh/en agreement, what is never a figure, and
the patterns on the cases DESIGN.md names."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from gbdocs.extractors.dates import find_dates
from gbdocs.extractors.figures import _figures_in, _part_of_measures
from gbdocs.extractors.paragraphs import Part
from gbdocs.extractors.references import find_references
from harness import extracted


@pytest.mark.parametrize("doc", ["A77_28", "EBPBAC25_3"])
def test_zh_and_en_state_the_same_figures_in_every_paragraph(doc: str) -> None:
    zh, en = extracted(f"{doc}.zh").figures, extracted(f"{doc}.en").figures
    for number in sorted(set(zh.paragraph) | set(en.paragraph)):
        a, b = zh[zh.paragraph == number], en[en.paragraph == number]
        assert Counter(zip(a.value, a.unit, strict=True)) == Counter(zip(b.value, b.unit, strict=True)), number


@pytest.mark.parametrize("name", ["A77_28.zh", "A77_28.en"])
def test_no_figure_is_a_symbol_date_year_id_or_reference_number(name: str) -> None:
    figures = extracted(name).figures
    assert len(figures) > 30
    for _, f in figures.iterrows():
        assert not 1900 <= f.value <= 2100, f"a year: {f.text} in {f.sentence[:50]}"
        assert not re.search(r"SIP\d|EB\d|A\d{2}/", f.text), f.text
        blocked = [(r.start, r.end) for r in find_references(f.sentence)]
        blocked += [(d.start, d.end) for d in find_dates(f.sentence)]
        free = [m.start() for m in re.finditer(re.escape(f.text), f.sentence)
                if not any(a <= m.start() < b for a, b in blocked)]
        assert free, f"{f.text} only occurs inside a symbol or date: {f.sentence[:60]}"
        for at in free:
            before = f.sentence[max(0, at - 10): at].lower()
            assert not before.rstrip().endswith(("第", "paragraph", "paragraphs", "section", "page")), f.text
        assert not re.fullmatch(r"\d+(th|st|nd|rd)", f.text)


def _run(text: str, language: str) -> list[tuple[float, str, str | None, str, str]]:
    part = Part(text, [0], [])
    return [(f.value, f.unit, f.measure, f.qualifier, f.text) for f in _part_of_measures(_figures_in(part, language))]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("实施的行动数量从38项增加到81项。", "zh",
     [(38, "count", "行动", "exact", "38项"), (81, "count", "行动", "exact", "81项")]),
    ("秘书处的实施率从39%上升到84%。", "zh",
     [(39, "percent", "实施率", "exact", "39%"), (84, "percent", "实施率", "exact", "84%")]),
    ("已实施了 13 项行动中的 12 项。", "zh",
     [(13, "count", "行动", "exact", "13 项"), (12, "count", "行动", "exact", "12 项")]),
    ("确定了分六年（或三个两年期）执行的 20 多个重大计划/项目。", "zh",
     [(6, "duration", "年", "exact", "六年"), (3, "duration", "两年期", "exact", "三个两年期"),
      (20, "count", "重大计划/项目", "more_than", "20 多个")]),
    ("试点项目的估计费用为 50 000 至 60 000 美元。", "zh",
     [(50000, "money", "美元", "range", "50 000"), (60000, "money", "美元", "range", "60 000 美元")]),
    ("发起了十五项计划。", "zh", [(15, "count", "计划", "exact", "十五项")]),
    ("The estimated cost is US$ 50 000 to US$ 60 000.", "en",
     [(50000, "money", "US$", "range", "US$ 50 000"), (60000, "money", "US$", "range", "US$ 60 000")]),
    ("more than 20 major programmes/projects to be implemented over six years (or three bienniums).", "en",
     [(20, "count", "major programmes/projects", "more_than", "more than 20"),
      (6, "duration", "years", "exact", "six years"), (3, "duration", "bienniums", "exact", "three bienniums")]),
    ("已与约 20 个会员国举行磋商。", "zh", [(20, "count", "会员国", "approx", "约 20 个")]),
    ("Consultations were held with about 20 Member States.", "en",
     [(20, "count", "Member States", "approx", "about 20")]),
    ("the Secretariat has implemented 12 of the 13 actions.", "en",
     [(12, "count", "actions", "exact", "12"), (13, "count", "actions", "exact", "13")]),
])
def test_patterns(text: str, language: str, expected: list[tuple]) -> None:
    assert _run(text, language) == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # money with a multiplier word: the value is multiplied, the text keeps the word
    ("秘书处额外调拨了 2500 万美元。", "zh", [(25_000_000, "money", "美元", "exact", "2500 万美元")]),
    ("预算为 1.5 亿美元。", "zh", [(150_000_000, "money", "美元", "exact", "1.5 亿美元")]),
    ("费用为 25 至 30 万美元。", "zh",
     [(250_000, "money", "美元", "range", "25"), (300_000, "money", "美元", "range", "30 万美元")]),
    ("the Secretariat allocated an additional US$ 25 million to 30 priority country offices.", "en",
     [(25_000_000, "money", "US$", "exact", "US$ 25 million"),
      (30, "count", "priority country offices", "exact", "30")]),
    ("The cost is US$ 25 to 30 million.", "en",
     [(25_000_000, "money", "US$", "range", "US$ 25"), (30_000_000, "money", "US$", "range", "30 million")]),
    ("A grant of US$ 500 000 to 1 million.", "en",
     [(500_000, "money", "US$", "range", "US$ 500 000"), (1_000_000, "money", "US$", "range", "1 million")]),
    ("about US$ 2 billion was raised.", "en", [(2e9, "money", "US$", "approx", "about US$ 2 billion")]),
    # 'to' before a counted noun is a preposition, not a range
    ("It gave US$ 50 000 to 12 country offices.", "en",
     [(50_000, "money", "US$", "exact", "US$ 50 000"), (12, "count", "country offices", "exact", "12")]),
    # approx keeps its word; a percentage of a noun (…% 的 / % of) measures that noun
    ("约 60% 的国家办事处已完成自我评估。", "zh", [(60, "percent", "国家办事处", "approx", "约 60%")]),
    ("about 60% of country offices have completed the self-assessment.", "en",
     [(60, "percent", "country offices", "approx", "about 60%")]),
    # durations in days, Chinese numeral glued to 天 by jieba
    ("会议的会期从四天缩短为三天。", "zh",
     [(4, "duration", "天", "exact", "四天"), (3, "duration", "天", "exact", "三天")]),
    ("the meetings have been shortened from four days to three days.", "en",
     [(4, "duration", "days", "exact", "four days"), (3, "duration", "days", "exact", "three days")]),
    # classifier 种
    ("以全部六种正式语言提供摘要记录。", "zh", [(6, "count", "正式语言", "exact", "六种")]),
    ("available in all six official languages.", "en", [(6, "count", "official languages", "exact", "six")]),
    # the measure stops at adverbs and verbs
    ("秘书处为 30 个重点国家办事处额外调拨了资金。", "zh", [(30, "count", "重点国家办事处", "exact", "30 个")]),
    ("可以通过八个管理看板监测实施计划。", "zh", [(8, "count", "管理看板", "exact", "八个")]),
    # parts of an enumeration whose verb takes a 的-phrase as object: the noun of the figure before
    ("在正在进行的5项行动中，有3项涉及问责制，2项涉及在国家级的影响。", "zh",
     [(5, "count", "行动", "exact", "5项"), (3, "count", "行动", "exact", "3项"),
      (2, "count", "行动", "exact", "2项")]),
    # the noun before 从
    ("尚未结束的行动从15项减少到7项。", "zh",
     [(15, "count", "行动", "exact", "15项"), (7, "count", "行动", "exact", "7项")]),
    # X of these N: the noun after 'of' when no figure follows
    ("Two of these actions had been reopened.", "en", [(2, "count", "actions", "exact", "Two")]),
    ("six of the Task Group's 11 recommendations.", "en",
     [(6, "count", "recommendations", "exact", "six"), (11, "count", "recommendations", "exact", "11")]),
])
def test_patterns_of_new_phrasings(text: str, language: str, expected: list[tuple]) -> None:
    assert _run(text, language) == expected


def test_an_opening_bracket_begins_the_next_sentence() -> None:
    text = "秘书处调拨了资金。《2025 年报告》报告了三个层级的进展。"
    figures = _figures_in(Part(text, [0], []), "zh")
    assert [(f.value, f.sentence) for f in figures] == [(3, "《2025 年报告》报告了三个层级的进展。")]


@pytest.mark.parametrize(("text", "language"), [
    ("见上文第 8 段；执委会第 154 届会议；规划、预算和行政委员会第 37 和 38 次会议。", "zh"),
    ("文件 EB152/34 和 EB154/33 Add.3 Rev.1，2024 年 4 月 8 日访问，2022-2023 年结果报告。", "zh"),
    ("其中包括“三个十亿”目标看板。秘书处还结束了一项行动。", "zh"),
    ("See paragraph 4 and document EB152/34; the Board at its 154th session, on 8 April 2024, in Q2 2024.",
     "en"),
    ("At its thirty-ninth meeting the Secretariat closed an action; WHO’s three-year strategy 2023–2025.",
     "en"),
])
def test_numbers_that_are_not_figures(text: str, language: str) -> None:
    assert _run(text, language) == []


def test_the_nlp_pipeline_is_built_once_and_only_when_needed() -> None:
    import subprocess
    import sys

    code = "import sys, pipeline.cli; print('spacy' in sys.modules, 'jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]  # gbdocs --help, gbdocs inspect do not pay for NLP
    from gbdocs.extractors.nlp import pipeline

    assert pipeline("zh") is pipeline("zh")


def test_a_paragraph_over_a_million_characters_is_no_internal_error() -> None:
    """Found by `make fuzz` (long-content-stream, samples/EBPBAC25_3.zh.pdf, seed 3254340169): a
    damaged page ran 1,363,635 characters together and spaCy refused them (E088) — an internal
    error. These pipelines have no parser or NER: the memory limit judges such a text."""
    from gbdocs.extractors.nlp import pipeline

    text = "In 2024, 12 of 15 actions were implemented. " * 23_000  # 1,012,000 characters
    assert len(text) > 1_000_000
    doc = pipeline("en")(text)
    assert len(list(doc.sents)) == 23_000
