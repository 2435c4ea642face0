"""Speed and memory of gbdocs against the tools it is built on, in one run over one corpus.

    .venv/bin/python benchmarks/ingest_bench.py [--copies 7] [--keep DIR]

The corpus is the four standard samples copied until it holds at least 200 pages (each
copy made distinct by a trailing PDF comment, so every file is new to the catalog). It
measures poppler's pdftotext (where installed), bare pdfplumber (extract_text and
extract_tables on every page, one process), ``gbdocs ingest`` cold with --jobs 1 and
--jobs 2, ``gbdocs ingest`` again with nothing changed, and the peak memory of the workers
(from the catalog), and checks the targets of the ingest issue.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ["A77_28.zh", "A77_28.en", "EBPBAC25_3.zh", "EBPBAC25_3.en"]


def build_corpus(folder: Path, copies: int) -> tuple[list[Path], int]:
    import pdfplumber

    files, pages = [], 0
    for n in range(copies):
        for stem in SAMPLES:
            target = folder / f"{stem}.copy{n:02d}.pdf"
            target.write_bytes((ROOT / "samples" / f"{stem}.pdf").read_bytes() + f"%bench copy {n}\n".encode())
            files.append(target)
    for stem in SAMPLES:
        with pdfplumber.open(ROOT / "samples" / f"{stem}.pdf") as pdf:
            pages += len(pdf.pages) * copies
    return files, pages


def timed(cmd: list[str], **kw: object) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, **kw)
    return time.perf_counter() - started


def bare_pdfplumber(files: list[Path]) -> tuple[float, float]:
    code = (
        "import sys, time, resource, pdfplumber\n"
        "t = time.perf_counter()\n"
        "for f in sys.argv[1:]:\n"
        "    with pdfplumber.open(f) as pdf:\n"
        "        for p in pdf.pages:\n"
        "            p.extract_text(); p.extract_tables()\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *map(str, files)], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1])


def gbdocs_ingest(corpus: Path, out: Path, *args: str) -> float:
    return timed([sys.executable, "-m", "gbdocs.cli", "ingest", str(corpus), "--out", str(out), "--quiet",
                  *args], cwd=ROOT)


def worker_peak_mb(db: Path) -> float:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return float(con.execute("SELECT max(peak_rss_mb) FROM files").fetchone()[0] or 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=7, help="copies of the four samples (7 -> 210 pages)")
    ap.add_argument("--keep", type=Path, help="keep the corpus and outputs in this folder")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gbdocs-bench-"))
    corpus = work / "corpus"
    shutil.rmtree(work / "out1", ignore_errors=True)
    shutil.rmtree(work / "out2", ignore_errors=True)
    corpus.mkdir(parents=True, exist_ok=True)
    files, pages = build_corpus(corpus, args.copies)
    results: dict[str, float] = {}
    if shutil.which("pdftotext"):
        results["pdftotext"] = sum(timed(["pdftotext", str(f), "/dev/null"]) for f in files)
    results["pdfplumber (text + tables)"], plumber_mb = bare_pdfplumber(files)
    results["gbdocs ingest --jobs 1 (cold)"] = gbdocs_ingest(corpus, work / "out1", "--jobs", "1")
    results["gbdocs ingest --jobs 2 (cold)"] = gbdocs_ingest(corpus, work / "out2", "--jobs", "2")
    results["gbdocs ingest again, nothing changed"] = gbdocs_ingest(corpus, work / "out2", "--jobs", "2")
    peak = max(worker_peak_mb(work / "out1" / "gbdocs.duckdb"), worker_peak_mb(work / "out2" / "gbdocs.duckdb"))

    print(f"corpus: {len(files)} PDFs, {pages} pages ({work})")
    width = max(map(len, results))
    for name, seconds in results.items():
        print(f"  {name:<{width}}  {seconds:7.2f} s  {pages / seconds:7.1f} pages/s")
    plumber = results["pdfplumber (text + tables)"]
    cold1, cold2 = results["gbdocs ingest --jobs 1 (cold)"], results["gbdocs ingest --jobs 2 (cold)"]
    rerun = results["gbdocs ingest again, nothing changed"]
    checks = {
        "cold ingest (--jobs 2) / bare pdfplumber <= 1.5": (cold2 / plumber, cold2 / plumber <= 1.5),
        "--jobs 1 / --jobs 2 >= 1.7": (cold1 / cold2, cold1 / cold2 >= 1.7),
        "re-run / cold <= 0.05": (rerun / cold2, rerun / cold2 <= 0.05),
        "peak memory per worker <= 500 MB": (peak, peak <= 500),
    }
    print(f"  peak RSS: gbdocs worker {peak:.0f} MB, bare pdfplumber {plumber_mb:.0f} MB, "
          f"this harness {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for name, (value, ok) in checks.items():
        print(f"  {'met ' if ok else 'MISS'}  {name}: {value:.2f}")
    print(json.dumps({"pages": pages, "seconds": results, "peak_worker_mb": peak}), file=sys.stderr)


if __name__ == "__main__":
    main()
