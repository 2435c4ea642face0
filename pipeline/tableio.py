"""The exported files: one CSV per table (UTF-8, RFC 4180, newlines inside cells kept,
column order from ``schemas``) and a Frictionless ``datapackage.json``; and reading them
back with the schema's types (for ``gbdocs validate`` and for the users' own tools)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

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
    """The files of one output folder: every table, datapackage.json, and ``extra`` text files."""

    tables: dict[str, pd.DataFrame]
    folder: Path
    extra: dict[str, str] | None = None


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
    """Write every table and datapackage.json (plus ``extra`` text files) into ``out_dir``, all or
    nothing: see ``write_table_sets``."""
    return write_table_sets([TableSet(tables, Path(out_dir), extra)], bom=bom)


def write_table_sets(sets: Sequence[TableSet], bom: bool = False) -> list[Path]:
    """Write the files of several folders (an export and its quarantine) as one set.

    Every file is first written to a temporary folder beside its destination (same file system,
    so the rename is atomic) and renamed into place only once all files of all sets are
    written; a rename that fails puts back the files already replaced. A read-only folder, a
    full disk or a file size limit thus leaves every folder with its previous complete files
    (or none), never a mix of old and new, and raises ``WriteError`` naming the file.
    """
    encoding = "utf-8-sig" if bom else "utf-8"
    with ExitStack() as stack:
        staged: list[tuple[Path, Path]] = []  # (written aside, destination)
        for tables, folder, extra in sets:
            tmp = stack.enter_context(_staging_folder(Path(folder)))
            files: dict[str, pd.DataFrame | str] = {f"{name}.csv": tables[name] for name in TABLES}
            files["datapackage.json"] = json.dumps(datapackage(encoding), ensure_ascii=False, indent=2)
            files.update(extra or {})
            for name, content in files.items():
                with _naming(Path(folder) / name):
                    if isinstance(content, pd.DataFrame):
                        _csv_frame(content).to_csv(tmp / name, index=False, encoding=encoding, lineterminator="\r\n")
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
            else:
                out[col.name] = pd.array([None if v == "" else v for v in values], dtype="string")
        except (ValueError, KeyError) as exc:
            raise TableFileError(f"{path}: column {col.name}: a value is not {col.dtype}: {exc}") from None
    return out


def read_tables(directory: Path | str) -> dict[str, pd.DataFrame]:
    """All six tables of an exported folder."""
    return {name: read_table(Path(directory) / f"{name}.csv", table) for name, table in TABLES.items()}
