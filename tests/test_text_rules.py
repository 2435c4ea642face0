"""The small rules the extractors are built from, on the cases that motivated them."""

from __future__ import annotations

import pytest

from gbdocs.extractors.dates import find_dates, parse_date
from gbdocs.extractors.numerals import session_number
from gbdocs.extractors.references import find_references, normalise_symbol
from gbdocs.extractors.script import join_lines


@pytest.mark.parametrize(("lines", "language", "joined"), [
    (["规划、预算和行政委", "员会第 37 和 38 次会议"], "zh", "规划、预算和行政委员会第 37 和 38 次会议"),
    (["监测将从 2024-202", "5 双年度开始"], "zh", "监测将从 2024-2025 双年度开始"),
    (["根据联合国文件 JIU/R", "EP/2021/5 的建议"], "zh", "根据联合国文件 JIU/REP/2021/5 的建议"),
    (["文件 EB154/33 Add.", "2)。"], "zh", "文件 EB154/33 Add.2)。"),
    (["the Secretariat", "has implemented"], "en", "the Secretariat has implemented"),
    (["expected by end-", "2024."], "en", "expected by end-2024."),
    (["https://www.who.int/about/tracking-secretariat-implementation-", "plan-(sip)-actions (accessed"], "en",
     "https://www.who.int/about/tracking-secretariat-implementation-plan-(sip)-actions (accessed"),
    (["(https://example.org/a.pdf,", "accessed 8 April 2024)"], "en",
     "(https://example.org/a.pdf, accessed 8 April 2024)"),
])
def test_wrapped_lines_join_by_script(lines: list[str], language: str, joined: str) -> None:
    assert join_lines(lines, language)[0] == joined


def test_soft_hyphen_is_dropped_only_for_words_the_document_uses() -> None:
    assert join_lines(["the imple-", "mentation plan"], "en", frozenset({"implementation"}))[0] == \
        "the implementation plan"
    assert join_lines(["a well-", "being index"], "en", frozenset())[0] == "a well-being index"


def test_cjk_latin_spacing_follows_the_paragraph() -> None:
    spaced = ["执委会第 154 届会议审议了", "2023 年的报告"]
    tight = ["2023年1月至2024年4月，实施的行动数量从38项增加到", "81项。"]
    assert join_lines(spaced, "zh")[0] == "执委会第 154 届会议审议了 2023 年的报告"
    assert join_lines(tight, "zh")[0] == "2023年1月至2024年4月，实施的行动数量从38项增加到81项。"


def test_references_are_found_and_normalised() -> None:
    text = ("文件 EB154/33、EB154/33 Add1、EB154/33 Add3 Rev.1；文件 154/34 Add.2；EB152(16)号决定；"
            "决议 WHA76.1；JIU/REP/2021/5；EB152/2023/REC/2；可由 https://www.who.int/x-(sip)-actions "
            "获取(2024年4月8日访问)。")
    found = [(r.kind, r.ref, r.ref_text, r.accessed) for r in find_references(text)]
    assert found == [
        ("document", "EB154/33", "EB154/33", None),
        ("document", "EB154/33 Add.1", "EB154/33 Add1", None),
        ("document", "EB154/33 Add.3 Rev.1", "EB154/33 Add3 Rev.1", None),
        ("document", "154/34 Add.2", "154/34 Add.2", None),
        ("decision", "EB152(16)", "EB152(16)", None),
        ("resolution", "WHA76.1", "WHA76.1", None),
        ("document", "JIU/REP/2021/5", "JIU/REP/2021/5", None),
        ("document", "EB152/2023/REC/2", "EB152/2023/REC/2", None),
        ("url", "https://www.who.int/x-(sip)-actions", "https://www.who.int/x-(sip)-actions", "2024-04-08"),
    ]
    assert normalise_symbol("A77/INF./3") == "A77/INF./3"


def test_numbers_inside_urls_and_bare_fractions_are_not_symbols() -> None:
    text = "(https://apps.who.int/iris/handle/10665/366298/x.pdf, accessed 8 April 2024) and 2024/25 和 154/34"
    assert [(r.kind, r.accessed) for r in find_references(text)] == [("url", "2024-04-08")]


def test_dates_and_session_numbers() -> None:
    assert parse_date("A77/28 2024年4月22日") == "2024-04-22"
    assert parse_date("EBPBAC25/3 11 January 2017") == "2017-01-11"
    assert parse_date("31 February 2024") is None
    assert [d.iso for d in find_dates("2023 年 12 月 31 日 / 31 December 2023")] == ["2023-12-31", "2023-12-31"]
    assert session_number("第七十七届世界卫生大会") == 77
    assert session_number("执行委员会规划、预算和行政委员会 第二十五次会议") == 25
    assert session_number("SEVENTY-SEVENTH WORLD HEALTH ASSEMBLY") == 77
    assert session_number("EXECUTIVE BOARD 154th session") == 154


@pytest.mark.parametrize(("text", "url"), [
    ("可由 https://www.who.int/about/accountability/governance/member-states-portal获取",
     "https://www.who.int/about/accountability/governance/member-states-portal"),
    ("可在会员国门户网站（https://www.who.int/about/member-states-portal）查阅",
     "https://www.who.int/about/member-states-portal"),
    ("见https://www.who.int/publications/i/item/9789240069039。", "https://www.who.int/publications/i/item/9789240069039"),
    ("(see https://www.who.int/a-(sip)-actions).", "https://www.who.int/a-(sip)-actions"),
])
def test_a_url_ends_where_the_text_around_it_begins(text: str, url: str) -> None:
    assert [r.ref for r in find_references(text) if r.kind == "url"] == [url]


def test_a_hyphenating_document_loses_syllable_hyphens_and_keeps_compounds() -> None:
    from gbdocs.extractors.script import Vocabulary

    words = Vocabulary({"organization", "implementation", "plan", "report"}, hyphenates=True)
    assert join_lines(["implementation activi-", "ties but"], "en", words)[0] == "implementation activities but"
    assert join_lines(["an Organization-", "wide review"], "en", words)[0] == "an Organization-wide review"
    assert join_lines(["a three-", "year strategy"], "en", words)[0] == "a three-year strategy"
    assert join_lines(["https://www.who.int/tracking-implementa-", "tion-plan"], "en", words)[0] == \
        "https://www.who.int/tracking-implementation-plan"
    # a document that does not hyphenate keeps every line-end hyphen it has no word for
    plain = Vocabulary({"plan"}, hyphenates=False)
    assert join_lines(["implementation activi-", "ties"], "en", plain)[0] == "implementation activi-ties"


def test_category_names_of_translations_share_a_key() -> None:
    from gbdocs.schemas import category_key

    for name in ("Impact at country level", "Impact at the country level", "Country-level impact",
                 "country-level impact", "在国家级的影响", "国家级影响"):
        assert category_key(name) == "country_impact", name
    assert category_key("Human resources") is None


def test_an_access_date_printed_before_its_url_is_the_urls() -> None:
    text = "实施计划跟踪看板，2024年12月2日访问，见https://www.who.int/x-(sip)-actions。另见https://www.who.int/y。"
    assert [(r.ref, r.accessed) for r in find_references(text)] == [
        ("https://www.who.int/x-(sip)-actions", "2024-12-02"), ("https://www.who.int/y", None)]
