"""Progress tables on every A77/28 sample and layout variant, and zh/en agreement."""

from __future__ import annotations

import pandas as pd
import pytest

from harness import extracted, load_expected

A77 = ["A77_28.zh", "A77_28.en"]
VARIANTS = ["A77_28.zh.letter-sans", "A77_28.zh.wqy", "A77_28.zh.horizontal-rules", "A77_28.zh.unruled",
            "A77_28.en.letter-dejavu", "A77_28.en.landscape-annex", "A77_28.en.unruled"]
SAME_IN_EVERY_LANGUAGE = ["as_of", "report_symbol", "total", "implemented", "ongoing", "pct_implemented",
                          "pct_ongoing"]




@pytest.mark.parametrize("variant", VARIANTS)
def test_variants_give_the_same_progress_rows(variant: str) -> None:
    got = extracted(variant).progress.drop(columns="page")
    pd.testing.assert_frame_equal(got, load_expected(variant[:9])["progress"].drop(columns="page"))


@pytest.mark.parametrize("name", A77 + VARIANTS)
def test_rows_add_up(name: str) -> None:
    p = extracted(name).progress
    assert len(p) == 4
    assert (p.implemented + p.ongoing == p.total).all()
    assert (p.pct_implemented + p.pct_ongoing == 100).all()
    assert ((100 * p.implemented / p.total).round() == p.pct_implemented).all()
    latest = p.sort_values("as_of").iloc[-1]
    assert latest.ongoing == (extracted(name).actions.source == "table").sum()


def test_markers_are_stripped_and_point_to_their_notes() -> None:
    zh = extracted("A77_28.zh").progress.set_index("as_of")
    assert zh.loc["2023-03", "total"] == 96 and zh.loc["2023-03", "note"].startswith("2023年1月至3月")
    assert zh.loc["2024-04", "ongoing"] == 15 and zh.loc["2024-04", "note"] == "一项行动预计将于2024年6月结束。"
    assert pd.isna(zh.loc["2023-01", "note"])


def test_zh_and_en_agree() -> None:
    zh, en = (extracted(n).progress[SAME_IN_EVERY_LANGUAGE] for n in A77)
    pd.testing.assert_frame_equal(zh, en)


def test_documents_without_a_progress_table_have_none() -> None:
    assert extracted("EBPBAC25_3.zh").progress.empty
