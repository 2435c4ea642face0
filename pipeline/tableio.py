"""The exported files: one CSV per table (UTF-8, RFC 4180, newlines inside cells kept,
column order from ``schemas``) and a Frictionless ``datapackage.json``; and reading them
back with the schema's types (for ``gbdocs validate`` and for the users' own tools)."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from gbdocs.frames import iso_days
from gbdocs.schemas import TABLES, Table, table_schema

_BOOL = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}


class TableFileError(ValueError):
    """A CSV that does not fit its table's schema (missing, wrong columns, a value of the wrong type)."""


class WriteError(Exception):
    """An output file could not be written (read-only folder, full disk, file size limit): says which
    file or folder, by its final name (never the temporary one), and the system's reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class TableSet(NamedTuple):
    """The files of one output folder: every table, datapackage.json, and ``extra`` files;
    ``status`` says in the data package whether the folder is an export or a quarantine."""

    tables: dict[str, pd.DataFrame]
    folder: Path
    extra: dict[str, str | bytes] | None = None
    status: str = "valid"  # valid | quarantined


@dataclass(frozen=True)
class Output:
    """How the files are written. ``Output.excel(name)`` is what ``--excel`` asks for."""

    bom: bool = False  # a byte-order mark, by which Excel knows the CSV is UTF-8
    neutralise: bool = False  # text a spreadsheet would run as a formula gets a leading ' (spreadsheet.py)
    workbook: str | None = None  # also write the tables as this .xlsx workbook

    @classmethod
    def excel(cls, workbook: str) -> Output:
        return cls(bom=True, neutralise=True, workbook=workbook)


CSV = Output()  # plain CSV, the text as printed


STATUS_TEXT = {
    "valid": "Every table passed the expectation suites of gbdocs (validation.html, validation.txt).",
    "quarantined": "QUARANTINED: these tables failed the expectation suites of gbdocs and were not exported; "
                   "validation.html and validation.txt say why.",
}


def datapackage(tables: dict[str, pd.DataFrame] | None = None, status: str = "valid",
                output: Output = CSV, created: datetime | None = None) -> dict[str, Any]:
    """Frictionless Data Package describing the CSVs gbdocs writes: a Table Schema per CSV
    (primary key, and every table's doc_key a foreign key into documents), the documents the
    tables come from (``sources``, with each PDF's sha256), when and by which gbdocs it was
    written, and whether it is an export or a quarantine (``status``). ``created``: when the
    data last changed (default: now); the catalog's last change for an ingest, so that an
    export of unchanged data is the same, byte for byte."""
    from gbdocs import __version__

    documents = (tables or {}).get("documents")
    sources = [] if documents is None else [
        {"title": str(row.doc_key), "path": str(row.source_file), "sha256": str(row.sha256)}
        for row in documents.itertuples(index=False)]
    notes = [STATUS_TEXT[status]]
    if output.neutralise:
        notes.append("Text cells that began with = + - @, a tab or a carriage return carry a leading ' so that "
                     "no spreadsheet runs them as formulas.")
    return {
        "profile": "tabular-data-package",
        "name": "gbdocs-quarantine" if status == "quarantined" else "gbdocs",
        "title": ("Quarantined tables" if status == "quarantined" else "Tables") +
                 " extracted from governing-body documents by gbdocs",
        "description": " ".join(notes),
        "status": status,
        "created": (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
        .replace("+00:00", "Z"),
        "sources": sources,
        "gbdocs_version": __version__,
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                # a byte-order mark is part of UTF-8 (readers skip it); utf-8-sig is Python's name only
                "encoding": "utf-8",
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
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):  # a day, ISO 8601, whatever pandas would print
            out[col] = iso_days(out[col])
    return out


def quarantine_folder(out_dir: Path | str, source: Path | str) -> Path:
    """Where the held-back tables of ``source`` go: OUT/quarantine/<file name, made safe>/."""
    return Path(out_dir) / "quarantine" / re.sub(r"[^\w.\-]+", "_", Path(source).stem)


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path | str, output: Output = CSV,
                 extra: dict[str, str | bytes] | None = None, status: str = "valid",
                 created: datetime | None = None) -> list[Path]:
    """Write every table and datapackage.json (plus ``extra`` files) into ``out_dir``, all or
    nothing: see ``write_table_sets``."""
    return write_table_sets([TableSet(tables, Path(out_dir), extra, status)], output, created)


def write_table_sets(sets: Sequence[TableSet], output: Output = CSV, created: datetime | None = None) -> list[Path]:
    """Write the files of several folders (an export and its quarantine) as one set.

    Every file is first written to a temporary folder beside its destination (same file system,
    so the rename is atomic) and renamed into place only once all files of all sets are
    written; a rename that fails puts back the files already replaced. A read-only folder, a
    full disk or a file size limit thus leaves every folder with its previous complete files
    (or none), never a mix of old and new, and raises ``WriteError`` naming the file.
    """
    from gbdocs.spreadsheet import neutralise_tables, workbook_bytes

    encoding = "utf-8-sig" if output.bom else "utf-8"
    with ExitStack() as stack:
        staged: list[tuple[Path, Path]] = []  # (written aside, destination)
        for tables, folder, extra, status in sets:
            tmp = stack.enter_context(_staging_folder(Path(folder)))
            csv_tables = neutralise_tables(tables) if output.neutralise else tables
            files: dict[str, pd.DataFrame | str | bytes] = {f"{name}.csv": csv_tables[name] for name in TABLES}
            package = datapackage(tables, status, output, created)
            files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2)
            if output.workbook:
                try:
                    files[output.workbook] = workbook_bytes(tables)
                except ValueError as exc:  # a text longer than a spreadsheet cell holds
                    raise WriteError(Path(folder) / output.workbook, str(exc)) from None
            files.update(extra or {})
            for name, content in files.items():
                with _naming(Path(folder) / name):
                    if isinstance(content, pd.DataFrame):
                        _csv_frame(content).to_csv(tmp / name, index=False, encoding=encoding, lineterminator="\r\n")
                    elif isinstance(content, bytes):
                        (tmp / name).write_bytes(content)
                    else:
                        (tmp / name).write_text(content, encoding="utf-8")
                staged.append((tmp / name, Path(folder) / name))
        _replace_all(staged)
    return [dest for _, dest in staged]


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """Report an OSError as a WriteError on ``path``: pandas' EFBIG / ENOSPC carry no file name,
    and the name they would carry is the temporary one, which means nothing to the user."""
    try:
        yield
    except OSError as exc:
        raise WriteError(path, exc.strerror or str(exc)) from exc


@contextmanager
def _staging_folder(folder: Path) -> Iterator[Path]:
    """A temporary folder inside ``folder``; on a failure, the folders made for it are removed
    too (an empty quarantine/<file>/ would look like a quarantined document)."""
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        with _naming(folder):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # the ancestor that could not be made is the one to name
                raise WriteError(exc.filename or folder, exc.strerror or str(exc)) from exc
            tmp = tempfile.TemporaryDirectory(prefix=".gbdocs-", dir=folder, ignore_cleanup_errors=True)
        with tmp as name:
            yield Path(name)
    except BaseException:
        for path in made:  # deepest first; one that is not empty was not ours alone
            try:
                path.rmdir()
            except OSError:
                break
        raise


def _replace_all(staged: list[tuple[Path, Path]]) -> None:
    """Rename the staged files into place; if one fails, put back what was there before. The
    previous content is kept as a hard link in the staging folder (same file system, no copy,
    and the destination name never disappears), which is removed with it on success."""
    done: list[tuple[Path, Path | None, bool]] = []  # (destination, link to its old content, it existed)
    try:
        for src, dest in staged:
            existed, backup = dest.exists(), None
            if existed:
                backup = src.with_name(f".old.{src.name}")
                try:
                    os.link(dest, backup)
                except OSError:
                    backup = None  # no hard links here: that file cannot be put back
            with _naming(dest):
                os.replace(src, dest)
            done.append((dest, backup, existed))
    except BaseException:
        for dest, backup, existed in reversed(done):
            try:
                if backup is not None:
                    os.replace(backup, dest)
                elif not existed:
                    dest.unlink()
            except OSError:
                pass  # best effort: the error that stopped the export is the one to report
        raise


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
            elif col.dtype == "date":
                out[col.name] = pd.to_datetime(values.replace("", None), format="%Y-%m-%d").astype("datetime64[ns]")
            else:
                out[col.name] = pd.array([None if v == "" else v for v in values], dtype="string")
        except (ValueError, KeyError) as exc:
            raise TableFileError(f"{path}: column {col.name}: a value is not {col.dtype}: {exc}") from None
    return out


def read_tables(directory: Path | str) -> dict[str, pd.DataFrame]:
    """All six tables of an exported folder."""
    return {name: read_table(Path(directory) / f"{name}.csv", table) for name, table in TABLES.items()}
