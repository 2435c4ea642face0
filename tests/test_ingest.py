"""gbdocs ingest: incremental catalog, bad inputs beside good ones, crash safety, limits,
and the Dask executor."""

from __future__ import annotations

import copy
import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bad_inputs import heavy_page, make_bad_inputs, slow_page
from gbdocs.catalog import Stored
from gbdocs.tableio import read_tables
from harness import SAMPLE_STEMS, SAMPLES_DIR, compare, gbdocs_here, load_expected

GBDOCS = [sys.executable, "-m", "gbdocs.cli"]


def run(*args: object, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GBDOCS, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def _samples(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem in SAMPLE_STEMS:
        shutil.copy(SAMPLES_DIR / f"{stem}.pdf", folder / f"{stem}.pdf")
    return folder


def _assert_exported_equals_expected(out: Path) -> None:
    tables = read_tables(out)
    for stem in SAMPLE_STEMS:
        expected = load_expected(stem)
        doc_key = expected["documents"].doc_key.iloc[0]
        mine = {n: t[t.doc_key == doc_key].reset_index(drop=True) for n, t in tables.items()}
        expected["documents"] = expected["documents"].drop(columns="sha256")
        mine["documents"] = mine["documents"].drop(columns="sha256")
        report = compare({n: e for n, e in expected.items() if n != "documents"}, mine)
        assert report.ok, report.format()
    assert tables["documents"].doc_key.is_unique and len(tables["documents"]) == len(SAMPLE_STEMS)


def _catalog(db: Path) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT path, status, reason, doc_key FROM files ORDER BY path").df()


def test_ingest_is_incremental(tmp_path: Path) -> None:
    src, out = _samples(tmp_path / "in"), tmp_path / "out"
    first = gbdocs_here("ingest", src, "--out", out, "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["ok"], summary["skipped"], summary["pages"]) == (4, 0, 30)
    _assert_exported_equals_expected(out)
    assert "4 ok" in (out / "validation.html").read_text(encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    again = gbdocs_here("ingest", src, "--out", out, "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["skipped"] == 4
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == before
    # A changed file replaces its rows: the zh file now holds the en document.
    shutil.copy(SAMPLES_DIR / "EBPBAC25_3.en.pdf", src / "EBPBAC25_3.zh.pdf")
    changed = gbdocs_here("ingest", src, "--out", out, "--json")
    assert json.loads(changed.stdout)["ok"] == 1
    docs = read_tables(out)["documents"]
    assert "EBPBAC25/3:zh" not in set(docs.doc_key) and docs.doc_key.is_unique
    files = _catalog(out / "gbdocs.duckdb")
    assert set(files.status) == {"ok", "superseded"}


def test_bad_inputs_fail_alone_and_good_ones_land(tmp_path: Path) -> None:
    src = _samples(tmp_path / "in")
    reasons = {path.name: reason for path, reason in make_bad_inputs(src / "bad").values()}
    out = tmp_path / "out"
    result = gbdocs_here("ingest", src, "--out", out, "--jobs", "2")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    for name, reason in reasons.items():
        mine = [ln for ln in lines if ln.startswith("gbdocs: error: ") and ln.split(": ")[2].endswith(name)]
        assert len(mine) == 1 and reason in mine[0], (name, lines)
    _assert_exported_equals_expected(out)
    files = _catalog(out / "gbdocs.duckdb")
    failed = files[files.status == "failed"]
    assert sorted(Path(p).name for p in failed.path) == sorted(reasons)
    assert failed.reason.notna().all()


def test_a_killed_ingest_is_completed_by_the_next_one(tmp_path: Path) -> None:
    src, out = _samples(tmp_path / "in"), tmp_path / "out"
    killed = run("ingest", src, "--out", out, "--jobs", "1", env={"GBDOCS_TEST_KILL_DURING_STORE": "3"})
    assert killed.returncode == -9  # SIGKILL in the middle of storing the third document
    assert not list(out.glob("*.csv"))  # the export never started
    resumed = gbdocs_here("ingest", src, "--out", out, "--json")
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["skipped"] == 2 and summary["ok"] == 2
    _assert_exported_equals_expected(out)
    with duckdb.connect(str(out / "gbdocs.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM actions").fetchone()[0] == 15 + 15 + 7 + 7
        assert con.execute("SELECT count(*), count(DISTINCT doc_key) FROM documents").fetchone() == (4, 4)


def test_time_and_memory_limits_stop_a_worker_not_the_batch(tmp_path: Path) -> None:
    for name, make, limit, said in [
        ("slow.pdf", slow_page, ["--timeout", "10"], "too slow: not done within the time limit of 10 s "
                                                    "(--timeout to change it)"),
        ("heavy.pdf", heavy_page, ["--timeout", "1800", "--max-memory", "50"],
         "too large: reading it needs more than the memory limit of 50 MB (--max-memory to change it)"),
    ]:
        src = tmp_path / name / "in"
        src.mkdir(parents=True)
        shutil.copy(SAMPLES_DIR / "EBPBAC25_3.en.pdf", src / "good.pdf")
        make(src / name)
        result = gbdocs_here("ingest", src, "--out", tmp_path / name / "out", "--jobs", "2", *limit, "--json")
        assert result.returncode == 1 and json.loads(result.stdout)["ok"] == 1  # the batch went on
        assert result.stderr.strip().splitlines() == [f"gbdocs: error: {src / name}: {said}"], result.stderr
        assert set(read_tables(tmp_path / name / "out")["documents"].source_file) == {"good.pdf"}


_CLUSTER = """
import sys, time
from distributed import LocalCluster
if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        print(cluster.scheduler_address, flush=True)
        sys.stdin.read()  # until the test closes it
"""


def test_dask_executor_on_a_local_cluster(tmp_path: Path) -> None:
    # The cluster lives in a process of its own, as a user's would (and leaves nothing behind
    # in the test process).
    script = tmp_path / "cluster.py"
    script.write_text(_CLUSTER, encoding="utf-8")
    cluster = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        address = cluster.stdout.readline().strip()
        assert address.startswith("tcp://"), address
        src, out = _samples(tmp_path / "in"), tmp_path / "out"
        result = run("ingest", src, "--out", out, "--executor", "dask", "--scheduler", address, "--json")
    finally:
        cluster.communicate("", timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] == 4
    _assert_exported_equals_expected(out)


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--executor", "spark"]])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    assert run("ingest", tmp_path, *args).returncode == 2


def test_a_copy_that_failed_validation_never_replaces_the_valid_file_of_its_document(tmp_path: Path) -> None:
    from gbdocs.catalog import Catalog, FileRecord

    tables = extract_sample_tables("A77_28.en")
    doc_key = str(tables["documents"].doc_key.iloc[0])
    whole = {name: len(frame) for name, frame in tables.items()}
    held_back = {**tables, "actions": tables["actions"].iloc[0:0]}  # what a partial copy stores

    def record(path: str, status: str) -> FileRecord:
        return FileRecord(path, "sha-" + path, status, None if status == "ok" else "held back", doc_key, 10,
                          None, None, None, None)

    def stored(catalog: Catalog) -> dict[str, int]:
        return {name: len(frame) for name, frame in catalog.tables().items()}

    with Catalog(tmp_path / "c.duckdb") as catalog:
        assert catalog.store(record("good.pdf", "ok"), tables) == Stored()
        assert catalog.store(record("invalid-copy.pdf", "invalid"), None) == Stored()
        assert catalog.store(record("failed-copy.pdf", "failed"), None) == Stored()
        assert catalog.store(record("partial-copy.pdf", "partial"), held_back) == Stored(kept="good.pdf")
        assert stored(catalog) == whole  # the valid file's rows, all of them
        status = dict(catalog.con.execute("SELECT path, status FROM files").fetchall())
        assert status["good.pdf"] == "ok"
        assert status["partial-copy.pdf"] == "superseded"
        assert "same document (A77/28:en) as good.pdf, which is kept" in catalog.con.execute(
            "SELECT reason FROM files WHERE path = 'partial-copy.pdf'").fetchone()[0]
        # a file of a later run that passes whole does replace it
        assert catalog.store(record("newer.pdf", "ok"), tables) == Stored(superseded="good.pdf")
        assert stored(catalog) == whole
        sources = {s for (s,) in catalog.con.execute("SELECT DISTINCT source_path FROM paragraphs").fetchall()}
        assert sources == {"newer.pdf"}


@pytest.mark.parametrize("order", [("b/copy.pdf", "a/report.pdf", "c/reissue.pdf"),
                                   ("c/reissue.pdf", "a/report.pdf", "b/copy.pdf"),
                                   ("a/report.pdf", "c/reissue.pdf", "b/copy.pdf")])
def test_which_file_of_a_document_is_kept_does_not_depend_on_which_worker_finished_first(
        tmp_path: Path, order: tuple[str, ...]) -> None:
    from datetime import UTC, datetime

    from gbdocs.catalog import Catalog, FileRecord

    tables = extract_sample_tables("A77_28.en")
    doc_key = str(tables["documents"].doc_key.iloc[0])
    with Catalog(tmp_path / "c.duckdb") as catalog:
        run_started = datetime.now(UTC)
        for path in order:  # one run: the files arrive in the order the workers finish
            catalog.store(FileRecord(path, "sha-" + path, "ok", None, doc_key, 10, None, None, None, None), tables,
                          run_started=run_started)
        status = dict(catalog.con.execute("SELECT path, status FROM files").fetchall())
        assert status == {"a/report.pdf": "ok", "b/copy.pdf": "superseded", "c/reissue.pdf": "superseded"}
        sources = {s for (s,) in catalog.con.execute("SELECT DISTINCT source_path FROM actions").fetchall()}
        assert sources == {"a/report.pdf"}
        # the next run brings a changed c/reissue.pdf: a file of a later run replaces the one kept
        stored = catalog.store(FileRecord("c/reissue.pdf", "sha-2", "ok", None, doc_key, 10, None, None, None, None),
                               tables, run_started=datetime.now(UTC))
        assert stored == Stored(superseded="a/report.pdf")
        sources = {s for (s,) in catalog.con.execute("SELECT DISTINCT source_path FROM actions").fetchall()}
        assert sources == {"c/reissue.pdf"}


@functools.cache  # read-only for the tests that share it
def extract_sample_tables(stem: str) -> dict[str, pd.DataFrame]:
    from gbdocs import extract

    result = extract(SAMPLES_DIR / f"{stem}.pdf")
    assert result.validation is not None and result.validation.ok
    return result.tables()


def test_a_folder_without_pdfs_is_one_clear_line_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("not a PDF", encoding="utf-8")
    result = run("ingest", tmp_path / "in", "--out", tmp_path / "out", timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"gbdocs: error: no PDF files in {tmp_path / 'in'}"]
    assert not (tmp_path / "out").exists()


def test_a_copy_superseded_by_a_file_that_later_fails_is_read_again(tmp_path: Path) -> None:
    """b.pdf kept its document over a.pdf; b.pdf is then replaced by a damaged file: a.pdf's
    rows went when it was superseded, so the next ingest must read it again, not skip it."""
    from datetime import UTC, datetime

    from gbdocs.catalog import Catalog, FileRecord

    tables = extract_sample_tables("A77_28.en")
    doc_key = str(tables["documents"].doc_key.iloc[0])
    with Catalog(tmp_path / "c.duckdb") as catalog:
        catalog.store(FileRecord("b.pdf", "sha-b", "ok", None, doc_key, 10, None, None, None, None), tables,
                      run_started=datetime.now(UTC))
        assert catalog.store(FileRecord("a.pdf", "sha-a", "ok", None, doc_key, 10, None, None, None, None), tables,
                             run_started=datetime.now(UTC)) == Stored(superseded="b.pdf")
        catalog.store(FileRecord("a.pdf", "sha-a2", "failed", "truncated PDF", None, None, None, None, None, None),
                      None, run_started=datetime.now(UTC))
        known = catalog.known()
        assert known["b.pdf"] == ("", "superseded")  # an empty sha256: the next ingest reads b.pdf again
        assert catalog.tables()["documents"].empty


def test_documents_validated_together_are_judged_as_each_alone(tmp_path: Path) -> None:
    """ingest validates what the workers finished a batch at a time: a damaged document must
    be held back as it would be alone, its neighbours untouched, and two files of one document
    (same doc_key: their rows would collide) never validated together."""
    from gbdocs.ingest import judge, process
    from mutations import MUTATIONS

    resent = tmp_path / "again" / "A77_28.en.pdf"
    resent.parent.mkdir()
    shutil.copy(SAMPLES_DIR / "A77_28.en.pdf", resent)
    paths = [SAMPLES_DIR / "A77_28.en.pdf", resent, SAMPLES_DIR / "A77_28.zh.pdf", SAMPLES_DIR / "EBPBAC25_3.en.pdf"]
    damage, expectation, held = MUTATIONS["a due date of 2204"]

    read = [process(str(p), "") for p in paths]
    assert [r.status for r in read] == ["extracted"] * 4
    read[2].extracted = damage(read[2].extracted)
    together, alone = copy.deepcopy(read), copy.deepcopy(read)
    judge(together)
    for result in alone:
        judge([result])
    assert [r.status for r in together] == ["ok", "ok", "partial", "ok"]
    assert together[2].held_back == sorted(held) and expectation in together[2].report_text
    for a, b in zip(together, alone, strict=True):
        assert (a.status, a.held_back, a.reason) == (b.status, b.held_back, b.reason)
        assert [f.to_dict() for f in a.failures] == [f.to_dict() for f in b.failures]
        assert {n: len(t) for n, t in a.tables.items()} == {n: len(t) for n, t in b.tables.items()}


def test_a_bug_in_validation_fails_its_document_not_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    import gbdocs.validate as validate_module
    from gbdocs.ingest import judge, process

    read = [process(str(SAMPLES_DIR / name), "") for name in ("EBPBAC25_3.en.pdf", "EBPBAC25_3.zh.pdf")]
    real_validate_tables = validate_module.validate_tables

    def validate_tables(tables: dict[str, pd.DataFrame]) -> object:
        if "EBPBAC25/3:zh" in set(tables["documents"].doc_key):
            raise ZeroDivisionError("injected validation bug")
        return real_validate_tables(tables)

    monkeypatch.setattr(validate_module, "validate_tables", validate_tables)
    judge(read)
    assert [(r.status, r.kind) for r in read] == [("ok", None), ("failed", "internal")]
    assert "internal error in gbdocs (ZeroDivisionError: injected validation bug)" in read[1].reason
    assert read[0].tables is not None and len(read[0].tables["paragraphs"]) > 0
