"""Hold gbdocs to the generated corpus: extract every document, compare with its expected output.

    python tests/corpus_check.py out/corpus              # the whole corpus (make corpus-check)
    python tests/corpus_check.py samples/corpus --misses misses.txt

Prints, per producer and per table, rows expected and found and the share of expected fields
that came out exactly right, and lists every document refused, crashed or held back by
validation; ``--misses`` writes every differing field. Exit 1 when a document is refused or
crashes, or when field accuracy falls below the bar (99.5 %, figures 98 %).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import traceback
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harness import Report, compare, load_dir  # noqa: E402

BAR = {"documents": 0.995, "paragraphs": 0.995, "actions": 0.995, "progress": 0.995, "references": 0.995,
       "figures": 0.98}


@dataclass
class DocResult:
    id: str
    producer: str
    outcome: str  # ok | invalid (validation held something back) | refused (PdfError) | crashed
    reason: str = ""
    report: Report | None = None
    failed_expectations: list[str] = field(default_factory=list)
    tables: dict[str, Any] | None = None  # extracted, until validated with the others (``validated``)


def documents(corpus: Path) -> list[dict[str, str]]:
    manifest = corpus / "manifest.csv"
    if not manifest.exists():
        raise SystemExit(f"corpus_check: {manifest} not found (build it with samples/build_corpus.py)")
    with manifest.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check_one(corpus: Path, doc: dict[str, str]) -> DocResult:
    """One document extracted and compared with its expected tables; validated by ``validated``
    with the others (many documents in one run of the suites, as ``gbdocs ingest`` does)."""
    from gbdocs import NO_LIMITS, PdfError, extract

    pdf = corpus / f"{doc['id']}.pdf"
    expected = load_dir(corpus / doc["id"] / "expected")
    nothing = compare(expected, {})  # a refused or crashed document delivers none of its fields
    try:
        result = extract(pdf, validate=False, limits=NO_LIMITS)  # already in a worker of its own pool
    except PdfError as exc:
        return DocResult(doc["id"], doc["producer"], "refused", str(exc), nothing)
    except Exception as exc:  # a crash is a finding, reported with its place
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        return DocResult(doc["id"], doc["producer"], "crashed",
                         f"{type(exc).__name__}: {exc} ({Path(tb.filename).name}:{tb.lineno})", nothing)
    return DocResult(doc["id"], doc["producer"], "ok", "", compare(expected, result.tables()),
                     tables=result.tables())


def validated(results: list[DocResult]) -> list[DocResult]:
    """The extracted documents through the expectation suites: ``invalid`` where a critical
    expectation failed."""
    from gbdocs.validate import validate_each

    waiting = [r for r in results if r.tables is not None]
    for r, report in zip(waiting, validate_each([r.tables for r in waiting if r.tables is not None]), strict=True):
        r.failed_expectations = [f"{f.suite}/{f.expectation}" for f in report.critical]
        r.outcome = "invalid" if r.failed_expectations else "ok"
        r.tables = None
    return results


def summarise(results: list[DocResult]) -> tuple[str, bool]:
    lines: list[str] = []
    ok = True
    by_producer: dict[str, list[DocResult]] = defaultdict(list)
    for r in results:
        by_producer[r.producer].append(r)
    tables = list(BAR)
    header = f"{'producer':10} {'docs':>4} {'refused':>7} {'crashed':>7} {'invalid':>7}  " + "  ".join(
        f"{t:>16}" for t in tables)
    lines.append(header)
    totals: dict[str, list[int]] = {t: [0, 0, 0, 0] for t in tables}  # fields equal, total, rows exp, rows got
    for producer in [*sorted(by_producer), "all"]:
        group = results if producer == "all" else by_producer[producer]
        cells = []
        for t in tables:
            eq = sum(r.report.tables[t].fields_equal for r in group if r.report)
            tot = sum(r.report.tables[t].fields_total for r in group if r.report)
            if producer != "all":
                totals[t][0] += eq
                totals[t][1] += tot
            cells.append(f"{(eq / tot if tot else 1.0):>15.2%}{'' if not tot or eq / tot >= BAR[t] else '!'}")
        counts = [sum(r.outcome == o for r in group) for o in ("refused", "crashed", "invalid")]
        lines.append(f"{producer:10} {len(group):>4} {counts[0]:>7} {counts[1]:>7} {counts[2]:>7}  " + "  ".join(cells))
    for t, (eq, tot, *_) in totals.items():
        if tot and eq / tot < BAR[t]:
            ok = False
    for r in results:
        if r.outcome in ("refused", "crashed"):
            ok = False
            lines.append(f"{r.outcome.upper()} {r.id}: {r.reason}")
        elif r.outcome == "invalid":
            lines.append(f"INVALID {r.id}: {', '.join(r.failed_expectations)}")
    return "\n".join(lines), ok


def misses(results: list[DocResult]) -> str:
    out: list[str] = []
    for r in results:
        if r.report and not r.report.ok:
            out.append(f"=== {r.id}\n{r.report.format(max_items=1000)}")
    return "\n".join(out)


def run(corpus: Path, jobs: int, only: str | None = None) -> list[DocResult]:
    docs = [d for d in documents(corpus) if not only or only in d["id"]]
    if jobs <= 1:
        return validated([check_one(corpus, d) for d in docs])
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return validated(list(pool.map(check_one, [corpus] * len(docs), docs)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="a folder written by samples/build_corpus.py")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only", help="only documents whose id contains this text")
    ap.add_argument("--misses", type=Path, help="write every differing field to this file")
    ap.add_argument("--per-doc", action="store_true", help="print each document's field accuracy per table")
    args = ap.parse_args(argv)
    results = run(args.corpus, args.jobs, args.only)
    text, ok = summarise(results)
    if args.per_doc:
        for r in sorted(results, key=lambda r: r.id):
            cells = "  ".join(f"{t[:5]} {r.report.tables[t].accuracy:6.1%}" if r.report else "" for t in BAR)
            print(f"{r.id:32} {r.outcome:8} {cells}")
    print(text)
    detail = misses(results)
    if args.misses:
        args.misses.write_text(detail + "\n", encoding="utf-8")
        print(f"misses: {args.misses}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
