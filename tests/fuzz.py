"""Fuzzing harness: seeded, reproducible mutations of sample, generated and real PDFs fed to
``gbdocs.extract`` the way a user's archive would feed it, each case in a worker process
held to a time and memory limit of its own.

    python tests/fuzz.py --cases 10000 --validate-every 10 --out out/fuzz   # what `make fuzz` runs
    python tests/fuzz.py --reproduce byte-flip samples/EBPBAC25_3.zh.pdf 1234 --write case.pdf

Every case ends in one outcome: extracted, error (a PdfError: one clean line for the user),
crash (any other exception, an internal error included: a bug of ours), hang (still running
past gbdocs' own time limit plus a margin), oom (the worker died or ran out of memory past
gbdocs' own memory limit). Besides, a case fails when anything on stderr is a traceback, when
bytes appended after %%EOF change any table of the file (readers ignore them), and when a
file whose damaged cross-reference table PDFium repairs (every page there) is refused. The
report (out/fuzz/report.md and .json) gives the outcome table per mutation kind and every
failure's signature with the command that reproduces it. Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict, deque
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import pandas as pd  # noqa: E402

from fuzz_mutations import KINDS, Anatomy, anatomy, mutate  # noqa: E402

# Small documents of every producer we have (LibreOffice, XeLaTeX, Chromium, Typst, Word via
# LibreOffice) and three real ones (Word for Microsoft 365, macOS Quartz): damage meets every
# file structure (classic tables, cross-reference streams, object streams, incremental saves).
SEEDS: tuple[str, ...] = (
    "samples/EBPBAC25_3.zh.pdf",
    "samples/EBPBAC25_3.en.pdf",
    "samples/corpus/xelatex-001-EB156_27.en.pdf",
    "samples/corpus/xelatex-004-EBPBAC25_3.zh.pdf",
    "samples/corpus/chromium-003-EBPBAC25_3.zh.pdf",
    "samples/corpus/typst-001-EBPBAC25_3.en.pdf",
    "samples/corpus/docx-003-EB156_27.zh.pdf",
    "samples/real/E_ICEF_2025_L.9.en.pdf",
    "samples/real/DP_2025_4.en.pdf",
    "samples/real/A_C.5_78_34.pdf",
)
OUTCOMES = ("extracted", "error", "crash", "hang", "oom")
FAILURES = ("crash", "hang", "oom", "traceback", "changed-by-trailing-bytes", "repairable-refused")
HANG_MARGIN = 30.0  # seconds past gbdocs' own time limit before a case counts as a hang
# Kinds whose files must extract like their seed: they get the time the seed itself would need
# on a busy machine, or a loaded CI runner would pass for a file that gbdocs refused.
MUST_EXTRACT = ("trailing-bytes", "xref-damage")
MUST_EXTRACT_SLACK = 6
HARNESS_MEMORY_MB = 4096  # the worker's own budget: gbdocs' limited child stays within its own


@dataclass(frozen=True)
class Case:
    index: int
    kind: str
    seed_file: str
    seed: int

    @property
    def command(self) -> str:
        return f"python tests/fuzz.py --reproduce {self.kind} {self.seed_file} {self.seed} --write case.pdf"


@dataclass
class CaseResult:
    case: Case
    outcome: str
    error_kind: str = ""
    detail: str = ""  # the error's reason, or a crash's signature
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def cases(n: int, base_seed: int, seeds: tuple[str, ...] = SEEDS) -> list[Case]:
    """``n`` cases, the kinds in turn and the seed files in turn under each kind."""
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        seed_file = seeds[(i // len(KINDS)) % len(seeds)]
        digest = hashlib.sha256(f"{base_seed}:{i}".encode()).digest()
        out.append(Case(i, kind, seed_file, int.from_bytes(digest[:4], "big")))
    return out


@cache
def _anatomy(seed_file: str) -> Anatomy:
    return anatomy(ROOT / seed_file)


def case_bytes(case: Case) -> bytes:
    return mutate(case.kind, (ROOT / case.seed_file).read_bytes(), case.seed, _anatomy(case.seed_file))


COMPARED = ("documents", "paragraphs", "actions", "progress", "figures", "references")
PER_FILE = ("source_file", "sha256")  # differ between two copies of one document by definition


def _digest(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """One hash per table of everything extracted (columns that name the file left out)."""
    out = {}
    for name in COMPARED:
        df = tables[name].drop(columns=[c for c in PER_FILE if c in tables[name].columns])
        out[name] = hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()
    return out


def reader_text(path: Path) -> str | None:
    """All the text a PDF reader (PDFium, as in Chrome) shows, or None when it cannot open
    the file: a mutated file it reads exactly like the unmutated one is a file users read."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except Exception:
        return None
    try:
        return "\f".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    except Exception:
        return None
    finally:
        doc.close()


def _signature(exc: BaseException) -> str:
    """Exception class, the start of its message and the innermost frame: crashes that are one
    bug share it."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    message = " ".join(str(exc).split())[:100]
    return f"{exc.__class__.__name__}: {message}{where}"


def run_case(case: Case, workdir: str, seconds: float, memory_mb: int, validate: bool,
             baseline: dict[str, str] | None, seed_text: str | None) -> CaseResult:
    """One case, in a harness worker: the mutated file through ``gbdocs.extract`` under
    gbdocs' own limits, with this process's stderr captured to look for tracebacks."""
    from gbdocs.extraction import extract
    from gbdocs.extractors import InternalError, PdfError
    from gbdocs.limits import Limits, memory_cap
    path = Path(workdir) / f"case-{case.index}.pdf"
    err_path = Path(workdir) / f"case-{case.index}.err"
    path.write_bytes(case_bytes(case))
    saved = os.dup(2)
    with err_path.open("wb") as err:
        os.dup2(err.fileno(), 2)
    started = time.perf_counter()
    result = CaseResult(case, "extracted")
    tables = None
    try:
        with memory_cap(HARNESS_MEMORY_MB):
            extraction = extract(path, validate=validate, limits=Limits(seconds=seconds, memory_mb=memory_mb))
            tables = extraction.tables()
    except PdfError as exc:
        result.outcome, result.error_kind, result.detail = "error", str(exc.kind), exc.reason
    except InternalError as exc:
        result.outcome, result.detail = "crash", exc.reason
    except MemoryError:
        result.outcome, result.detail = "oom", "MemoryError escaped gbdocs' memory limit"
    except Exception as exc:  # what the API must never raise
        result.outcome, result.detail = "crash", _signature(exc)
    finally:
        result.seconds = round(time.perf_counter() - started, 2)
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
    said = err_path.read_text(encoding="utf-8", errors="replace")
    if "Traceback" in said or "Fatal Python error" in said:
        result.failures.append("traceback")
        result.detail = result.detail or said.strip().splitlines()[-1][:200]
    read_like_seed = case.kind in ("trailing-bytes", "xref-damage") and reader_text(path) == seed_text
    if case.kind == "trailing-bytes" and read_like_seed and baseline is not None:
        if tables is None:
            result.failures.append("changed-by-trailing-bytes")
        elif _digest(tables) != baseline:
            changed = [n for n, h in _digest(tables).items() if h != baseline[n]]
            result.failures.append("changed-by-trailing-bytes")
            result.detail = f"tables differ from the unmutated file's: {', '.join(changed)}"
    if case.kind == "xref-damage" and read_like_seed and tables is None:
        result.failures.append("repairable-refused")
    if result.outcome in ("crash", "oom"):
        result.failures.append(result.outcome)
    with contextlib.suppress(OSError):
        path.unlink()
        err_path.unlink()
    return result


def _baselines(seeds: tuple[str, ...]) -> dict[str, tuple[dict[str, str] | None, str | None]]:
    from gbdocs.extraction import extract
    from gbdocs.limits import NO_LIMITS

    out: dict[str, tuple[dict[str, str] | None, str | None]] = {}
    for seed_file in seeds:
        path = ROOT / seed_file
        try:
            out[seed_file] = (_digest(extract(path, validate=False, limits=NO_LIMITS).tables()), reader_text(path))
        except Exception as exc:
            raise SystemExit(f"fuzz: the unmutated seed {seed_file} does not extract: {exc}") from exc
    return out


def run(n: int, base_seed: int = 1, jobs: int = 2, seconds: float = 10.0, memory_mb: int = 1024,
        validate_every: int = 1, seeds: tuple[str, ...] = SEEDS, progress: bool = False,
        log: Path | None = None, skip: set[int] | frozenset[int] = frozenset()) -> list[CaseResult]:
    """Run ``n`` cases; a case whose worker hangs or dies is one outcome, the run goes on.
    Every ``validate_every``-th case also goes through the expectation suites (which take
    most of a valid case's time and see the tables, not the bytes)."""
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessExpired, ProcessPool

    from gbdocs.extraction import warm_up

    warm_up()
    baselines = _baselines(seeds)
    todo = [c for c in cases(n, base_seed, seeds) if c.index not in skip]
    for s in seeds:
        _anatomy(s)  # parsed once here, inherited by the forked workers
    results: list[CaseResult] = []
    bar: Any = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="case", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="gbdocs-fuzz-") as workdir, ProcessPool(max_workers=jobs) as pool:
        in_flight: deque[tuple[Any, Case]] = deque()
        queue = iter(todo)
        while True:
            # a few tasks ahead of the workers, not all 10,000 at once (the pool's own
            # bookkeeping grows with what is scheduled)
            while len(in_flight) < 2 * jobs and (case := next(queue, None)) is not None:
                limit = seconds * (MUST_EXTRACT_SLACK if case.kind in MUST_EXTRACT else 1)
                args = (case, workdir, limit, memory_mb, case.index % validate_every == 0,
                        *baselines[case.seed_file])
                in_flight.append((pool.schedule(run_case, args=args, timeout=limit + HANG_MARGIN), case))
            if not in_flight:
                break
            future, case = in_flight.popleft()
            try:
                result = future.result()
            except FutureTimeout:
                result = CaseResult(case, "hang", detail=f"still running {HANG_MARGIN:g} s past its time limit",
                                    failures=["hang"])
            except ProcessExpired as exc:
                result = CaseResult(case, "oom", detail=f"harness worker died ({exc})", failures=["oom"])
            except Exception as exc:
                result = CaseResult(case, "crash", detail=f"harness: {_signature(exc)}", failures=["crash"])
            results.append(result)
            if log is not None:  # as it goes: a long run's findings are readable before it ends
                with log.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    return results


# ---------------------------------------------------------------- the report


def table(results: list[CaseResult]) -> pd.DataFrame:
    """Cases per mutation kind and outcome, with the failures beside them."""
    rows = []
    for kind in sorted({r.case.kind for r in results}):
        mine = [r for r in results if r.case.kind == kind]
        outcomes = Counter(r.outcome for r in mine)
        failures = Counter(f for r in mine for f in r.failures)
        rows.append({"kind": kind, "cases": len(mine), **{o: outcomes.get(o, 0) for o in OUTCOMES},
                     **{f: failures.get(f, 0) for f in FAILURES if f not in OUTCOMES}})
    frame = pd.DataFrame(rows)
    if len(frame):
        total = frame.drop(columns="kind").sum()
        frame = pd.concat([frame, pd.DataFrame([{"kind": "all", **total.to_dict()}])], ignore_index=True)
    return frame


def signatures(results: list[CaseResult]) -> dict[str, list[CaseResult]]:
    out: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        for f in r.failures:
            out[f"{f}: {r.detail}"].append(r)
    return dict(out)


def report_markdown(results: list[CaseResult], seconds: float) -> str:
    frame = table(results)
    header = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * len(frame.columns) + "\n"
    body = "".join("| " + " | ".join(str(v) for v in row) + " |\n" for row in frame.itertuples(index=False))
    kinds = Counter(r.error_kind for r in results if r.outcome == "error")
    lines = [f"# gbdocs fuzz report\n\n{len(results)} cases in {seconds:.0f} s.\n\n", header, body,
             "\nClean errors by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) + "\n"]
    sigs = signatures(results)
    lines.append(f"\n## Failures ({sum(len(v) for v in sigs.values())} cases, {len(sigs)} signatures)\n\n")
    for sig, rs in sorted(sigs.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"- {len(rs)} x `{sig}`\n  reproduce: `{rs[0].case.command}`\n")
    return "".join(lines)


def _logged(log: Path) -> list[CaseResult]:
    """The cases a run logged as it went; a line cut short by the run's end is not a case."""
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            r = json.loads(line)
            out.append(CaseResult(**{**r, "case": Case(**r["case"])}))
    return out


def code_version() -> str:
    """The commit fuzzed, ``+changes`` when the code under test differs from it: a resumed run
    must test the same code as the run it goes on with."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "pipeline", "extractors", "schemas", "expectations")
    return commit + ("+changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="number of cases (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="base seed: the same seed, the same cases")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="gbdocs' time limit per case, in s (the seeds take 1-3 s; default 10)")
    parser.add_argument("--max-memory", type=int, default=1024, help="gbdocs' memory limit per case, in MB")
    parser.add_argument("--validate-every", type=int, default=1, metavar="N",
                        help="validate every N-th case's tables with the expectation suites (default 1: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "fuzz", help="report folder")
    parser.add_argument("--reproduce", nargs=3, metavar=("KIND", "SEED_FILE", "SEED"),
                        help="write (with --write) or run one case")
    parser.add_argument("--write", type=Path, help="with --reproduce: write the mutated file here")
    parser.add_argument("--report-from", type=Path, metavar="CASES_JSONL",
                        help="only write the report of the cases a run (perhaps interrupted) logged")
    parser.add_argument("--resume", action="store_true",
                        help="go on with the run logged in --out (same cases, seed and limits, same code): "
                             "the cases it logged are kept, the others run")
    args = parser.parse_args(argv)
    if args.report_from:
        results = _logged(args.report_from)
        text = report_markdown(results, 0).replace(" in 0 s.", " (from the log of a run).")
        (args.report_from.parent / "report.md").write_text(text, encoding="utf-8")
        print(text)
        return 1 if any(r.failures for r in results) else 0
    if args.reproduce:
        kind, seed_file, seed = args.reproduce
        case = Case(0, kind, seed_file, int(seed))
        if args.write:
            args.write.write_bytes(case_bytes(case))
            print(f"wrote {args.write}; run: gbdocs --debug extract {args.write}")
            return 0
        with tempfile.TemporaryDirectory() as workdir:
            from gbdocs.extraction import extract
            from gbdocs.limits import NO_LIMITS

            base = (_digest(extract(ROOT / seed_file, limits=NO_LIMITS).tables()), reader_text(ROOT / seed_file))
            result = run_case(case, workdir, args.timeout, args.max_memory, True, *base)
        print(json.dumps(asdict(result), indent=2, ensure_ascii=False))
        return 1 if result.failures else 0
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    log, manifest = args.out / "cases.jsonl", args.out / "run.json"
    params = {"cases": args.cases, "seed": args.seed, "timeout": args.timeout, "max_memory": args.max_memory,
              "validate_every": args.validate_every, "code": code_version()}
    done: list[CaseResult] = []
    if args.resume:
        if not manifest.exists():
            parser.error(f"--resume: no run to go on with in {args.out} (no run.json)")
        before = json.loads(manifest.read_text(encoding="utf-8"))
        if before != params:
            parser.error(f"--resume: the run in {args.out} was {before}, this one would be {params}")
        done = _logged(log) if log.exists() else []
    else:
        log.unlink(missing_ok=True)
        manifest.write_text(json.dumps(params), encoding="utf-8")
    results = done + run(args.cases, args.seed, args.jobs, args.timeout, args.max_memory, args.validate_every,
                         progress=sys.stderr.isatty(), log=log, skip={r.case.index for r in done})
    elapsed = time.perf_counter() - started
    text = report_markdown(results, elapsed)
    (args.out / "report.md").write_text(text, encoding="utf-8")
    (args.out / "report.json").write_text(json.dumps(
        {**params, "seconds": round(elapsed, 1), "resumed_with": len(done),
         "table": table(results).to_dict(orient="records"),
         "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(text)
    print(f"report: {args.out / 'report.md'}")
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
