"""Comparison harness: extraction output vs the hand-checked expected output of a sample.

Reports, table by table and field by field, what differs. Used by the tests of every
extraction capability, and by hand:

    python tests/harness.py OUT_DIR samples/expected/A77_28.zh

compares the CSVs of OUT_DIR (as written by ``gbdocs extract``) with the expected ones and
exits 1 if anything differs.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from gbdocs.frames import ISO_DAY  # noqa: E402
from gbdocs.schemas import TABLES, Table  # noqa: E402
from gbdocs.tableio import read_table  # noqa: E402

SAMPLES_DIR = ROOT / "samples"
EXPECTED_DIR = SAMPLES_DIR / "expected"
# Every hand-written expected output; SAMPLE_STEMS are those with a committed sample PDF. The
# others (e.g. EB156_27) are sources of the generated corpus only: their page columns, and
# pages / source_file / sha256, depend on the rendering and are left empty (RENDERING_COLUMNS).
EXPECTED_STEMS: list[str] = sorted(p.parent.name for p in EXPECTED_DIR.glob("*/documents.csv"))
SAMPLE_STEMS: list[str] = [s for s in EXPECTED_STEMS if (SAMPLES_DIR / f"{s}.pdf").exists()]
RENDERING_COLUMNS = frozenset({"page", "page_start", "page_end", "pages", "source_file", "sha256"})

def load_dir(directory: Path) -> dict[str, pd.DataFrame]:
    """All six tables of a directory of CSVs (a missing CSV is an error)."""
    return {name: read_table(directory / f"{name}.csv", table) for name, table in TABLES.items()}


def load_expected(stem: str) -> dict[str, pd.DataFrame]:
    return load_dir(EXPECTED_DIR / stem)


# ---------------------------------------------------------------- comparison


@dataclass(frozen=True)
class FieldDiff:
    key: tuple[Any, ...]
    column: str
    expected: Any
    actual: Any


@dataclass
class TableReport:
    table: str
    expected_rows: int
    actual_rows: int
    missing: list[tuple[Any, ...]] = field(default_factory=list)  # keys expected, not found
    extra: list[tuple[Any, ...]] = field(default_factory=list)  # keys found, not expected
    diffs: list[FieldDiff] = field(default_factory=list)
    fields_total: int = 0  # compared fields of the expected rows
    fields_equal: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.diffs)

    @property
    def accuracy(self) -> float:
        """Share of the expected rows' fields that came out exactly right."""
        return 1.0 if self.fields_total == 0 else self.fields_equal / self.fields_total


@dataclass
class Report:
    tables: dict[str, TableReport]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables.values())

    def format(self, max_items: int = 20) -> str:
        lines: list[str] = []
        for name, t in self.tables.items():
            status = "ok" if t.ok else "DIFFERS"
            lines.append(
                f"{name}: {status} - expected {t.expected_rows} rows, got {t.actual_rows}; "
                f"field accuracy {t.accuracy:.1%} ({t.fields_equal}/{t.fields_total})"
            )
            for key in t.missing[:max_items]:
                lines.append(f"  missing row {_fmt_key(key)}")
            for key in t.extra[:max_items]:
                lines.append(f"  extra row   {_fmt_key(key)}")
            for d in t.diffs[:max_items]:
                lines.append(f"  {_fmt_key(d.key)} {d.column}: expected {_short(d.expected)} got {_short(d.actual)}")
            hidden = len(t.missing) + len(t.extra) + len(t.diffs) - 3 * max_items
            if hidden > 0:
                lines.append(f"  ... and up to {hidden} more")
        return "\n".join(lines)


def _fmt_key(key: tuple[Any, ...]) -> str:
    return "(" + ", ".join(str(k) for k in key) + ")"


def _short(value: Any, width: int = 80) -> str:
    text = repr(value.strftime(ISO_DAY) if isinstance(value, pd.Timestamp) else value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _is_null(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def values_equal(expected: Any, actual: Any) -> bool:
    if _is_null(expected) or _is_null(actual):
        return _is_null(expected) and _is_null(actual)
    if isinstance(expected, float | int) and isinstance(actual, float | int):
        return math.isclose(float(expected), float(actual), rel_tol=0, abs_tol=1e-9)
    return expected == actual


# Figures are matched by what they say (the n-th "3项" of a paragraph), not by their place in
# it: one figure missed must count as one missing row, and the places after it as wrong values
# of `figure`, not as every later figure of the paragraph missing.
MATCH_KEYS = {"figures": ("doc_key", "paragraph", "value", "unit", "text")}


def match_key(table: Table) -> tuple[str, ...]:
    return MATCH_KEYS.get(table.name, table.key)


def _keyed(df: pd.DataFrame, table: Table) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Rows by their match key; the n-th row with the same key (the same figure stated twice in
    one paragraph, or a duplicate key) gets key + (n,)."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    seen: dict[tuple[Any, ...], int] = {}
    for record in df.to_dict("records"):
        key = tuple(None if _is_null(record[k]) else record[k] for k in match_key(table))
        n = seen.get(key, 0)
        seen[key] = n + 1
        if table.name in MATCH_KEYS:
            key = (*key, n)
        elif n:
            key = (*key, f"duplicate {n}")
        rows[key] = record
    return rows


def compare_table(expected: pd.DataFrame, actual: pd.DataFrame, table: Table) -> TableReport:
    exp, act = _keyed(expected, table), _keyed(actual, table)
    report = TableReport(table.name, len(expected), len(actual))
    compared = [c for c in table.column_names if c not in match_key(table)]
    for key, erow in exp.items():
        report.fields_total += len(compared)
        arow = act.get(key)
        if arow is None:
            report.missing.append(key)
            continue
        for col in compared:
            if values_equal(erow[col], arow.get(col)):
                report.fields_equal += 1
            else:
                report.diffs.append(FieldDiff(key, col, erow[col], arow.get(col)))
    report.extra = [k for k in act if k not in exp]
    return report


def compare(expected: dict[str, pd.DataFrame], actual: dict[str, pd.DataFrame]) -> Report:
    """Compare every table of ``expected``; a table absent from ``actual`` counts as empty."""
    tables: dict[str, TableReport] = {}
    for name, exp_df in expected.items():
        table = TABLES[name]
        act_df = actual.get(name)
        if act_df is None:
            act_df = exp_df.iloc[0:0]
        tables[name] = compare_table(exp_df, act_df, table)
    return Report(tables)


@cache
def extracted(name: str) -> Any:
    """gbdocs' extraction of a sample or a variant (samples/variants/<name>.pdf), once per test run."""
    from gbdocs import NO_LIMITS, extract

    variant = SAMPLES_DIR / "variants" / f"{name}.pdf"
    # the tables are what is tested here; the limits have their own tests (test_limits), and a
    # child process per document would lose this process's caches (pdfminer's CMaps)
    return extract(variant if variant.exists() else SAMPLES_DIR / f"{name}.pdf", limits=NO_LIMITS)


def extract_sample(stem: str) -> dict[str, pd.DataFrame]:
    """Run gbdocs' extraction on a sample PDF, one DataFrame per table."""
    return extracted(stem).tables()


@dataclass
class Ran:
    """What a command said, shaped like ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


def gbdocs_here(*args: object) -> Ran:
    """``gbdocs ARGS`` run by the command line's own code in this process: what it prints and
    its exit status, without a new interpreter importing spaCy and Great Expectations again
    (seconds per call). For what the process boundary itself is about (signals, a second
    process, the terminal, the log, --debug), tests run ``python -m gbdocs.cli``."""
    from click.testing import CliRunner

    from gbdocs.cli import cli

    words = [str(a) for a in args]
    command = cli.commands.get(words[0]) if words else None
    # a subcommand is invoked as itself: the group's callback would point this process's
    # logging at the log file
    result = CliRunner().invoke(command or cli, words[1:] if command else words, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tests/harness.py ACTUAL_DIR EXPECTED_DIR", file=sys.stderr)
        return 2
    actual, expected = (Path(a) for a in argv)
    try:
        report = compare(load_dir(expected), load_dir(actual))
    except (OSError, ValueError) as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return 2
    print(report.format())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
