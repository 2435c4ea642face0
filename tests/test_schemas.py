"""The output tables and vocabularies as code, and the one-way flow of imports."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from gbdocs.schemas import TABLES, body_key, category_key, table_schema
from gbdocs.schemas.bodies import body_of_symbol, document_symbol_regex
from harness import ROOT

DESIGN_COLUMNS = {
    "documents": "body session session_name agenda_item date title report_by requested_action pages source_file sha256",
    "paragraphs": "number section page text",
    "actions": "action_id category category_key action due_date due_date_text status expected_completion "
               "expected_completion_text source page_start page_end",
    "progress": "as_of report_symbol total implemented ongoing pct_implemented pct_ongoing note page",
    # figure (its place in the paragraph) is ours: the primary key DESIGN.md's columns lacked
    "figures": "paragraph figure page value unit measure qualifier text sentence",
    "references": "kind ref ref_text page in_footnote accessed",
}


@pytest.mark.parametrize("name", list(DESIGN_COLUMNS))
def test_tables_have_the_design_columns_in_order(name: str) -> None:
    table = TABLES[name]
    assert table.column_names == ["doc_key", "symbol", "language", *DESIGN_COLUMNS[name].split()]
    assert set(table.key) <= set(table.column_names)
    schema = table_schema(table)
    assert [f["name"] for f in schema["fields"]] == table.column_names
    assert schema["primaryKey"] == list(table.key)


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
    # a United Nations board is not WHO's Executive Board, whatever the apostrophe or line breaks
    assert body_key("United Nations Children’s Fund Executive Board") == "UNICEF-EB"
    assert body_key("Executive Board of the United Nations Development Programme, the United Nations "
                    "Population Fund and the United Nations Office for Project Services") == "UNDP-EB"
    assert body_key("Executive Board of the United Nations Entity for Gender Equality and the "
                    "Empowerment of Women") == "UNW-EB"
    assert body_key("General Assembly") == "GA"
    assert body_key("Economic and Social Council") is None  # an organ, not a body


@pytest.mark.parametrize(("symbol", "body"), [
    ("A77/28 Add.1", "WHA"), ("EB154/33 Add.3 Rev.1", "EB"), ("EBPBAC25/3", "PBAC"), ("WHA66.10", "WHA"),
    ("A/79/352", "GA"), ("A/C.5/78/34", "GA"), ("A/80/6 (Sect. 4)", "GA"),
    ("E/ICEF/2025/AB/L.3/Add.1", "UNICEF-EB"), ("E/ICEF/672 (Deuxième partie)", "UNICEF-EB"),
    ("DP/FPA/2025/2", "UNDP-EB"), ("DP-FPA/2025/1", "UNDP-EB"), ("DP/FPA/2025/4 (Part I/Add.1)", "UNDP-EB"),
    ("DP/2025/14/Corr.1", "UNDP-EB"), ("UNW/2025/3", "UNW-EB"), ("JIU/REP/2025/2", "JIU"),
    ("JIU/NOTE/2022/1/Rev.1", "JIU"),
])
def test_symbol_grammars_of_the_body_registry(symbol: str, body: str) -> None:
    assert body_of_symbol(symbol) == body
    assert re.fullmatch(document_symbol_regex(), symbol)


def test_the_suites_check_symbols_with_the_registry_grammar() -> None:
    for suite, column in (("documents", "symbol"), ("progress", "report_symbol")):
        spec = json.loads((ROOT / "expectations" / f"{suite}.json").read_text(encoding="utf-8"))
        [regex] = [e["kwargs"]["regex"] for e in spec["expectations"]
                   if e["kwargs"].get("column") == column and "regex" in e["kwargs"]]
        assert regex == document_symbol_regex(), f"expectations/{suite}.json: regenerate the {column} regex"
    for token in ("A/80/6", "WHA66.10", "25-00083"):
        assert bool(re.fullmatch(document_symbol_regex(), token)) == (token != "25-00083")


def _folder(module: str) -> str:
    """The folder of the repository a gbdocs module lives in (see package-dir in pyproject.toml)."""
    parts = module.split(".")
    if parts[0] != "gbdocs":
        return parts[0]  # another distribution
    if len(parts) > 1 and parts[1] in ("extractors", "schemas", "expectations"):
        return parts[1]
    return "pipeline"


def _imports(folder: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {_folder(a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(_folder(node.module))
    return found


def test_data_flows_one_way() -> None:
    assert "schemas" in _imports("extractors") and "extractors" in _imports("pipeline")  # the test can see
    assert not {"extractors", "pipeline"} & _imports("schemas")
    assert "pipeline" not in _imports("extractors")
    assert Path(ROOT / "pipeline").is_dir()


def test_the_table_reference_in_docs_is_written_from_the_schemas() -> None:
    from gbdocs.schemas.reference import reference_markdown

    committed = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), "stale: python -m gbdocs.schemas.reference > docs/tables.md"
    for name, table in TABLES.items():  # every column of every table is in it
        assert f"## {name}" in committed and all(f"| `{c}` |" in committed for c in table.column_names)
