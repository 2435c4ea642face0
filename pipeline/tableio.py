"""The exported files: one CSV per table (UTF-8, RFC 4180, newlines inside cells kept,
column order from ``schemas``) and a Frictionless ``datapackage.json``; and reading them
back with the schema's types (for ``gbdocs validate`` and for the users' own tools)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from schemas import TABLES, Table, table_schema

_BOOL = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}


class TableFileError(ValueError):
    """A CSV that does not fit its table's schema (missing, wrong columns, a value of the wrong type)."""


def datapackage(encoding: str = "utf-8") -> dict[str, Any]:
    """Frictionless Data Package describing the CSVs gbdocs writes."""
    return {
        "profile": "tabular-data-package",
        "name": "gbdocs",
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": encoding,
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True},
                "schema": table_schema(table),
            }
            for name, table in TABLES.items()
        ],
    }


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns[out.dtypes == "boolean"]:  # Frictionless' canonical spelling
        out[col] = out[col].map({True: "true", False: "false"}).astype("string")
    return out


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path | str, bom: bool = False,
                 extra: dict[str, str] | None = None) -> list[Path]:
    """Write every table and datapackage.json (plus ``extra`` text files) into ``out_dir``;
    each file appears whole or not at all (written aside, then renamed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    encoding = "utf-8-sig" if bom else "utf-8"
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix=".gbdocs-", dir=out) as tmp:
        for name in TABLES:
            _csv_frame(tables[name]).to_csv(Path(tmp) / f"{name}.csv", index=False, encoding=encoding,
                                            lineterminator="\r\n")
        (Path(tmp) / "datapackage.json").write_text(
            json.dumps(datapackage("utf-8-sig" if bom else "utf-8"), ensure_ascii=False, indent=2), encoding="utf-8")
        for name, text in (extra or {}).items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        for file in sorted(Path(tmp).iterdir()):
            os.replace(file, out / file.name)
            written.append(out / file.name)
    return written


def read_table(path: Path, table: Table) -> pd.DataFrame:
    """One table's CSV with the types of ``schemas`` (empty field = null)."""
    if not path.is_file():
        raise TableFileError(f"{path}: missing")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if list(raw.columns) != table.column_names:
        raise TableFileError(f"{path}: columns {list(raw.columns)} differ from {table.column_names}")
    out = pd.DataFrame(index=raw.index)
    for col in table.columns:
        values = raw[col.name]
        try:
            if col.dtype == "integer":
                out[col.name] = pd.array([None if v == "" else int(float(v)) for v in values], dtype="Int64")
            elif col.dtype == "number":
                out[col.name] = pd.array([None if v == "" else float(v) for v in values], dtype="Float64")
            elif col.dtype == "boolean":
                out[col.name] = pd.array([None if v == "" else _BOOL[v] for v in values], dtype="boolean")
            else:
                out[col.name] = pd.array([None if v == "" else v for v in values], dtype="string")
        except (ValueError, KeyError) as exc:
            raise TableFileError(f"{path}: column {col.name}: a value is not {col.dtype}: {exc}") from None
    return out


def read_tables(directory: Path | str) -> dict[str, pd.DataFrame]:
    """All six tables of an exported folder."""
    return {name: read_table(Path(directory) / f"{name}.csv", table) for name, table in TABLES.items()}
