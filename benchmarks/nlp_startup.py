"""What the NLP start-up costs: importing spaCy, building each language's pipeline (for
Chinese: jieba's dictionary and the domain user dictionary), and the first document.

    .venv/bin/python benchmarks/nlp_startup.py

Each measurement runs in a fresh interpreter, so nothing is cached between them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBES = {
    "import gbdocs CLI (no NLP)": "import pipeline.cli",
    "import spacy": "import spacy",
    "build en pipeline": "from extractors.nlp import pipeline; pipeline('en')",
    "build zh pipeline (jieba + user dictionary)": "from extractors.nlp import pipeline; pipeline('zh')",
    "extract A77_28.en (whole document)": "from pipeline import extract; extract('samples/A77_28.en.pdf')",
    "extract A77_28.zh (whole document)": "from pipeline import extract; extract('samples/A77_28.zh.pdf')",
}


def measure(code: str, runs: int = 3) -> float:
    timer = (
        "import time; t = time.perf_counter(); exec(compile(CODE, 'probe', 'exec')); "
        "print(time.perf_counter() - t)"
    )
    best = float("inf")
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", f"CODE = {code!r}\n{timer}"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        best = min(best, float(out.strip().splitlines()[-1]))
    return best


def main() -> None:
    results = {name: round(measure(code), 3) for name, code in PROBES.items()}
    width = max(map(len, results))
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds:6.3f} s")
    print(json.dumps(results), file=sys.stderr)


if __name__ == "__main__":
    main()
