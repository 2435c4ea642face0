"""The output tables and vocabularies as code, and the one-way flow of imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from harness import ROOT
from schemas import TABLES, body_key, category_key, table_schema

DESIGN_COLUMNS = {
    "documents": "body session session_name agenda_item date title report_by requested_action pages source_file sha256",
    "paragraphs": "number section page text",
    "actions": "action_id category category_key action due_date due_date_text status expected_completion "
               "expected_completion_text source page_start page_end",
    "progress": "as_of report_symbol total implemented ongoing pct_implemented pct_ongoing note page",
    "figures": "paragraph page value unit measure qualifier text sentence",
    "references": "kind ref ref_text page in_footnote accessed",
}


@pytest.mark.parametrize("name", list(DESIGN_COLUMNS))
def test_tables_have_the_design_columns_in_order(name: str) -> None:
    table = TABLES[name]
    assert table.column_names == ["doc_key", "symbol", "language", *DESIGN_COLUMNS[name].split()]
    assert set(table.key) <= set(table.column_names)
    schema = table_schema(table)
    assert [f["name"] for f in schema["fields"]] == table.column_names
    assert ("primaryKey" in schema) == table.unique


def test_category_vocabulary_in_both_languages() -> None:
    assert category_key("问责制") == "accountability"
    assert category_key("在国家级的影响") == "country_impact"
    assert category_key("Impact at country level") == "country_impact"
    assert category_key(" RESULTS ") == "results"
    assert category_key("人员") is None  # not in the vocabulary: kept as printed, never guessed


def test_body_vocabulary_prefers_the_longest_name() -> None:
    assert body_key("第七十七届世界卫生大会") == "WHA"
    assert body_key("SEVENTY-SEVENTH WORLD HEALTH ASSEMBLY") == "WHA"
    assert body_key("执行委员会 第154届会议") == "EB"
    assert body_key("执行委员会规划、预算和行政委员会") == "PBAC"
    assert body_key("PROGRAMME, BUDGET AND ADMINISTRATION COMMITTEE OF THE EXECUTIVE BOARD") == "PBAC"


def _imports(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_data_flows_one_way() -> None:
    assert not {"extractors", "pipeline"} & _imports("schemas")
    assert "pipeline" not in _imports("extractors")
    assert Path(ROOT / "pipeline").is_dir()
