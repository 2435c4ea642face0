"""Build the generated corpus: every sample source rendered by several producers in random layouts.

Each document is one (producer, seed, source): the layout is drawn from the seed
(``gen/layout.py``), rendered by the producer (``gen/producers/``), and its expected output is
the source's hand-checked one with pages located by poppler (``gen/expected.py``). Nothing
here runs gbdocs: the corpus is the yardstick, ``tests/corpus_check.py`` holds gbdocs to it.

    python samples/build_corpus.py --out out/corpus                 # 4 producers x 55 documents
    python samples/build_corpus.py --producers xelatex --per-producer 5 --out /tmp/c
    python samples/build_corpus.py --ci                             # the fixed sample in samples/corpus/

Output, per document ``<producer>-<seed>-<source>``: ``<id>.pdf``, ``<id>/expected/*.csv``,
``<id>/choice.json`` (the layout drawn, and what the producer could not honour); and
``manifest.csv`` listing them all. Needs the producers' engines (LibreOffice, TeX Live with
xeCJK, Chromium and pagedjs, the typst package), poppler-utils and the CJK fonts: see
``samples/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from gen import producers  # noqa: E402
from gen.expected import EXPECTED, derive  # noqa: E402
from gen.layout import draw  # noqa: E402
from gen.source import SRC, load  # noqa: E402

# The committed CI sample: these (producer, seed) pairs, each with the source its seed picks.
CI_SEEDS = range(8)
CI_DIR = HERE / "corpus"


@dataclass(frozen=True)
class Job:
    producer: str
    seed: int
    source: str

    @property
    def id(self) -> str:
        return f"{self.producer}-{self.seed:03d}-{self.source}"


def sources() -> list[str]:
    """Sources with hand-checked expected outputs (zh and en of each document)."""
    return sorted(p.stem for p in SRC.glob("*.txt") if (EXPECTED / p.stem / "documents.csv").exists())


def plan(names: list[str], per_producer: int, first_seed: int) -> list[Job]:
    srcs = sources()
    # each producer cycles through all sources, so every one gets zh and en of every document
    return [Job(p, s, srcs[(s + i) % len(srcs)]) for i, p in enumerate(names)
            for s in range(first_seed, first_seed + per_producer)]


def build_one(job: Job, out: Path) -> dict[str, str]:
    src = load(job.source)
    choice = draw(job.producer, job.seed, src.meta["language"])
    module = producers.get(job.producer)
    pdf = out / f"{job.id}.pdf"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"gbdocs-{job.id}-") as tmp:
        notes = module.render(src, choice, pdf, Path(tmp))
    seconds = time.perf_counter() - started
    meta = out / job.id
    if meta.exists():
        shutil.rmtree(meta)
    derive(src, job.source, pdf, meta / "expected")
    record = {"choice": json.loads(choice.to_json()), "notes": notes, "source": job.source}
    (meta / "choice.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {"id": job.id, "producer": job.producer, "seed": str(job.seed), "source": job.source,
            "seconds": f"{seconds:.2f}", "notes": "; ".join(notes)}


def _run(job: Job, out: Path, keep: bool) -> tuple[Job, dict[str, str] | None, str]:
    try:
        return job, build_one(job, out), ""
    except Exception as exc:  # one broken rendering must not stop the corpus; it is reported
        failed = out / f"{job.id}.pdf"
        if keep and failed.exists():
            failed.rename(out / f"{job.id}.failed.pdf")
        failed.unlink(missing_ok=True)
        return job, None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"


def rederive(corpus: Path) -> int:
    """Page the expected outputs of every document of ``corpus`` again from its PDF."""
    with (corpus / "manifest.csv").open(encoding="utf-8") as f:
        docs = list(csv.DictReader(f))
    failed = 0
    for doc in docs:
        try:
            derive(load(doc["source"]), doc["source"], corpus / f"{doc['id']}.pdf", corpus / doc["id"] / "expected")
        except Exception as exc:  # reported, the others still re-derived
            failed += 1
            print(f"FAILED {doc['id']}: {type(exc).__name__}: {exc}", file=sys.stderr)
    print(f"re-derived {len(docs) - failed} of {len(docs)} documents in {corpus}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("out/corpus"), help="output folder (default out/corpus)")
    ap.add_argument("--producers", default=",".join(producers.PRODUCERS),
                    help=f"comma-separated, from {', '.join(producers.PRODUCERS)} (default all)")
    ap.add_argument("--per-producer", type=int, default=55, help="documents per producer (default 55)")
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel renderings (default: cores)")
    ap.add_argument("--keep-failed", action="store_true",
                    help="keep the PDF of a document whose expected output could not be derived, as <id>.failed.pdf")
    ap.add_argument("--ci", action="store_true",
                    help=f"build the committed CI sample into {CI_DIR.relative_to(HERE.parent)} "
                         f"(seeds {CI_SEEDS.start}-{CI_SEEDS.stop - 1} of every producer)")
    ap.add_argument("--rederive", type=Path, metavar="CORPUS",
                    help="only derive the expected outputs of an existing corpus folder again (after a change "
                         "to gen/expected.py), without rendering")
    args = ap.parse_args(argv)
    if args.rederive:
        return rederive(args.rederive)
    names = [n.strip() for n in args.producers.split(",") if n.strip()]
    for name in names:
        why = producers.get(name).available()
        if why:
            print(f"build_corpus: producer {name} unavailable: {why}", file=sys.stderr)
            return 2
    out = CI_DIR if args.ci else args.out
    jobs = plan(names, len(CI_SEEDS), CI_SEEDS.start) if args.ci else plan(names, args.per_producer, args.first_seed)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows: list[dict[str, str]] = []
    failed: list[tuple[Job, str]] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(_run, job, out, args.keep_failed) for job in jobs]
        for n, fut in enumerate(as_completed(futures), 1):
            job, row, error = fut.result()
            if row is None:
                failed.append((job, error))
                print(f"[{n}/{len(jobs)}] FAILED {job.id}: {error.splitlines()[0]}", file=sys.stderr)
            else:
                rows.append(row)
                notes = f" ({row['notes']})" if row["notes"] else ""
                print(f"[{n}/{len(jobs)}] {job.id} {row['seconds']} s{notes}")
    rows.sort(key=lambda r: r["id"])
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["id", "producer", "seed", "source", "seconds", "notes"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"built {len(rows)} of {len(jobs)} documents in {time.perf_counter() - started:.0f} s -> {out}")
    for job, error in failed:
        print(f"--- {job.id}\n{error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
