"""What LibreOffice Calc shows of gbdocs' spreadsheet output, cell by cell, against the tables.

    python tests/calc_check.py [OUT]       # what `make calc-check` runs (needs LibreOffice)

Ingests the samples with ``gbdocs ingest --excel`` into OUT (default out/calc-check), then has
Calc (headless) open the workbook and each CSV as a user would — the CSV with Calc's default
import (UTF-8, columns typed "Standard": Calc guesses numbers and dates, as a double-click does)
— and save every sheet again as text "as shown". Each shown cell is compared with the value in
the tables (read back with their schema types): text exactly, numbers as numbers, dates as
YYYY-MM-DD. Prints one line per file and table, and the cells that differ; exits 1 if anything
in the workbook differs or a CSV garbles text (Chinese), 0 otherwise — a CSV retyping an ID such
as 9.10 into the number 9.1 is listed, not failed: no CSV can prevent it, the workbook does.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# CSV export filter: comma, double quote, UTF-8, from line 1, cell contents as shown, every sheet
# to a file of its own (<name>-<sheet>.csv)
SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
CSV_IMPORT = "CSV:44,34,76,1"  # what the import dialog proposes for a UTF-8 file with a byte-order mark


@dataclass
class Comparison:
    source: str
    table: str
    cells: int = 0
    differ: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, column, table value, shown)


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise SystemExit("calc_check: LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    return found


def convert(path: Path, outdir: Path, infilter: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as profile:  # a profile of its own: no first-run dialogs, no lock
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", SHOWN, "--outdir", str(outdir), str(path)]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise SystemExit(f"calc_check: LibreOffice could not convert {path}: {run.stderr.strip()}")


def shown_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def expected_text(value: object, dtype: str) -> str:
    import pandas as pd

    from gbdocs.frames import ISO_DAY

    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    if dtype == "date":
        return pd.Timestamp(value).strftime(ISO_DAY)
    if dtype == "boolean":
        return "TRUE" if value else "FALSE"
    return str(value)


def same(shown: str, value: str, dtype: str) -> bool:
    if dtype in ("integer", "number") and shown and value:
        try:
            return abs(float(shown) - float(value)) < 1e-9
        except ValueError:
            return False
    return shown == value


def compare(source: str, table_name: str, rows: list[list[str]], frame: object, neutralised: bool) -> Comparison:
    from gbdocs.schemas import TABLES
    from gbdocs.spreadsheet import FORMULA_STARTS

    table = TABLES[table_name]
    out = Comparison(source, table_name)
    header, body = rows[0], rows[1:]
    if header != table.column_names:
        out.differ.append((0, "(header)", ",".join(table.column_names), ",".join(header)))
        return out
    if len(body) != len(frame):  # type: ignore[arg-type]
        out.differ.append((0, "(rows)", str(len(frame)), str(len(body))))  # type: ignore[arg-type]
    for i, (shown_row, (_, row)) in enumerate(zip(body, frame.iterrows(), strict=False), start=2):  # type: ignore[attr-defined]
        for col, shown in zip(table.columns, shown_row, strict=True):
            value = expected_text(row[col.name], col.dtype)
            if neutralised and col.dtype == "string" and value.startswith(FORMULA_STARTS):
                value = "'" + value
            out.cells += 1
            if not same(shown, value, col.dtype):
                out.differ.append((i, col.name, value, shown))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "out" / "calc-check")
    args = parser.parse_args(argv)
    from gbdocs.tableio import read_tables

    out: Path = args.out
    shutil.rmtree(out, ignore_errors=True)
    samples = sorted(str(p) for p in (ROOT / "samples").glob("*.pdf"))
    ingest = subprocess.run([sys.executable, "-m", "gbdocs.cli", "ingest", *samples, "--out", str(out), "--excel",
                             "--quiet"], capture_output=True, text=True, timeout=1800)
    if ingest.returncode != 0:
        print(ingest.stderr, file=sys.stderr)
        return 1
    tables = read_tables(out)
    shown_dir = out / "shown"
    convert(out / "gbdocs.xlsx", shown_dir / "xlsx")
    results: list[Comparison] = []
    for name in tables:
        results.append(compare("gbdocs.xlsx", name, shown_rows(shown_dir / "xlsx" / f"gbdocs-{name}.csv"),
                               tables[name], neutralised=False))
        convert(out / f"{name}.csv", shown_dir / "csv", CSV_IMPORT)
        shown_csv = next((shown_dir / "csv").glob(f"{name}*.csv"))
        results.append(compare(f"{name}.csv", name, shown_rows(shown_csv), tables[name], neutralised=True))
    failed = False
    for r in results:
        workbook = r.source.endswith(".xlsx")
        garbled = [d for d in r.differ if any("\u4e00" <= ch <= "\u9fff" for ch in d[2])]
        verdict = "as in the tables" if not r.differ else f"{len(r.differ)} differ"
        print(f"{r.source:16s} {r.table:11s} {r.cells:6d} cells: {verdict}")
        for row, col, value, shown in r.differ[:8]:
            print(f"    row {row} {col}: table {value[:40]!r}, Calc shows {shown[:40]!r}")
        if r.differ and (workbook or garbled):
            failed = True
    print("FAILED" if failed else "OK: the workbook shows every cell as in the tables; CSV differences, if any, "
          "are a spreadsheet retyping text it takes for a number or a date")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
