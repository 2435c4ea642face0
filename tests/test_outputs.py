"""Outputs that fit where users work: the .xlsx workbook read back as a spreadsheet would (typed
dates and numbers, IDs and printed text as text, Chinese and multi-line cells intact, never a
formula), formulas neutralised in spreadsheet CSVs, dates as dates in the API and the catalog,
keys in the catalog and the data package, and the data package's description of itself.
Expected values come from the hand-checked expected outputs of the samples."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from gbdocs.catalog import Catalog
from gbdocs.export import export
from gbdocs.schemas import TABLES
from gbdocs.tableio import Output, read_tables, write_tables
from harness import SAMPLES_DIR, extracted, gbdocs_here, load_expected

INGESTED = [SAMPLES_DIR / "A77_28.zh.pdf", SAMPLES_DIR / "EBPBAC25_3.zh.pdf"]


@pytest.fixture(scope="module")
def excel_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`gbdocs ingest --excel` of the Chinese samples (CJK text, multi-line statuses, list IDs such as
    9.1, a progress table), as a user runs it."""
    out = tmp_path_factory.mktemp("excel")
    run = gbdocs_here("ingest", *INGESTED, "--out", out, "--excel", "--quiet")
    assert run.returncode == 0, run.stderr
    return out


def _sheet_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    ws = load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _text(value: object) -> object:
    return None if value is None or value is pd.NA or value is pd.NaT else value


def test_the_workbook_has_a_typed_sheet_per_table_and_no_formula(excel_out: Path) -> None:
    book = load_workbook(excel_out / "gbdocs.xlsx")
    assert book.sheetnames == list(TABLES)
    for sheet in book.worksheets:
        assert [c.value for c in sheet[1]] == TABLES[sheet.title].column_names
        assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"], sheet.title
    for stem in (p.name.removesuffix(".pdf") for p in INGESTED):
        expected = load_expected(stem)
        doc_key = expected["documents"].doc_key.iloc[0]
        for table in ("actions", "progress", "documents"):
            mine = [r for r in _sheet_rows(excel_out / "gbdocs.xlsx", table) if r["doc_key"] == doc_key]
            want = expected[table]
            assert len(mine) == len(want), (stem, table)
            for got, (_, row) in zip(mine, want.iterrows(), strict=True):
                for col in TABLES[table].columns:
                    if col.name in ("sha256", "source_file"):
                        continue
                    value, expect = got[col.name], _text(row[col.name])
                    if expect is None:
                        assert value is None, (stem, table, col.name, value)
                    elif col.dtype == "date":  # a date cell (Excel sorts and filters it as a date)
                        assert isinstance(value, datetime) and value.date() == expect.date(), (col.name, value)
                    elif col.dtype == "integer":
                        assert isinstance(value, int) and value == expect, (col.name, value)
                    elif col.dtype == "number":
                        assert isinstance(value, int | float), (col.name, value)  # 39.0 is read back as 39
                        assert value == pytest.approx(float(expect)), (col.name, value)
                    else:  # text as printed: Chinese, newlines inside the cell, IDs such as 9.1 not retyped
                        assert isinstance(value, str) and value == expect, (stem, table, col.name, value)


def test_ids_and_printed_numbers_stay_text_in_the_workbook(excel_out: Path) -> None:
    actions = _sheet_rows(excel_out / "gbdocs.xlsx", "actions")
    listed = [r["action_id"] for r in actions if r["source"] == "list"]
    assert "9.1" in listed and all(isinstance(i, str) for i in listed)  # never the number 9.1
    multi_line = [r["status"] for r in actions if isinstance(r["status"], str) and "\n" in r["status"]]
    assert multi_line, "a status of several paragraphs keeps its line breaks in the cell"
    agenda = [r["agenda_item"] for r in _sheet_rows(excel_out / "gbdocs.xlsx", "documents") if r["agenda_item"]]
    assert agenda and all(isinstance(a, str) for a in agenda)


def test_excel_csvs_have_a_byte_order_mark_and_read_back_unchanged(excel_out: Path) -> None:
    for name in TABLES:
        assert (excel_out / f"{name}.csv").read_bytes()[:3] == b"\xef\xbb\xbf", name
    package = json.loads((excel_out / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["encoding"] for r in package["resources"]} == {"utf-8"}  # a Frictionless name, not utf-8-sig
    tables = read_tables(excel_out)
    expected = load_expected("A77_28.zh")
    mine = tables["actions"][tables["actions"].doc_key == "A77/28:zh"].reset_index(drop=True)
    assert list(mine.action) == list(expected["actions"].action)  # the Chinese, not mojibake


def test_text_that_a_spreadsheet_would_run_is_neutralised_in_spreadsheet_output(tmp_path: Path) -> None:
    tables = {n: t.copy() for n, t in extracted("EBPBAC25_3.en").tables().items()}
    hostile = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"]
    paragraphs = tables["paragraphs"]
    for i, text in enumerate(hostile):
        paragraphs.loc[paragraphs.index[i], "text"] = text
    plain, excel = tmp_path / "plain", tmp_path / "excel"
    write_tables(tables, plain)
    write_tables(tables, excel, Output.excel("t.xlsx"))
    as_printed = pd.read_csv(plain / "paragraphs.csv", dtype=str, keep_default_na=False).text.tolist()
    neutral = pd.read_csv(excel / "paragraphs.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig").text
    assert as_printed[:4] == hostile  # plain CSV keeps the text as printed
    assert neutral.tolist()[:4] == ["'" + h for h in hostile]
    assert neutral.tolist()[4:] == as_printed[4:]  # nothing else touched
    sheet = load_workbook(excel / "t.xlsx")["paragraphs"]
    cells = [row[TABLES["paragraphs"].column_names.index("text")] for row in sheet.iter_rows(min_row=2, max_row=5)]
    assert [c.value for c in cells] == hostile and {c.data_type for c in cells} == {"s"}  # text, exactly


def test_dates_are_dates_in_the_api_and_iso_days_in_the_csv(tmp_path: Path) -> None:
    result = extracted("A77_28.en")
    expected = load_expected("A77_28.en")["actions"]
    assert pd.api.types.is_datetime64_any_dtype(result.actions.due_date)
    assert result.actions.due_date.tolist() == expected.due_date.tolist()
    before = result.actions[result.actions.due_date < pd.Timestamp("2025-01-01")]
    assert len(before) == int((expected.due_date < pd.Timestamp("2025-01-01")).sum()) > 0
    write_tables(result.tables(), tmp_path)
    raw = pd.read_csv(tmp_path / "actions.csv", dtype=str, keep_default_na=False)
    assert set(raw.due_date) <= {d.strftime("%Y-%m-%d") for d in expected.due_date.dropna()} | {""}


def test_the_catalog_has_dates_keys_and_names_that_need_no_quoting(excel_out: Path) -> None:
    expected = load_expected("A77_28.zh")["actions"]
    with duckdb.connect(str(excel_out / "gbdocs.duckdb"), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM actions WHERE doc_key = 'A77/28:zh' "
                        "AND due_date < DATE '2025-01-01'").fetchone()[0]
        assert n == int((expected.due_date < pd.Timestamp("2025-01-01")).sum()) > 0
        assert con.execute("SELECT count(*) FROM citations").fetchone()[0] > 0
        keys = dict(con.execute("SELECT table_name, constraint_text FROM duckdb_constraints() "
                                "WHERE constraint_type = 'PRIMARY KEY'").fetchall())
    for table in TABLES.values():
        assert all(k in keys[table.catalog_name] for k in table.key), (table.name, keys)
    with duckdb.connect(str(excel_out / "gbdocs.duckdb")) as con, pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO documents SELECT * FROM documents LIMIT 1")  # one row per document


@pytest.mark.parametrize("version", [1, 2])
def test_a_catalog_of_a_previous_version_is_upgraded_with_its_rows(tmp_path: Path, version: int) -> None:
    """1 (gbdocs 0.1): dates as text, a table named "references", no keys; 2: figures without
    their place in the paragraph (no primary key), no findings."""
    db = tmp_path / "old.duckdb"
    expected = load_expected("A77_28.en")
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE files (path VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, status VARCHAR NOT NULL, "
                    "reason VARCHAR, doc_key VARCHAR, pages BIGINT, seconds_read DOUBLE, seconds_extract DOUBLE, "
                    "seconds_validate DOUBLE, peak_rss_mb DOUBLE, ingested_at TIMESTAMP)")
        if version == 2:
            con.execute("CREATE TABLE gbdocs_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            con.execute("INSERT INTO gbdocs_meta VALUES ('schema_version', '2')")
        for name, table in TABLES.items():
            types = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE",
                     "date": "VARCHAR" if version == 1 else "DATE", "boolean": "BOOLEAN"}
            columns = [c for c in table.columns if (name, c.name) != ("figures", "figure")]
            cols = ", ".join(f'"{c.name}" {types[c.dtype]}' for c in columns)
            sql_name = f'"{name}"' if version == 1 else table.catalog_name
            con.execute(f"CREATE TABLE {sql_name} (source_path VARCHAR NOT NULL, {cols})")
            rows = expected[name].assign(source_path="a.pdf")[["source_path", *(c.name for c in columns)]]
            for c in columns:
                if c.dtype == "date" and version == 1:
                    rows[c.name] = rows[c.name].dt.strftime("%Y-%m-%d").fillna("")
            con.register("incoming", rows)
            con.execute(f"INSERT INTO {sql_name} SELECT * FROM incoming")
            con.unregister("incoming")
    with Catalog(db) as catalog:
        tables = catalog.tables()
        assert catalog.findings() == []
    assert tables["actions"].due_date.tolist() == expected["actions"].due_date.tolist()
    assert len(tables["references"]) == len(expected["references"])
    # the place of each figure in its paragraph, counted from the order of the stored rows
    assert tables["figures"].figure.tolist() == expected["figures"].figure.tolist()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 'actions' "
                           "AND column_name = 'due_date'").fetchone()[0] == "DATE"
        assert con.execute("SELECT constraint_text FROM duckdb_constraints() WHERE table_name = 'figures' "
                           "AND constraint_type = 'PRIMARY KEY'").fetchone()[0] == \
            "PRIMARY KEY(doc_key, paragraph, figure)"


def test_the_data_package_declares_its_keys_sources_and_status(excel_out: Path, tmp_path: Path) -> None:
    from frictionless import validate

    package = json.loads((excel_out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["status"] == "valid" and package["title"] and package["description"] and package["created"]
    assert package["gbdocs_version"]
    pdfs = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in INGESTED}
    assert {s["path"]: s["sha256"] for s in package["sources"]} == pdfs
    for resource in package["resources"]:
        schema = resource["schema"]
        assert "primaryKey" in schema or resource["name"] == "figures"
        if resource["name"] != "documents":
            assert schema["foreignKeys"] == [{"fields": ["doc_key"],
                                              "reference": {"resource": "documents", "fields": ["doc_key"]}}]
    assert validate(excel_out / "datapackage.json").valid
    # the foreign keys are checked: a paragraph of a document the package does not hold is an error
    tables = read_tables(excel_out)
    orphan = tables["paragraphs"].head(1).assign(doc_key="A99/1:en", symbol="A99/1")
    tables["paragraphs"] = pd.concat([tables["paragraphs"], orphan], ignore_index=True)
    write_tables(tables, tmp_path / "orphan")
    report = validate(tmp_path / "orphan" / "datapackage.json")
    assert not report.valid and "foreign-key" in {row[0] for row in report.flatten(["type"])}


def test_a_quarantined_package_says_so(tmp_path: Path) -> None:
    from mutations import lose_annex_row

    result = extracted("A77_28.zh")
    damaged = type(result)(**{**result.__dict__, **lose_annex_row(result.tables()), "validation": None})
    exported = export(damaged, tmp_path)
    assert exported.quarantine is not None
    quarantined = json.loads((exported.quarantine / "datapackage.json").read_text(encoding="utf-8"))
    assert quarantined["status"] == "quarantined" and "QUARANTINED" in quarantined["description"]
    assert json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))["status"] == "valid"


def test_extraction_write_goes_through_the_gate(tmp_path: Path) -> None:
    from mutations import due_date_2204

    result = extracted("A77_28.en")
    damaged = type(result)(**{**result.__dict__, **due_date_2204(result.tables()), "validation": None})
    written = damaged.write(tmp_path)
    assert written.held_back == ("actions",)
    assert read_tables(tmp_path)["actions"].empty  # the damaged table did not reach the output folder
    assert (written.quarantine / "actions.csv").exists()


def test_extract_takes_bytes_and_binary_files_and_names_them_as_given() -> None:
    from gbdocs import ErrorKind, PdfError, extract

    pdf = SAMPLES_DIR / "EBPBAC25_3.en.pdf"
    expected = load_expected("EBPBAC25_3.en")
    from_path = extracted("EBPBAC25_3.en")
    from_bytes = extract(pdf.read_bytes(), name="upload.pdf")
    with pdf.open("rb") as f:
        from_file = extract(f)
    for result, name in ((from_bytes, "upload.pdf"), (from_file, pdf.name)):
        assert result.source == Path(name) and result.documents.source_file.iloc[0] == name
        assert result.documents.sha256.iloc[0] == hashlib.sha256(pdf.read_bytes()).hexdigest()
        for table, frame in result.tables().items():
            assert len(frame) == len(expected[table]), table
            if table != "documents":
                pd.testing.assert_frame_equal(frame, from_path.tables()[table])
    with pytest.raises(PdfError) as refused:
        extract(b"Subject: minutes\n\nnot a PDF at all", name="minutes.pdf")
    assert refused.value.kind == ErrorKind.NOT_PDF and str(refused.value).startswith("minutes.pdf: ")
    with pdf.open("r", encoding="latin-1") as text, pytest.raises(TypeError, match="binary mode"):
        extract(text)  # type: ignore[arg-type]


def test_an_extraction_shows_itself_in_one_line_and_as_html_in_a_notebook() -> None:
    result = extracted("A77_28.zh")
    expected = load_expected("A77_28.zh")
    counts = ", ".join(f"{len(expected[name])} {name}" for name in TABLES)
    pages = expected["documents"].pages.iloc[0]
    assert repr(result) == f"<Extraction A77/28:zh from A77_28.zh.pdf: {pages} pages; {counts}; valid>"
    page = result._repr_html_()
    assert "A77/28:zh" in page and str(expected["documents"].title.iloc[0]) in page
    assert all(f"<td>{name}</td><td style='text-align:right'>{len(expected[name])}</td>" in page for name in TABLES)
