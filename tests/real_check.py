"""Hold gbdocs to the real United Nations documents: every PDF of a folder is extracted as a
user would (validation included), and its ``documents`` row is compared with the line checked
by hand in ``samples/real/expected/documents.csv``.

    python tests/real_check.py [FOLDER]     # default: samples/real (make real: all 58)

Prints one line per file (fields that differ, refusals, held-back tables) and a summary; exits
1 if any file crashed, was refused against expectation, or has a documents field that differs.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gbdocs.export import gate  # noqa: E402
from gbdocs.extraction import extract  # noqa: E402
from gbdocs.extractors import PdfError  # noqa: E402
from gbdocs.frames import ISO_DAY  # noqa: E402
from gbdocs.limits import NO_LIMITS  # noqa: E402

EXPECTED = ROOT / "samples" / "real" / "expected" / "documents.csv"
FIELDS = ("symbol", "body", "date", "session_name", "session", "agenda_item", "title", "pages")


@dataclass
class Outcome:
    file: str
    refused: str | None = None
    diffs: list[tuple[str, str, str]] = field(default_factory=list)  # (field, expected, got)
    held_back: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.diffs


def expected_lines() -> dict[str, dict[str, str]]:
    with EXPECTED.open(encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def text_of(value: object) -> str:
    """A value as the expected CSV spells it (a date as YYYY-MM-DD)."""
    if isinstance(value, pd.Timestamp):
        return value.strftime(ISO_DAY)
    return "" if value is None or str(value) in ("<NA>", "nan", "None", "NaT") else str(value)


def check(path: Path, expected: dict[str, str]) -> Outcome:
    outcome = Outcome(path.name)
    try:
        result = extract(path, limits=NO_LIMITS)  # the tables are tested; limits: test_limits
    except PdfError as exc:
        outcome.refused = exc.reason
        if expected["symbol"]:  # a document with a symbol of its own must extract
            outcome.diffs.append(("refused", "", exc.reason))
        return outcome
    if not expected["symbol"]:
        outcome.diffs.append(("refused", "not a governing-body document", "extracted"))
    row = result.documents.iloc[0]
    outcome.diffs += [(name, expected[name], text_of(row[name])) for name in FIELDS
                      if text_of(row[name]) != expected[name]]
    assert result.validation is not None
    _, held = gate(result.tables(), result.validation)
    outcome.held_back = sorted(held)
    outcome.rows = {name: len(frame) for name, frame in result.tables().items()}
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "samples" / "real")
    args = parser.parse_args(argv)
    lines = expected_lines()
    files = sorted(args.folder.glob("*.pdf"))
    if not files:
        parser.error(f"no PDF in {args.folder}")
    unknown = [p.name for p in files if p.name not in lines]
    if unknown:
        parser.error(f"no expected line in {EXPECTED} for: {', '.join(unknown)}")
    outcomes = []
    for path in files:
        outcome = check(path, lines[path.name])
        outcomes.append(outcome)
        state = "refused" if outcome.refused else ("held back: " + ", ".join(outcome.held_back)
                                                    if outcome.held_back else "valid")
        print(f"{'ok  ' if outcome.ok else 'DIFF'} {path.name}: {state}"
              + (f" ({outcome.refused})" if outcome.refused else
                 f" ({', '.join(f'{n} {k}' for k, n in outcome.rows.items())})"))
        for name, exp, got in outcome.diffs:
            print(f"     {name}: expected {exp!r}, got {got!r}")
    equal = sum(o.ok for o in outcomes)
    valid = sum(1 for o in outcomes if not o.refused and not o.held_back)
    print(f"{len(outcomes)} files: documents line equal {equal}/{len(outcomes)}, extracted and fully valid "
          f"{valid}, refused {sum(1 for o in outcomes if o.refused)}")
    return 0 if equal == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
