"""Concurrency and the disk: a catalog in use by another program, two ingests at once, a
read-only output folder, a full disk. Each must give one line naming the file and the reason
and a non-zero exit (never a traceback), and leave the previous complete output, or none —
never half a set; the catalog must stay correct for the next run.

The real ``gbdocs`` CLI runs in subprocesses on the smallest quick sample. A full disk is a
file size limit (RLIMIT_FSIZE, SIGXFSZ ignored: writes past it fail with EFBIG "File too
large", the same path through gbdocs as ENOSPC). A read-only folder is chmod 0o555; root
ignores that, so as root gbdocs runs without the capabilities that let it (dropped from the
bounding set before exec). Running it as user nobody would need nobody to reach the
interpreter, which here lives under /root.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from gbdocs.export import export
from gbdocs.extraction import Extraction
from gbdocs.tableio import WriteError, read_tables, write_tables
from harness import SAMPLES_DIR
from mutations import duplicate_action_id

GBDOCS = [sys.executable, "-m", "gbdocs.cli"]
SAMPLE = "EBPBAC25_3.en.pdf"  # 6 pages, no Chinese pipeline to load: the quickest sample
EXPORT = [*(f"{n}.csv" for n in ("documents", "paragraphs", "actions", "progress", "figures", "references")),
          "datapackage.json"]
FILE_TOO_LARGE = os.strerror(errno.EFBIG)
CSV_LIMIT = 10_000  # bytes: paragraphs.csv of the sample is 17 kB, the catalog's first commit 30 kB
CATALOG_LIMIT = 20_000  # lets the catalog be created, not the document's rows be committed
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3


def run(*args: object, env: dict[str, str] | None = None,
        preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GBDOCS, *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})}, preexec_fn=preexec_fn)


def start(*args: object, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([*GBDOCS, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def exported(folder: Path) -> dict[str, bytes]:
    """The exported files; of datapackage.json all but "created" (when the data was stored: a
    fresh extraction of the same document is stored at another moment)."""
    files = {name: (folder / name).read_bytes() for name in EXPORT if (folder / name).exists()}
    if "datapackage.json" in files:
        package = json.loads(files["datapackage.json"])
        assert package.pop("created")
        files["datapackage.json"] = json.dumps(package, sort_keys=True).encode()
    return files


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, hidden ones (temporary files left behind) included."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_error_line(result: subprocess.CompletedProcess[str], pattern: str) -> str:
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(f"gbdocs: error: {pattern}", lines[0]), lines[0]
    return lines[0]


@pytest.fixture(scope="session")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy for the whole module: a catalog made by one test knows it by this path."""
    folder = tmp_path_factory.mktemp("in")
    shutil.copy(SAMPLES_DIR / SAMPLE, folder / SAMPLE)
    return folder / SAMPLE


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory, pdf: Path) -> Path:
    """What an undisturbed ingest exports (and its catalog)."""
    out = tmp_path_factory.mktemp("reference")
    result = run("ingest", pdf, "--out", out, "--jobs", "1")
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert set(exported(out)) == set(EXPORT)
    return out


def with_catalog(reference: Path, folder: Path) -> Path:
    """``folder`` with a copy of the reference catalog: an ingest finds the document unchanged and
    only exports, which spares a test the extraction it is not about."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(reference / "gbdocs.duckdb", folder / "gbdocs.duckdb")
    return folder / "gbdocs.duckdb"


# --- another program on the catalog ------------------------------------------------------


@contextmanager
def holding(db: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process with the catalog open (a notebook, the DuckDB CLI) for ``seconds``."""
    code = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); " \
           "time.sleep(float(sys.argv[2]))"
    holder = subprocess.Popen([sys.executable, "-c", code, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_a_catalog_held_by_another_program_is_one_line_and_stays_usable(tmp_path: Path, pdf: Path,
                                                                          reference: Path) -> None:
    out = tmp_path / "out"
    db = with_catalog(reference, out)
    with holding(db, 120) as holder:
        started = time.monotonic()
        refused = run("ingest", pdf, "--out", out, "--jobs", "1", env={"GBDOCS_LOCK_WAIT": "1"})
        assert time.monotonic() - started >= 1, "it must wait for the lock before giving up"
        one_error_line(refused, re.escape(f"{db}: in use by another program (PID {holder.pid}, ") +
                       r"[^:]+: another gbdocs ingest, the DuckDB CLI, a notebook\.\.\.\); waited 1 s; "
                       r"try again when it is done")
    assert not exported(out), "nothing may be exported without the catalog"
    done = run("ingest", pdf, "--out", out, "--jobs", "1", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["skipped"] == 1, done.stderr
    assert exported(out) == exported(reference)


def test_a_short_lock_is_waited_for(tmp_path: Path, pdf: Path, reference: Path) -> None:
    out = tmp_path / "out"
    with holding(with_catalog(reference, out), 8):  # still held when gbdocs, 3-4 s into its start, opens it
        result = run("ingest", pdf, "--out", out, "--jobs", "1", env={"GBDOCS_LOCK_WAIT": "60"})
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert exported(out) == exported(reference)


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, stdout, stderr


def test_two_ingests_at_once_take_turns(tmp_path: Path, pdf: Path, reference: Path) -> None:
    out = tmp_path / "out"
    runs = [start("ingest", pdf, "--out", out, "--jobs", "1", "--json", env={"GBDOCS_LOCK_WAIT": "120"})
            for _ in range(2)]
    results = [_finish(p) for p in runs]
    assert [(rc, err) for rc, _, err in results] == [(0, ""), (0, "")], results
    # One stored the document; the other waited for it, found it unchanged and only exported.
    summaries = [json.loads(stdout) for _, stdout, _ in results]
    assert sorted((s["ok"], s["skipped"]) for s in summaries) == [(0, 1), (1, 0)]
    assert exported(out) == exported(reference)
    again = run("ingest", pdf, "--out", out, "--jobs", "1", "--force")
    assert again.returncode == 0, again.stderr
    assert exported(out) == exported(reference)
    with duckdb.connect(str(out / "gbdocs.duckdb"), read_only=True) as con:
        assert con.execute("SELECT path, status FROM files").fetchall() == [(str(pdf), "ok")]
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)


def test_two_ingests_at_once_without_waiting(tmp_path: Path, pdf: Path, reference: Path) -> None:
    out = tmp_path / "out"
    with_catalog(reference, out)
    runs = [start("ingest", pdf, "--out", out, "--jobs", "1", env={"GBDOCS_LOCK_WAIT": "0"}) for _ in range(2)]
    results = sorted(_finish(p)[::2] for p in runs)  # (exit status, stderr)
    assert results[0] == (0, ""), results
    assert results[1][0] == 1 and len(results[1][1].splitlines()) == 1, results
    assert re.fullmatch(re.escape(f"gbdocs: error: {out / 'gbdocs.duckdb'}: in use by another program (PID ") +
                        r"\d+, .+\); try again when it is done\n", results[1][1])
    assert exported(out) == exported(reference)


# --- a read-only output folder -------------------------------------------------------------


def _without_root_powers() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], Callable[[], None] | None]]:
    """make(folder): chmod 0o555 and the preexec_fn under which that holds (root ignores chmod)."""
    folders: list[Path] = []

    def make(folder: Path) -> Callable[[], None] | None:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o555)
        folders.append(folder)
        preexec = _without_root_powers if os.geteuid() == 0 else None
        probe = subprocess.run([sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"],
                               capture_output=True, preexec_fn=preexec)
        assert probe.returncode != 0, "cannot make a folder read-only here (no CAP_SETPCAP to drop root's powers?)"
        return preexec

    yield make
    for folder in folders:
        folder.chmod(0o755)


def test_read_only_output_folder_ingest(tmp_path: Path, pdf: Path, reference: Path,
                                        read_only: Callable[[Path], Callable[[], None] | None]) -> None:
    # The catalog in it cannot even be created.
    fresh = tmp_path / "fresh"
    preexec = read_only(fresh)
    one_error_line(run("ingest", pdf, "--out", fresh, "--jobs", "1", preexec_fn=preexec),
                   re.escape(f"cannot open catalog {fresh / 'gbdocs.duckdb'}: Permission denied"))
    assert not any(fresh.iterdir())
    # With the catalog elsewhere, the export is refused; the previous export stays whole.
    out, db = tmp_path / "out", with_catalog(reference, tmp_path / "catalog")
    out.mkdir()
    for name in EXPORT:
        shutil.copy(reference / name, out / name)
    (out / "documents.csv").write_text("the previous export\r\n", encoding="utf-8")
    before = snapshot(out)
    read_only(out)
    refused = run("ingest", pdf, "--out", out, "--db", db, "--jobs", "1", preexec_fn=preexec)
    one_error_line(refused, re.escape(f"cannot write {out}: Permission denied"))
    assert snapshot(out) == before


def test_read_only_output_folder_extract(tmp_path: Path, pdf: Path,
                                         read_only: Callable[[Path], Callable[[], None] | None]) -> None:
    parent = tmp_path / "ro"
    preexec = read_only(parent)
    one_error_line(run("extract", pdf, "--out", parent / "doc", preexec_fn=preexec),
                   re.escape(f"cannot write {parent / 'doc'}: Permission denied"))
    assert not any(parent.iterdir())


# --- a full disk ------------------------------------------------------------------------------


def file_size_limit(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_full_disk_during_extract_leaves_the_previous_export(tmp_path: Path, pdf: Path, reference: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in EXPORT:
        shutil.copy(reference / name, out / name)
    (out / "paragraphs.csv").write_text("the previous export\r\n", encoding="utf-8")  # small enough to be replaced
    before = snapshot(out)
    refused = run("extract", pdf, "--out", out, preexec_fn=file_size_limit(CSV_LIMIT))
    one_error_line(refused, re.escape(f"cannot write {out}/") + r"[a-z]+\.csv: " + re.escape(FILE_TOO_LARGE))
    assert snapshot(out) == before, "the previous export must stay whole: no file replaced, nothing left aside"


def test_full_disk_during_ingest(tmp_path: Path, pdf: Path, reference: Path) -> None:
    # The catalog cannot take the document: nothing is exported, and the next run completes it.
    out = tmp_path / "out"
    refused = run("ingest", pdf, "--out", out, "--jobs", "1", preexec_fn=file_size_limit(CATALOG_LIMIT))
    one_error_line(refused, re.escape(f"cannot write {(out / 'gbdocs.duckdb').resolve()}") + r"(\.wal)?: " +
                   re.escape(FILE_TOO_LARGE))
    assert not exported(out)
    done = run("ingest", pdf, "--out", out, "--jobs", "1", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["ok"] == 1, done.stderr
    assert exported(out) == exported(reference)
    # The catalog is complete, the export cannot be written: nothing is written, not even the
    # folder (a previous export staying whole: test_full_disk_during_extract, the same writer).
    before = snapshot(out)
    fresh = tmp_path / "fresh"
    refused = run("ingest", pdf, "--out", fresh, "--db", out / "gbdocs.duckdb", "--jobs", "1",
                  preexec_fn=file_size_limit(CSV_LIMIT))
    one_error_line(refused, re.escape(f"cannot write {fresh}/") + r"[a-z]+\.csv: " + re.escape(FILE_TOO_LARGE))
    assert not fresh.exists(), "nothing of a failed export, not even its folder"
    assert snapshot(out) == before


# --- the export and its quarantine are one set ---------------------------------------------------


def test_a_failed_export_leaves_no_quarantine_and_the_previous_export(tmp_path: Path, reference: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    tables = read_tables(reference)
    broken = Extraction(source=Path(SAMPLE), **duplicate_action_id(tables))  # holds back actions only
    out = tmp_path / "out"
    write_tables(tables, out)
    before = snapshot(out)
    to_csv = pd.DataFrame.to_csv

    def disk_full_in_out(frame: pd.DataFrame, path: Path, *args: object, **kwargs: object) -> object:
        if Path(path).parent.parent == out:  # a staged file of the export itself, not of its quarantine
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return to_csv(frame, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full_in_out)
    with pytest.raises(WriteError) as error:
        export(broken, out)
    assert str(error.value) == f"cannot write {out / 'documents.csv'}: {os.strerror(errno.ENOSPC)}"
    assert snapshot(out) == before, "neither the quarantine nor a file of the export may be left"
    assert not (out / "quarantine").exists()
    monkeypatch.undo()
    done = export(broken, out)
    assert done.held_back == ("actions",) and (out / "quarantine" / "EBPBAC25_3.en" / "actions.csv").exists()


def test_a_failed_rename_puts_the_previous_files_back(tmp_path: Path, reference: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in EXPORT[:3]:  # a previous export of three files: the others are new
        (out / name).write_text(f"previous {name}\r\n", encoding="utf-8")
    before = snapshot(out)
    replace, renamed = os.replace, []

    def fails_at_the_fifth(src: str, dest: str) -> None:
        if len(renamed) == 4 and ".old." not in str(src):  # the put-backs themselves must go through
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(dest))
        renamed.append(dest)
        replace(src, dest)

    monkeypatch.setattr(os, "replace", fails_at_the_fifth)
    with pytest.raises(WriteError, match=re.escape(os.strerror(errno.EIO))):
        write_tables(read_tables(reference), out)
    assert len(renamed) >= 4 and snapshot(out) == before
