"""Expectation suites gate the export: samples pass and round-trip; every kind of damage a
real extraction bug does is caught by a named expectation, in DataFrames and in CSV folders
edited by hand, and nothing of a failing document is exported."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from gbdocs.export import export
from gbdocs.schemas import TABLES
from gbdocs.tableio import Output, read_tables, write_tables
from gbdocs.validate import load_suites, validate_tables
from harness import SAMPLE_STEMS, extracted
from mutations import MUTATIONS


def gbdocs_validate(*args: object) -> Any:
    """`gbdocs validate ARGS` as the command line runs it, in this process: the suites are
    loaded here already, a subprocess would spend seconds importing Great Expectations again
    (`test_cli.py` runs the commands as processes)."""
    from click.testing import CliRunner

    from gbdocs.cli import validate

    return CliRunner().invoke(validate, [str(a) for a in args])




def test_every_expectation_is_named_and_has_a_severity() -> None:
    for name, suite in load_suites().items():
        assert suite["expectations"], name
        for e in suite["expectations"]:
            assert e["meta"]["name"] and e["severity"] in ("critical", "warning"), (name, e)


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_samples_pass_and_export(tmp_path: Path, stem: str) -> None:
    result = extracted(stem)
    assert result.validation is not None and result.validation.ok, result.validation.text()
    assert result.validation.evaluated > 80
    done = export(result, tmp_path)
    assert done.exported and done.folder == tmp_path
    assert not (tmp_path / "quarantine").exists()
    assert "passed" in (tmp_path / "validation.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("stem", ["A77_28.zh", "EBPBAC25_3.en"])
def test_csvs_load_back_with_pandas_and_duckdb(tmp_path: Path, stem: str) -> None:
    result = extracted(stem)
    write_tables(result.tables(), tmp_path)
    back = read_tables(tmp_path)
    for name, frame in result.tables().items():
        pd.testing.assert_frame_equal(back[name], frame, check_dtype=True)
        if frame.empty:
            continue
        columns = TABLES[name].column_names
        rel = duckdb.sql(f"select * from read_csv('{tmp_path / (name + '.csv')}', header=true)")
        assert rel.columns == columns
        types = dict(zip(rel.columns, map(str, rel.types), strict=True))
        for col in TABLES[name].columns:
            if col.dtype == "integer" and frame[col.name].notna().any():
                assert types[col.name] in ("BIGINT", "INTEGER"), (name, col.name, types[col.name])
            if col.dtype == "boolean" and frame[col.name].notna().any():
                assert types[col.name] == "BOOLEAN", (name, col.name)
        got = rel.df()
        for col in columns:
            mine = frame[col].astype(object).where(frame[col].notna(), None).tolist()
            theirs = [None if pd.isna(v) else v for v in got[col].tolist()]
            # DuckDB reads ISO dates as DATE (as the Table Schema says); compare them as ISO text.
            mine = [v.date().isoformat() if isinstance(v, pd.Timestamp) else v for v in mine]
            theirs = [v.date().isoformat() if isinstance(v, pd.Timestamp) else v for v in theirs]
            if TABLES[name].column(col).dtype == "number":
                assert [None if m is None else float(m) for m in mine] == \
                    [None if t is None else float(t) for t in theirs], col
            else:
                assert [None if m is None else str(m) for m in mine] == \
                    [None if t is None else str(t) for t in theirs], (name, col)


def test_datapackage_is_valid_frictionless(tmp_path: Path) -> None:
    from frictionless import validate

    write_tables(extracted("A77_28.en").tables(), tmp_path)
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_bom_for_spreadsheets(tmp_path: Path) -> None:
    write_tables(extracted("EBPBAC25_3.zh").tables(), tmp_path, Output(bom=True))
    assert (tmp_path / "paragraphs.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(read_tables(tmp_path)["paragraphs"], extracted("EBPBAC25_3.zh").paragraphs)


@pytest.mark.parametrize("damage", list(MUTATIONS))
@pytest.mark.parametrize("stem", ["A77_28.zh", "A77_28.en"])
def test_each_damage_is_caught_and_only_its_tables_are_held_back(tmp_path: Path, stem: str, damage: str) -> None:
    mutate, expectation, held = MUTATIONS[damage]
    bad = mutate(extracted(stem).tables())
    report = validate_tables(bad)
    assert not report.ok and expectation in {f.expectation for f in report.critical}, report.text()
    broken = dataclasses.replace(extracted(stem), validation=None, **bad)
    done = export(broken, tmp_path / "out")
    assert done.exported and set(done.held_back) == held, (done.held_back, report.text())
    exported = read_tables(tmp_path / "out")
    for name in TABLES:
        if name in held:
            assert exported[name].empty, f"{name} failed validation and must not be exported"
        else:
            assert len(exported[name]) == len(bad[name]) > 0, f"{name} passed and must be exported whole"
    quarantined = tmp_path / "out" / "quarantine" / stem
    assert (quarantined / "actions.csv").exists() and expectation in (quarantined / "validation.txt").read_text()
    assert "held back from export (in quarantine/): " in (quarantined / "validation.txt").read_text()


def test_many_documents_at_once_fail_as_each_does_alone() -> None:
    """``gbdocs validate`` of a folder runs the row-wise expectations once over every
    document's rows: each failure must still name its document, its pages and its values
    exactly as a run on that document alone does, and no failure may move to a neighbour."""
    names = list(MUTATIONS)
    plan = {"A77_28.en": names[:2], "A77_28.zh": names[2:5], "EBPBAC25_3.zh": ["a running header left in a paragraph"],
            "EBPBAC25_3.en": []}  # the last one clean
    alone: list[Any] = []
    parts: list[dict[str, pd.DataFrame]] = []
    for stem, damages in plan.items():
        tables = extracted(stem).tables()
        for damage in damages:
            tables = MUTATIONS[damage][0](tables)
        parts.append(tables)
        alone += validate_tables(tables).failures
    together = validate_tables({name: pd.concat([p[name] for p in parts], ignore_index=True) for name in TABLES})
    assert len({f.doc_key for f in alone}) == 3 and len(alone) >= 6  # the damages were seen
    assert [f.to_dict() for f in together.failures] == [f.to_dict() for f in alone]
    assert together.evaluated == sum(validate_tables(p).evaluated for p in parts)


def test_a_failed_documents_row_holds_back_the_whole_document(tmp_path: Path) -> None:
    tables = {name: frame.copy() for name, frame in extracted("A77_28.en").tables().items()}
    tables["documents"].loc[0, "date"] = pd.Timestamp("1850-04-22")  # before any WHO document: suite fails
    broken = dataclasses.replace(extracted("A77_28.en"), validation=None, **tables)
    done = export(broken, tmp_path / "out")
    assert not done.exported and set(done.held_back) == set(TABLES)
    assert not list((tmp_path / "out").glob("*.csv")), "nothing of the document may be exported"
    assert (tmp_path / "out" / "quarantine" / "A77_28.en" / "documents.csv").exists()


@pytest.mark.parametrize("damage", list(MUTATIONS))
def test_gbdocs_validate_catches_the_damage_in_edited_csvs(tmp_path: Path, damage: str) -> None:
    mutate, expectation, _ = MUTATIONS[damage]
    write_tables(mutate(extracted("A77_28.zh").tables()), tmp_path)
    run = gbdocs_validate(tmp_path)
    assert run.exit_code == 1
    lines = run.stderr.strip().splitlines()
    assert any(expectation in line and line.startswith(f"gbdocs: invalid: {tmp_path}: ") for line in lines), lines
    assert isinstance(run.exception, SystemExit)  # its own exit, not an exception of ours


def test_gbdocs_validate_passes_a_clean_folder_and_warns(tmp_path: Path) -> None:
    tables = extracted("A77_28.en").tables()
    tables["actions"].loc[0, "category_key"] = pd.NA  # a category not yet in the vocabulary
    write_tables(tables, tmp_path)
    run = gbdocs_validate(tmp_path, "--json")
    assert run.exit_code == 0, run.stderr
    summary = json.loads(run.stdout)
    first = tables["actions"].iloc[0]
    assert summary["ok"] and summary["failures"] == [{
        "suite": "actions", "expectation": "a table action's printed category is in the vocabulary",
        "kind": "expect_column_values_to_not_be_null", "severity": "warning", "doc_key": "A77/28:en",
        "pages": [int(first.page_start)], "values": [f"action_id {first.action_id}: {first.category}"],
        "tables": ["actions"]}]
    page = (tmp_path / "validation.html").read_text(encoding="utf-8")
    assert "a table action&#x27;s printed category is in the vocabulary" in page and ">warning<" in page


def test_gbdocs_validate_rejects_a_folder_that_is_not_an_export(tmp_path: Path) -> None:
    (tmp_path / "documents.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    run = gbdocs_validate(tmp_path)
    assert run.exit_code == 1 and run.stderr.startswith("gbdocs: error: ")
    assert isinstance(run.exception, SystemExit)  # its own exit, not an exception of ours


def test_values_that_cannot_be_right_are_caught_by_name(tmp_path: Path) -> None:
    """The classic slips of table and text extraction: a URL run on into the Chinese after it,
    a date where the action text belongs, a printed due date left unparsed, an unknown category."""
    tables = {name: frame.copy() for name, frame in extracted("A77_28.zh").tables().items()}
    refs = tables["references"]
    url = refs.index[refs.kind == "url"][0]
    refs.loc[url, "ref"] = refs.loc[url, "ref"] + "获取"
    actions = tables["actions"]
    actions.loc[0, "action"] = "2024年12月31日"
    actions.loc[1, "due_date"] = pd.NA
    actions.loc[2, "category"], actions.loc[2, "category_key"] = "人力资源", pd.NA
    report = validate_tables(tables)
    failed = {f.expectation: f for f in report.failures}
    assert failed["a URL ends where the text around it begins (no CJK or full-width character in it)"].severity \
        == "critical"
    ids = actions.action_id  # each offending value names its row, then shows what failed
    assert failed["action text is not a bare date or ID (a value in the wrong column)"].values == (
        f"action_id {ids[0]}: [2024年12月31日]",)
    due = failed["a printed due date with numbers in it is understood"]
    assert due.severity == "critical" and due.values == (f"action_id {ids[1]}: {actions.loc[1, 'due_date_text']}",)
    unknown = failed["a table action's printed category is in the vocabulary"]
    assert unknown.severity == "warning" and unknown.values == (f"action_id {ids[2]}: 人力资源",)  # never a bare count
    assert report.held_back() == {"references", "actions"}


def test_a_failure_shows_the_row_and_the_part_that_failed() -> None:
    """What a reader needs to find the fault: the paragraph and the page-number line in it (not
    its first 80 characters), the progress row whose sum is off, the category stated in prose
    that the annex does not hold."""
    tables = {name: frame.copy() for name, frame in extracted("A77_28.zh").tables().items()}
    p = tables["paragraphs"]
    i = p.text.str.len().idxmax()
    number, text = p.loc[i, "number"], str(p.loc[i, "text"])
    p.loc[i, "text"] = text[:50] + "\n17\n" + text[50:]  # a page number left in a paragraph
    progress = tables["progress"].sort_values("as_of")
    tables["progress"].loc[progress.index[0], "pct_ongoing"] = 10.0
    first = progress.iloc[0]
    actions = tables["actions"]
    tables["actions"] = actions[actions.category_key != "accountability"].reset_index(drop=True)
    shown = {f.expectation: f.values for f in validate_tables(tables).critical}
    assert shown["no page number line in paragraph text"] == (
        f"number {number}: …{text[20:50]}[ ⏎ 17 ⏎ ]{text[50:80]}…",)
    assert shown["the two percentages of a progress row sum to 100"] == (
        f"{first.as_of}: {float(first.pct_implemented):g}% + 10% = {float(first.pct_implemented) + 10:g}%",)
    # the report says 有3项涉及问责制 (three of the open actions concern accountability)
    assert shown["no category has more actions in prose than in the annex"] == (
        "accountability: 3 in prose, 0 in the annex",)


def test_modules_gx_imports_but_gbdocs_never_runs_still_work_for_the_caller() -> None:
    """scipy.stats and altair are deferred while GX is imported (1.7 s and 80 MB of its import):
    in a notebook that validated first, they are not loaded, and then load as themselves (one
    module object: classes compare, objects pickle, submodules are the package's)."""
    code = ("from gbdocs.validate import warm_up; warm_up()\n"
            "import sys, pickle, importlib.util\n"
            "assert 'scipy.stats' not in sys.modules and 'altair' not in sys.modules\n"
            "import scipy.stats; from scipy import stats; import scipy.stats._distn_infrastructure as infra\n"
            "import altair as alt\n"
            "assert infra.rv_continuous is scipy.stats.rv_continuous is stats.rv_continuous\n"
            "assert importlib.util.find_spec('scipy.stats') is not None\n"
            "frozen = pickle.loads(pickle.dumps(scipy.stats.norm(0, 1)))\n"
            "print(frozen.cdf(0), round(stats.binom.pmf(1, 2, 0.5), 9), alt.Chart.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0.5", "0.5", "Chart"]


def _null_figure_text(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    # an expectation's row condition cannot read it and raises: GX names no row
    figures = tables["figures"].copy()
    figures["text"] = figures["text"].astype(object)
    figures.loc[0, "text"] = None
    return {**tables, "figures": figures}


def _many_bad_units(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    # more offending rows than the 200 values GX keeps
    figures = tables["figures"]
    extra = pd.concat([figures.iloc[[0]]] * 210, ignore_index=True)
    extra["unit"], extra["figure"] = "bogus", range(1000, 1210)
    return {**tables, "figures": pd.concat([figures, extra], ignore_index=True)}


def _one_bad_unit(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    figures = tables["figures"].copy()
    figures.loc[len(figures) - 1, "unit"] = "weird"
    return {**tables, "figures": figures}


@pytest.mark.parametrize("damage", [_null_figure_text, _many_bad_units])
def test_a_neighbour_s_damage_never_reaches_a_document_validated_with_it(damage: Any) -> None:
    """Found in review: an expectation that raised on one document's rows was charged to every
    document of the run, and past GX's 200 kept values the values of a neighbour's rows
    were shown as None."""
    from gbdocs.validate import validate_each

    parts = [damage(extracted("A77_28.en").tables()), _one_bad_unit(extracted("EBPBAC25_3.en").tables())]
    alone = [validate_tables(p) for p in parts]
    together = validate_each(parts)
    assert alone[0].failures and alone[1].failures
    for a, b in zip(alone, together, strict=True):
        assert [f.to_dict() for f in b.failures] == [f.to_dict() for f in a.failures]
        assert b.evaluated == a.evaluated
