"""Action tables and lists: every sample and layout variant, zh/en agreement, and the rules
(headers, completion periods) on the cases that motivated them."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from gbdocs.extractors.actions import header_roles
from gbdocs.extractors.layout import Cell, TextLine
from gbdocs.extractors.periods import expected_completion
from harness import extracted, load_expected

VARIANTS = {
    # The two layouts the action-table issue asks for: exact, page numbers aside.
    "A77_28.zh.horizontal-rules": ("A77_28.zh", "text", True),
    "A77_28.en.landscape-annex": ("A77_28.en", "lines", True),
    # No rules at all: found from the bold header row, columns from text alignment.
    "A77_28.en.unruled": ("A77_28.en", "text", True),
    "A77_28.zh.unruled": ("A77_28.zh", "text", True),
    # Other fonts and page sizes: exact up to spaces next to Chinese characters (see below).
    "A77_28.zh.wqy": ("A77_28.zh", "lines", False),
    "A77_28.zh.letter-sans": ("A77_28.zh", "lines", False),
    "A77_28.en.letter-dejavu": ("A77_28.en", "lines", True),
    "EBPBAC25_3.zh.letter-sans": ("EBPBAC25_3.zh", "list", True),
    "EBPBAC25_3.en.letter-dejavu": ("EBPBAC25_3.en", "list", True),
}
SAME_IN_EVERY_LANGUAGE = ["action_id", "category_key", "due_date", "expected_completion", "source"]




def _cjk_spacing_free(text: object) -> object:
    # Where a Chinese line breaks next to a Latin word or half-width punctuation, the PDF
    # does not say whether a space stood there; a document that mixes 对2020 and 对 2020
    # (as A77/28 does) cannot be read back exactly at such breaks.
    if not isinstance(text, str):
        return text
    return re.sub(r"(?<=[\u3400-\u9fff(（]) | (?=[\u3400-\u9fff(（])", "", text)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variants_give_the_same_actions(variant: str) -> None:
    base, strategy, exact = VARIANTS[variant]
    result = extracted(variant)
    assert set(result.strategies) == {strategy}
    got = result.actions.drop(columns=["page_start", "page_end"])
    exp = load_expected(base)["actions"].drop(columns=["page_start", "page_end"])
    if not exact:
        got, exp = got.map(_cjk_spacing_free), exp.map(_cjk_spacing_free)
    pd.testing.assert_frame_equal(got, exp)
    assert (result.actions.page_end >= result.actions.page_start).all()


def test_a_row_cut_by_a_page_break_is_one_action_with_its_pages() -> None:
    actions = extracted("A77_28.zh").actions.set_index("action_id")
    assert (actions.loc["SIP2023_A21", "page_start"], actions.loc["SIP2023_A21", "page_end"]) == (7, 8)
    assert actions.loc["SIP2023_A21", "status"].endswith("预计这项行动的最后结束日期为 2025 年底。")
    landscape = extracted("A77_28.en.landscape-annex").actions.set_index("action_id")
    cut = landscape[landscape.page_end > landscape.page_start]
    assert len(cut) >= 1 and cut.category_key.notna().all()


@pytest.mark.parametrize(("zh", "en"), [("A77_28.zh", "A77_28.en"), ("EBPBAC25_3.zh", "EBPBAC25_3.en"),
                                        ("A77_28.zh.horizontal-rules", "A77_28.en.landscape-annex")])
def test_zh_and_en_versions_agree(zh: str, en: str) -> None:
    a, b = extracted(zh).actions, extracted(en).actions
    assert len(a) in (15, 7)
    pd.testing.assert_frame_equal(a[SAME_IN_EVERY_LANGUAGE], b[SAME_IN_EVERY_LANGUAGE])


def test_strategies_are_reported(tmp_path) -> None:
    assert extracted("A77_28.en").strategies == {"lines": [7, 8, 9, 10]}
    assert extracted("EBPBAC25_3.zh").strategies == {"list": [2]}


def _cells(*names: str) -> list[Cell]:
    def line(text: str) -> TextLine:
        return TextLine(1, 0, 9, 0, 50, 9, "Sans-Bold", True, text)

    return [Cell(0, k, (k * 50, 0, k * 50 + 50, 20), tuple(line(t) for t in n.split("|")))
            for k, n in enumerate(names)]


def test_header_roles_tolerate_wrapping_variants_and_order() -> None:
    roles = {"action_id": 0, "category": 1, "action": 2, "due": 3, "status": 4}
    assert header_roles(_cells("编号", "类别", "行动", "初步预计到期|日", "最新情况")) == roles
    assert header_roles(_cells("编号", "类别", "行动", "初步预计到|日期", "最新情况")) == roles  # as A77/28 prints it
    assert header_roles(_cells("Update", "No.", "Initial|expected due|date", "Action", "Category")) == {
        "status": 0, "action_id": 1, "due": 2, "action": 3, "category": 4}
    assert header_roles(_cells("Action ID", "Action", "Status")) == {"action_id": 0, "action": 1, "status": 2}
    assert header_roles(_cells("数据和进度报告日期", "行动数量", "已落实")) is None  # the progress table


@pytest.mark.parametrize(("status", "iso", "text"), [
    ("秘书处正在最后确定工具和看板(预计将于 2024 年底完成)。", "2024-12-31", "2024 年底"),
    ("预计完成日期：2025 年第二季度。", "2025-06-30", "2025 年第二季度"),
    ("预计完成日期：2025 年 1 月。", "2025-01-31", "2025 年 1 月"),
    ("一旦获得资源, 计划于 2025 年实施(2025 年底结束)。", "2025-12-31", "2025 年底"),
    ("(expected to be completed by end-2024).", "2024-12-31", "end-2024"),
    ("Expected completion date: Q2 2025.", "2025-06-30", "Q2 2025"),
    ("Once resources are available, implementation is planned for 2025 (closure by end-2025).",
     "2025-12-31", "end-2025"),
    ("The review is expected to be completed in the third quarter of 2024.", "2024-09-30",
     "third quarter of 2024"),
])
def test_completion_periods(status: str, iso: str, text: str) -> None:
    period = expected_completion(status)
    assert period is not None and (period.iso, period.text) == (iso, text)


@pytest.mark.parametrize("status", [
    "独立专家监督咨询委员会将在 2024 年 6 月举行的第 44 次会议上完成对道德操守职能职权范围的审查。",
    "实施该模块的工作正在推进，将于 2024 年底前实施。",
    "The committee will complete its review at its forty-fourth meeting, to be held in June 2024.",
    "Data triangulation of several relevant surveys will be carried out in Q2 2024.",
])
def test_dates_of_other_events_are_not_completion(status: str) -> None:
    assert expected_completion(status) is None
