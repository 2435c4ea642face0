"""The comparison harness finds every kind of difference, field by field."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from gbdocs.schemas import TABLES
from harness import ROOT, SAMPLE_STEMS, compare, extract_sample, load_expected


def _copy(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: df.copy() for name, df in tables.items()}


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_expected_equals_itself(stem: str) -> None:
    exp = load_expected(stem)
    report = compare(exp, _copy(exp))
    assert report.ok, report.format()
    assert all(t.accuracy == 1.0 for t in report.tables.values())


def test_lost_row_is_missing_and_costs_its_fields() -> None:
    exp = load_expected("A77_28.zh")
    act = _copy(exp)
    act["actions"] = act["actions"][act["actions"].action_id != "SIP2023_A21"]
    t = compare(exp, act).tables["actions"]
    assert t.missing == [("A77/28:zh", "SIP2023_A21")]
    assert t.extra == [] and t.diffs == []
    assert t.fields_total - t.fields_equal == 13  # all compared fields of the lost row


def test_changed_field_is_reported_with_both_values() -> None:
    exp = load_expected("A77_28.en")
    act = _copy(exp)
    idx = act["actions"].index[act["actions"].action_id == "SIP2023_A3"][0]
    act["actions"].loc[idx, "due_date"] = pd.Timestamp("2204-12-31")
    report = compare(exp, act)
    [diff] = report.tables["actions"].diffs
    assert (diff.key, diff.column, diff.expected, diff.actual) == (
        ("A77/28:en", "SIP2023_A3"), "due_date", pd.Timestamp("2024-12-31"), pd.Timestamp("2204-12-31"))
    assert "SIP2023_A3) due_date: expected '2024-12-31' got '2204-12-31'" in report.format()


def test_null_versus_value_differs_and_null_equals_null() -> None:
    exp = load_expected("A77_28.zh")
    act = _copy(exp)
    idx = act["actions"].index[act["actions"].action_id == "SIP2023_A11"][0]
    assert pd.isna(exp["actions"].loc[idx, "expected_completion"])
    act["actions"].loc[idx, "expected_completion"] = pd.Timestamp("2025-12-31")
    [diff] = compare(exp, act).tables["actions"].diffs
    assert diff.column == "expected_completion" and pd.isna(diff.expected)


def test_duplicated_row_is_extra() -> None:
    exp = load_expected("A77_28.zh")
    act = _copy(exp)
    act["progress"] = pd.concat([act["progress"], act["progress"].iloc[[0]]], ignore_index=True)
    t = compare(exp, act).tables["progress"]
    assert t.extra == [("A77/28:zh", "2023-01", "duplicate 1")]


def test_figures_compare_as_a_multiset() -> None:
    exp = load_expected("A77_28.zh")
    figs = exp["figures"]
    threes = figs[(figs.paragraph == "8") & (figs.value == 3)]
    assert len(threes) == 3  # 3项 is stated three times in paragraph 8
    act = _copy(exp)
    act["figures"] = act["figures"].drop(index=threes.index[-1])
    t = compare(exp, act).tables["figures"]
    assert t.missing == [("A77/28:zh", "8", 3.0, "count", "3项", 2)]


def test_numbers_compare_by_value() -> None:
    exp = load_expected("A77_28.zh")
    act = _copy(exp)
    act["progress"]["pct_implemented"] = act["progress"]["pct_implemented"] + 10
    t = compare(exp, act).tables["progress"]
    assert [d.column for d in t.diffs] == ["pct_implemented"] * 4


def test_missing_table_counts_as_empty() -> None:
    exp = load_expected("EBPBAC25_3.en")
    act = _copy(exp)
    del act["references"]
    t = compare(exp, act).tables["references"]
    assert len(t.missing) == len(exp["references"]) and t.accuracy == 0.0


def test_command_line_reports_differences(tmp_path: Path) -> None:
    actual = tmp_path / "out"
    shutil.copytree(ROOT / "samples/expected/EBPBAC25_3.zh", actual)
    lines = (actual / "actions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (actual / "actions.csv").write_text("".join(lines[:-1]), encoding="utf-8")  # lose 9.7
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests/harness.py"), str(actual), str(ROOT / "samples/expected/EBPBAC25_3.zh")],
        capture_output=True, text=True,
    )
    assert run.returncode == 1
    assert "missing row (EBPBAC25/3:zh, 9.7)" in run.stdout
    assert "paragraphs: ok" in run.stdout


# Tables whose extractors have not landed yet (progress tables and figures in prose).
PENDING: set[str] = set()


@pytest.fixture(scope="module")
def extractions() -> dict[str, dict[str, pd.DataFrame]]:
    return {stem: extract_sample(stem) for stem in SAMPLE_STEMS}


@pytest.mark.parametrize("table", list(TABLES))
@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_extraction_matches_expected(extractions, stem: str, table: str, request) -> None:
    expected = load_expected(stem)[table]
    if table in PENDING and len(expected):  # an empty expected table is met already
        request.applymarker(pytest.mark.xfail(raises=AssertionError, reason="extractor not built yet"))
    report = compare({table: expected}, {table: extractions[stem][table]})
    assert report.ok, report.format()
