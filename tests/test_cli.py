"""``gbdocs`` as a user runs it: help, the page model of the samples, and bad input.

Help, usage errors, bad input, bugs of ours and the log are run as processes (what the user's
shell sees); the other commands by the command line's code in this process (``gbdocs_here``),
which prints and exits the same without importing the libraries again."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bad_inputs import GOOD, PASSWORD, encrypted, make_bad_inputs, not_a_governing_body_document
from gbdocs.inspect import CELL_COLUMNS, LINE_COLUMNS
from harness import SAMPLES_DIR, gbdocs_here

GBDOCS = [sys.executable, "-m", "gbdocs.cli"]
run = gbdocs_here


def run_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GBDOCS, *map(str, args)], capture_output=True, text=True, timeout=300)


def test_help_lists_the_commands() -> None:
    result = run_process("--help")
    assert result.returncode == 0
    assert "inspect" in result.stdout and "Exit status" in result.stdout
    sub = run_process("inspect", "--help")
    assert sub.returncode == 0 and "--password" in sub.stdout and "--png" in sub.stdout


def test_usage_error_exits_2() -> None:
    result = run_process("inspect")
    assert result.returncode == 2 and "Missing argument" in result.stderr


@pytest.mark.parametrize("stem", ["A77_28.zh", "A77_28.en"])
def test_inspect_writes_the_page_model(tmp_path: Path, expected, stem: str) -> None:
    result = run("inspect", SAMPLES_DIR / f"{stem}.pdf", "--out", tmp_path, "--png", "--resolution", "40")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / stem
    with (folder / "lines.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == LINE_COLUMNS
    doc = expected[stem]["documents"].iloc[0]
    assert {int(r["page"]) for r in rows} == set(range(1, doc.pages + 1))
    assert len(list(folder.glob("page-*.png"))) == doc.pages
    with (folder / "cells.csv").open(encoding="utf-8", newline="") as f:
        cells = list(csv.DictReader(f))
    assert list(cells[0]) == CELL_COLUMNS
    # Each annex action ID is a cell on the page where the expected output puts it.
    for _, action in expected[stem]["actions"].iterrows():
        pages = {int(c["page"]) for c in cells if c["text"] == action.action_id}
        assert pages == {action.page_start}, action.action_id
    # Footnote markers are taken out of the text and listed with their position.
    assert any(r["markers"] for r in rows if r["page"] == "1")
    title = [r for r in rows if r["text"] == doc.title]
    assert len(title) == 1 and title[0]["page"] == "1" and float(title[0]["size"]) > 11
    assert title[0]["bold"] == "True"


def test_inspect_json_summary(tmp_path: Path) -> None:
    result = run("inspect", GOOD, "--out", tmp_path, "--json")
    assert result.returncode == 0
    summary = json.loads(result.stdout)
    [doc] = summary["documents"]
    assert summary["failed"] == 0 and doc["pages"] == 5 and doc["lines"] > 100
    assert len(doc["sha256"]) == 64


# ---------------------------------------------------------------- bad input


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    found = make_bad_inputs(tmp_path / "in")
    del found["not a governing-body document"]  # a readable PDF: inspect shows it, extract refuses it
    found["missing"] = (tmp_path / "in" / "nowhere.pdf", "no such file")
    return found


def test_each_bad_input_fails_alone_with_one_clear_line(tmp_path: Path, bad_inputs) -> None:
    out = tmp_path / "out"
    for kind, (path, reason) in bad_inputs.items():
        result = run_process("inspect", path, GOOD, "--out", out)
        assert result.returncode == 1, kind
        lines = result.stderr.strip().splitlines()
        assert lines == [f"gbdocs: error: {path}: {lines[0].split(': ', 3)[-1]}"], (kind, result.stderr)
        assert reason in lines[0] and "Traceback" not in result.stderr, (kind, lines)
        assert not (out / path.stem).exists(), f"{kind}: partial output written"
        assert (out / GOOD.stem / "lines.csv").exists(), f"{kind}: the good file was not processed"


def test_password_opens_an_encrypted_pdf(tmp_path: Path) -> None:
    locked = encrypted(tmp_path / "locked.pdf", PASSWORD)
    wrong = run("inspect", locked, "--out", tmp_path, "--password", "nope")
    assert wrong.returncode == 1 and wrong.stderr.strip().endswith("wrong password")
    right = run("inspect", locked, "--out", tmp_path, "--password", "s3cret")
    assert right.returncode == 0, right.stderr
    plain = (tmp_path / "locked" / "lines.csv").read_text(encoding="utf-8")
    assert "信息管理与技术报告" in plain


def test_failed_rerun_keeps_the_previous_output(tmp_path: Path) -> None:
    first = run("inspect", GOOD, "--out", tmp_path)
    assert first.returncode == 0
    before = (tmp_path / GOOD.stem / "lines.csv").read_bytes()
    damaged = tmp_path / "in" / GOOD.name
    damaged.parent.mkdir()
    damaged.write_bytes(GOOD.read_bytes()[:5000])
    again = run("inspect", damaged, "--out", tmp_path)
    assert again.returncode == 1
    assert (tmp_path / GOOD.stem / "lines.csv").read_bytes() == before


# ---------------------------------------------------------------- gbdocs extract


def test_extract_writes_every_table_and_the_datapackage(tmp_path: Path) -> None:
    out = tmp_path / "a77"
    result = run("extract", SAMPLES_DIR / "A77_28.en.pdf", "--out", out, "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["doc_key"] == "A77/28:en" and summary["pages"] == 10
    assert summary["rows"]["paragraphs"] == 28 and summary["rows"]["references"] == 44
    names = ["documents", "paragraphs", "actions", "progress", "figures", "references"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(f"{n}.csv" for n in names), "datapackage.json", "validation.html", "validation.txt"])
    assert summary["exported"] and summary["validation"] == {"evaluated": summary["validation"]["evaluated"],
                                                             "ok": True, "failures": []}
    from gbdocs.schemas import TABLES

    for name in names:
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == TABLES[name].column_names  # header even when empty
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [f"{n}.csv" for n in names]
    from harness import compare, load_dir, load_expected

    report = compare({t: load_expected("A77_28.en")[t] for t in ("documents", "paragraphs", "references")},
                     load_dir(out))
    assert report.ok, report.format()


def test_extract_refuses_a_pdf_that_is_not_a_governing_body_document(tmp_path: Path) -> None:
    path = not_a_governing_body_document(tmp_path / "page5.pdf")
    result = run("extract", path, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.strip() == f"gbdocs: error: {path}: not a governing-body document: " \
        "no document symbol in the page-1 header"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["empty", "not a pdf", "truncated", "encrypted", "scan"])
def test_extract_bad_input(tmp_path: Path, bad_inputs, kind: str) -> None:
    path, reason = bad_inputs[kind]
    result = run_process("extract", path, "--out", tmp_path / "out")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"gbdocs: error: {path}: ") and reason in line
    assert not (tmp_path / "out").exists()


# A bug of ours, injected into a real extraction: the sample itself is a valid file.
_INJECT = """
import sys
import gbdocs.extractors.layout as layout
import gbdocs.extraction as extraction
real_read_page = layout.read_page
def read_page(page, number, before=()):
    if number == 2 and sys.argv[1] == "page":
        raise ValueError("injected page bug")
    return real_read_page(page, number, before)
def extract_figures(model):
    raise ZeroDivisionError("injected extractor bug")
layout.read_page = read_page
if sys.argv[1] == "extractor":
    extraction.extract_figures = extract_figures
from gbdocs.cli import cli
cli(sys.argv[2:], prog_name="gbdocs")
"""


@pytest.mark.parametrize(("where", "said"), [
    ("page", "internal error in gbdocs on page 2 (ValueError: injected page bug)"),
    ("extractor", "internal error in gbdocs (ZeroDivisionError: injected extractor bug)"),
])
def test_a_bug_of_ours_is_an_internal_error_never_a_damaged_file(tmp_path: Path, where: str, said: str) -> None:
    sample = SAMPLES_DIR / "A77_28.en.pdf"
    base = [sys.executable, "-c", _INJECT, where]
    result = subprocess.run([*base, "extract", str(sample), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 3
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"gbdocs: internal error: {sample}: {said}")
    assert "damaged" not in line and "not a fault of the file" in line and "--debug" in line
    assert not (tmp_path / "out").exists()


def test_debug_prints_the_traceback_of_a_bug_of_ours(tmp_path: Path) -> None:
    sample = SAMPLES_DIR / "A77_28.en.pdf"
    debug = subprocess.run([sys.executable, "-c", _INJECT, "page", "--debug", "extract", str(sample),
                            "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert debug.returncode == 3 and "Traceback (most recent call last)" in debug.stderr
    assert "injected page bug" in debug.stderr.strip().splitlines()[-1]


def test_ingest_reports_a_bug_of_ours_as_an_internal_error_with_the_traceback_under_debug(tmp_path: Path) -> None:
    sample = SAMPLES_DIR / "A77_28.en.pdf"
    base = [sys.executable, "-c", _INJECT, "extractor"]
    result = subprocess.run([*base, "--debug", "ingest", str(sample), "--out", str(tmp_path / "out"), "--jobs", "1"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1  # the batch goes on; the document failed
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"gbdocs: internal error: {sample}: internal error in gbdocs (ZeroDivisionError")
    assert "Traceback (most recent call last)" in result.stderr and "damaged" not in result.stderr


def test_library_warnings_go_to_the_log_not_the_terminal(tmp_path: Path) -> None:
    """A font descriptor without /FontBBox (as some producers write them): pdfminer warns about it
    for every font; under --quiet --json the terminal stays clean and stdout is JSON only."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(SAMPLES_DIR / "EBPBAC25_3.en.pdf"))
    removed = 0
    for page in writer.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).get_object().values():
            font = ref.get_object()
            for part in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                descriptor = part.get("/FontDescriptor")
                if descriptor is not None and "/FontBBox" in descriptor.get_object():
                    del descriptor.get_object()[NameObject("/FontBBox")]
                    removed += 1
    assert removed
    pdf = tmp_path / "no-font-bbox.pdf"
    writer.write(pdf)
    log = tmp_path / "state" / "gbdocs.log"
    result = subprocess.run([*GBDOCS, "--log", str(log), "extract", str(pdf), "--out", str(tmp_path / "out"),
                             "--quiet", "--json"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout)["doc_key"] == "EBPBAC25/3:en"
    lines = log.read_text(encoding="utf-8").splitlines()
    said = next(i for i, line in enumerate(lines) if f"gbdocs.extraction: {pdf}: extracting" in line)
    assert any("pdfminer" in line and "Could not get FontBBox" in line for line in lines[said:])
