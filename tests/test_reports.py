"""What ingest tells its user: which file of a document is kept when a folder holds several
(the same answer whichever worker finishes first), the ingest report (titles, rows per
table, links to each held-back document's own report, every failed expectation, warnings
too, no ``nan``) and ``--json`` records instead of pre-formatted strings."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gbdocs.catalog import Catalog, FileRecord
from gbdocs.ingest import IngestSummary, _report_html
from gbdocs.schemas import TABLES
from gbdocs.tableio import read_tables
from harness import SAMPLES_DIR, extracted, gbdocs_here, load_expected

GBDOCS = [sys.executable, "-m", "gbdocs.cli"]


def test_two_files_of_one_document_the_first_path_is_kept_and_said(tmp_path: Path) -> None:
    src = tmp_path / "in"
    for folder in ("a-2024", "b-resent"):
        (src / folder).mkdir(parents=True)
        shutil.copy(SAMPLES_DIR / "EBPBAC25_3.en.pdf", src / folder / "EBPBAC25_3.en.pdf")
    out = tmp_path / "out"
    run = gbdocs_here("ingest", src, "--out", out, "--jobs", "2", "--json")
    assert run.returncode == 0, run.stderr
    kept, other = (str((src / f / "EBPBAC25_3.en.pdf").resolve()) for f in ("a-2024", "b-resent"))
    summary = json.loads(run.stdout)
    assert (summary["ok"], summary["superseded"]) == (1, 1)
    line = summary["same_document"][0]
    assert line in (f"{other}: same document (EBPBAC25/3:en) as {kept}, which is kept",
                    f"{kept}: same document (EBPBAC25/3:en) as {other}, which it replaces")
    assert sorted((f["file"], f["status"]) for f in summary["files"]) == [(kept, "ok"), (other, "superseded")]
    with Catalog(out / "gbdocs.duckdb") as catalog:
        files = catalog.files().set_index("path")
    assert files.status.to_dict() == {kept: "ok", other: "superseded"}
    assert set(read_tables(out)["paragraphs"].doc_key) == {"EBPBAC25/3:en"}
    report = (out / "validation.html").read_text(encoding="utf-8")
    assert "Several files of one document" in report and html.escape(line) in report


def test_the_ingest_report_lists_titles_rows_findings_and_links(tmp_path: Path) -> None:
    """A catalog with a valid document, one whose actions were held back (with its findings) and
    an unreadable file, as ingest stores them."""
    tables = extracted("A77_28.en").tables()
    expected = load_expected("A77_28.en")
    zh = extracted("EBPBAC25_3.zh").tables()
    held = {**zh, "actions": zh["actions"].iloc[0:0]}
    finding = {"suite": "actions", "expectation": "action IDs are unique per document",
               "kind": "expect_compound_columns_to_be_unique", "severity": "critical", "doc_key": "EBPBAC25/3:zh",
               "pages": [5], "values": ["action_id 3 vs 3"], "tables": ["actions"]}
    warning = {**finding, "expectation": "documents.body is filled", "severity": "warning", "pages": [],
               "values": [], "suite": "documents", "tables": ["documents"]}
    out = tmp_path / "out"
    with Catalog(tmp_path / "c.duckdb") as catalog:
        now = datetime.now(UTC)
        catalog.store(FileRecord("in/A77_28.en.pdf", "1", "ok", None, "A77/28:en", 10, 1, 1, 1, 100), tables,
                      run_started=now)
        catalog.store(FileRecord("in/EB PBAC 25.pdf", "2", "partial", "1 critical expectation(s) failed",
                                 "EBPBAC25/3:zh", 6, 1, 1, 1, 100), held, [finding, warning], run_started=now)
        catalog.store(FileRecord("in/broken.pdf", "3", "failed", "truncated PDF", None, None, None, None, None,
                                 None), None, run_started=now)
        page = _report_html(catalog, IngestSummary(found=3, ok=1, partial=1, failed=1, out=str(out),
                                                   db=str(tmp_path / "c.duckdb")))
    assert ">nan<" not in page and ">None<" not in page
    assert html.escape(str(expected["documents"].title.iloc[0])) in page
    assert html.escape(str(load_expected("EBPBAC25_3.zh")["documents"].title.iloc[0])) in page
    row = page[page.index("<td>in/A77_28.en.pdf</td>"):]
    row = row[:row.index("</tr>")]
    counts = [f"<td class='n'>{len(expected[name])}</td>" for name in TABLES]
    assert "".join(counts) in row
    # the held-back document links to its own report, where ingest writes it
    assert "<a href='quarantine/EB_PBAC_25/validation.html'>report</a>" in page
    for f in (finding, warning):
        assert f"<td>{html.escape(f['expectation'])}</td><td>{f['severity']}</td>" in page
    assert "<td>action_id 3 vs 3</td>" in page


def _screen(output: bytes) -> list[str]:
    """What a terminal shows of ``output``: a carriage return goes back to the start of the line
    and what follows overwrites it, character by character (a shorter message leaves the end of
    a longer progress bar visible: the fragments users saw)."""
    import re

    lines: list[str] = []
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", output.decode("utf-8", "replace"))  # cursor moves of tqdm
    for raw in text.replace("\r\n", "\n").split("\n"):
        line: list[str] = []
        for segment in raw.split("\r"):
            for i, ch in enumerate(segment):
                if i < len(line):
                    line[i] = ch
                else:
                    line.append(ch)
        lines.append("".join(line).rstrip())
    return lines


def test_messages_under_a_progress_bar_leave_no_fragments_of_it(tmp_path: Path) -> None:
    import os
    import pty

    src = tmp_path / "in"
    src.mkdir()
    bad = {src / "minutes.pdf": b"minutes of the meeting\n", src / "empty.pdf": b"",
           src / "cut.pdf": (SAMPLES_DIR / "EBPBAC25_3.en.pdf").read_bytes()[:5000]}
    for path, data in bad.items():
        path.write_bytes(data)
    import fcntl
    import struct
    import termios

    main, terminal = pty.openpty()  # stderr is a terminal: the progress bar is drawn
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))  # ... as wide as a terminal
    run = subprocess.Popen([*GBDOCS, "ingest", str(src), "--out", str(tmp_path / "out"), "--jobs", "1"],
                           stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    run.wait(timeout=600)
    os.close(main)
    assert b"ingest:" in shown  # the bar was drawn
    screen = _screen(shown)
    errors = [line for line in screen if "gbdocs: error:" in line]
    assert len(errors) == len(bad), screen  # each bad file: one line
    for line in errors:
        assert line.startswith("gbdocs: error: ") and "ingest:" not in line and "doc/s" not in line, line


@pytest.mark.parametrize("first", ["a-2024", "b-resent"])
def test_the_summary_counts_the_file_kept_whichever_finishes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    first: str) -> None:
    """The workers' finishing order, forced: the copy under b-resent/ finishing first is stored,
    then replaced by a-2024/'s; the summary must end as the catalog does."""
    import gbdocs.ingest as ingest_module

    paths = []
    for folder in ("a-2024", "b-resent"):
        (tmp_path / folder).mkdir()
        paths.append(tmp_path / folder / "EBPBAC25_3.en.pdf")
        shutil.copy(SAMPLES_DIR / "EBPBAC25_3.en.pdf", paths[-1])

    def finishing(todo: dict[str, str], *args: object) -> object:
        order = sorted(todo, key=lambda p: first not in p)
        return ([ingest_module.process(p, todo[p])] for p in order)  # one finished at a time

    monkeypatch.setattr(ingest_module, "_run_local", finishing)
    summary = ingest_module.ingest(paths, tmp_path / "out", jobs=1)
    kept, other = (str(p.resolve()) for p in paths)
    assert (summary.ok, summary.superseded, summary.exit_status) == (1, 1, 0)
    assert sorted((f["file"], f["status"]) for f in summary.files) == [(kept, "ok"), (other, "superseded")]
    with Catalog(tmp_path / "out" / "gbdocs.duckdb") as catalog:
        assert catalog.files().set_index("path").status.to_dict() == {kept: "ok", other: "superseded"}
