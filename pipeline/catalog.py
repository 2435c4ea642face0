"""The DuckDB catalog of ingested documents.

``files`` has one row per PDF (path, sha256, status ok / partial / invalid / failed / superseded,
reason, doc_key, pages, timings, peak memory of the worker); each output table has the
rows of the documents that passed validation, with the ``source_path`` they came from, under
the table's SQL name (``references`` is ``citations``: REFERENCES is an SQL keyword), dates as
DATE, and a primary key on every table. Foreign keys (``doc_key`` -> ``documents``) are declared in the data
package but not enforced here: DuckDB refuses to delete a document and the rows that refer to
it in one transaction, and replacing a document in one transaction is what keeps the catalog
whole through a crash.
A document is stored in one transaction (old rows out, new rows in, its ``files`` row and its
``findings``: the failed expectations, warnings included), so a crash leaves either the old or
the new state, never half of one.

Several files of one document (a copy, a reissue): the rows of one of them are kept, by a rule
that does not depend on which worker finishes first. A file whose tables all passed wins over
one with tables held back; otherwise a file of a later run replaces the file stored before (a
reissue added later is taken); within one run, the file whose path sorts first is kept. The
other file's status is ``superseded``, with the reason naming the file kept.

One program at a time may write a DuckDB file (it takes a lock). A catalog in use by another
program is waited for a while (``GBDOCS_LOCK_WAIT`` seconds, default 10: long enough for a
quick look from the DuckDB CLI to end, short enough not to hang behind a whole other batch),
then refused with ``CatalogError``, as is a catalog that cannot be opened or written
(read-only folder, full disk).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from gbdocs.schemas import TABLES, Table

LOCK_WAIT = 10.0  # seconds; GBDOCS_LOCK_WAIT overrides it

DUCK_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "boolean": "BOOLEAN"}
SCHEMA_VERSION = 3  # 1: dates as VARCHAR, no keys, "references"; 2: no findings, figures without a key
FINDINGS_DDL = ("CREATE TABLE IF NOT EXISTS findings (path VARCHAR NOT NULL, doc_key VARCHAR, suite VARCHAR NOT NULL, "
                "expectation VARCHAR NOT NULL, kind VARCHAR, severity VARCHAR NOT NULL, pages BIGINT[], "
                '"values" VARCHAR[], "tables" VARCHAR[])')


@dataclass(frozen=True)
class FileRecord:
    path: str
    sha256: str
    status: str  # ok | partial | invalid | failed | superseded
    reason: str | None
    doc_key: str | None
    pages: int | None
    seconds_read: float | None
    seconds_extract: float | None
    seconds_validate: float | None
    peak_rss_mb: float | None


@dataclass(frozen=True)
class Stored:
    """What storing a file did to the other files of its document."""

    superseded: str | None = None  # the file this one replaced
    kept: str | None = None  # the file kept instead of this one (this one is superseded)

    def note(self, path: str, doc_key: str | None) -> str | None:
        """The line that says which file of the document keeps its rows, if another file is involved."""
        if self.kept:
            return f"{path}: same document ({doc_key}) as {self.kept}, which is kept"
        if self.superseded:
            return f"{path}: same document ({doc_key}) as {self.superseded}, which it replaces"
        return None


class CatalogError(Exception):
    """The catalog cannot be used: in use by another program, or it cannot be opened or written.
    The message is one line naming the file and the reason."""


def _lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get("GBDOCS_LOCK_WAIT", LOCK_WAIT)))
    except ValueError:
        return LOCK_WAIT


def _os_reason(exc: duckdb.Error, path: Path) -> CatalogError | None:
    """The file and the system's reason of a DuckDB I/O failure, or None for another error (a
    bug of ours, to be seen as such). DuckDB says them only in its message:
    'Could not write file "/x/c.duckdb.wal": File too large', 'Cannot open file "...": Permission denied'."""
    text = str(exc)
    found = re.search(r'(?:Could not write|Cannot open|Could not read|Could not truncate|Could not fsync'
                      r'|Could not create|Could not remove|Could not move)(?: file)? "(.+?)": ([^\n]+)', text)
    if found:
        verb = "read" if found.group(0).startswith("Could not read") else "write"
        return CatalogError(f"cannot {verb} {found.group(1)}: {found.group(2).strip().rstrip('.')}")
    if isinstance(exc, (duckdb.IOException, duckdb.FatalException)) or \
            any(s in text for s in ("No space left", "File too large", "Permission denied", "Read-only file")):
        return CatalogError(f"cannot write {path}: {text.splitlines()[0] if text else type(exc).__name__}")
    return None


def _connect(path: Path, wait: float) -> duckdb.DuckDBPyConnection:
    """Open the catalog, waiting up to ``wait`` seconds for another program's lock on it."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "Could not set lock" not in str(exc):
                raise CatalogError(f"cannot open catalog {path}: {_reason(exc)}") from None
            if time.monotonic() < deadline:
                time.sleep(0.25)
                continue
            holder = re.search(r"held in (.+?) \(PID (\d+)\)", str(exc))
            who = f"PID {holder.group(2)}, {Path(holder.group(1)).name}: " if holder else ""
            waited = f"; waited {wait:g} s" if wait else ""
            raise CatalogError(f"{path}: in use by another program ({who}another gbdocs ingest, the DuckDB CLI, "
                               f"a notebook...){waited}; try again when it is done") from None


def _reason(exc: duckdb.Error) -> str:
    """'IO Error: Cannot open file "/x": Permission denied' -> 'Permission denied'."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text.rsplit('": ', 1)[-1] if '": ' in text else text.removeprefix("IO Error: ")


def _ddl(table: Table, name: str | None = None) -> str:
    # column names quoted: "date" and "text" are type names in SQL
    cols = ", ".join(f'"{c.name}" {DUCK_TYPES[c.dtype]}{"" if c.nullable else " NOT NULL"}' for c in table.columns)
    key = ", PRIMARY KEY ({})".format(", ".join(f'"{k}"' for k in table.key))
    return f"CREATE TABLE IF NOT EXISTS {name or table.catalog_name} (source_path VARCHAR NOT NULL, {cols}{key})"


def _rebuild(con: duckdb.DuckDBPyConnection, table: Table, old_name: str) -> None:
    """Make ``table`` as this version defines it from the rows of an older version's table:
    dates stored as text become DATE; a figure's place in its paragraph (version 3) is counted
    from the order the rows were stored in, which is reading order."""
    old = f"old_{table.catalog_name}"
    con.execute(f'ALTER TABLE "{old_name}" RENAME TO {old}')
    con.execute(_ddl(table))
    had = {r[0] for r in con.execute(f"DESCRIBE {old}").fetchall()}
    cols = []
    for c in table.columns:
        if c.name not in had and (table.name, c.name) == ("figures", "figure"):
            cols.append("row_number() OVER (PARTITION BY source_path, doc_key, paragraph ORDER BY rowid)")
        elif c.dtype == "date":
            cols.append(f"""CAST(NULLIF(CAST("{c.name}" AS VARCHAR), '') AS DATE)""")
        else:
            cols.append(f'"{c.name}"')
    # in the order they were stored (a window query's order is its own): reading order stays
    con.execute(f"INSERT INTO {table.catalog_name} SELECT source_path, {', '.join(cols)} FROM {old} ORDER BY rowid")
    con.execute(f"DROP TABLE {old}")


def _upgrade_from_1(con: duckdb.DuckDBPyConnection) -> None:
    """gbdocs 0.1 (dates as text, no keys, a table named "references"): every table rebuilt, rows kept."""
    for table in TABLES.values():
        _rebuild(con, table, table.name)


def _upgrade_from_2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 3: ``findings`` (made below like every table; files stored before have none) and
    figures with their place in the paragraph (its primary key)."""
    has = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                     "WHERE table_name = 'figures'").fetchall()}
    if "figure" not in has:
        _rebuild(con, TABLES["figures"], "figures")
    # version 2 left a partial copy that lost to a whole one as "partial" with no rows
    con.execute("UPDATE files SET status = 'superseded' WHERE status = 'partial' "
                "AND reason LIKE '%not stored: % holds this document whole%'")


UPGRADES = {1: _upgrade_from_1, 2: _upgrade_from_2}  # version -> the step to the next version


class Catalog:
    def __init__(self, path: Path | str, wait: float | None = None) -> None:
        """Open (or create) the catalog; ``wait``: seconds to wait for another program's lock
        (default ``GBDOCS_LOCK_WAIT`` or 10). Raises CatalogError."""
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CatalogError(f"cannot write {exc.filename or self.path.parent}: {exc.strerror or exc}") from None
        self.con = _connect(self.path, _lock_wait() if wait is None else wait)
        with self._io_errors():
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS files (path VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, "
                "status VARCHAR NOT NULL, reason VARCHAR, doc_key VARCHAR, pages BIGINT, seconds_read DOUBLE, "
                "seconds_extract DOUBLE, seconds_validate DOUBLE, peak_rss_mb DOUBLE, ingested_at TIMESTAMP)"
            )
            self._create_or_upgrade()

    def _create_or_upgrade(self) -> None:
        con = self.con
        con.execute("CREATE TABLE IF NOT EXISTS gbdocs_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        row = con.execute("SELECT value FROM gbdocs_meta WHERE key = 'schema_version'").fetchone()
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        version = int(row[0]) if row else (1 if "documents" in tables else SCHEMA_VERSION)
        if version > SCHEMA_VERSION:
            raise CatalogError(f"{self.path}: made by a newer gbdocs (catalog version {version}); "
                               "use that version, or another --db")
        if version < SCHEMA_VERSION:
            con.execute("BEGIN TRANSACTION")
            try:
                for step in range(version, SCHEMA_VERSION):
                    UPGRADES[step](con)
            except duckdb.Error as exc:
                con.execute("ROLLBACK")
                if (error := _os_reason(exc, self.path)) is not None:
                    raise error from None
                raise CatalogError(f"{self.path}: cannot upgrade this catalog of an older gbdocs ({_reason(exc)}); "
                                   "delete it and ingest again: it is rebuilt from the PDFs") from None
            con.execute("COMMIT")
        for table in TABLES.values():
            con.execute(_ddl(table))
        con.execute(FINDINGS_DDL)
        con.execute("INSERT OR REPLACE INTO gbdocs_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def close(self) -> None:
        with self._io_errors():
            self.con.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        try:
            self.close()
        except CatalogError:
            if exc_type is None:
                raise  # else the error that is already on its way says more than a failed close

    @contextmanager
    def _io_errors(self) -> Iterator[None]:
        """A read-only folder or a full disk as one CatalogError line, not a DuckDB traceback."""
        try:
            yield
        except duckdb.Error as exc:
            error = _os_reason(exc, self.path)
            if error is None:
                raise
            raise error from None

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._io_errors():
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
            except BaseException:
                with suppress(duckdb.Error):  # a failed write can take the transaction with it
                    self.con.execute("ROLLBACK")
                raise
            self.con.execute("COMMIT")

    def known(self) -> dict[str, tuple[str, str]]:
        """path -> (sha256, status) of every file ingested before."""
        return {p: (s, st) for p, s, st in self.con.execute("SELECT path, sha256, status FROM files").fetchall()}

    def store(self, record: FileRecord, tables: dict[str, pd.DataFrame] | None,
              findings: list[dict[str, Any]] | None = None, run_started: datetime | None = None,
              before_commit: object = None) -> Stored:
        """Record one file with its ``findings`` (``Failure.to_dict()`` records) and, for a valid
        document, replace its rows. Which file of a document keeps its rows is the rule in the
        module's docstring; ``run_started`` (UTC) tells the files of this run from earlier ones."""
        superseded = kept = None
        storing = tables is not None and record.status in ("ok", "partial")
        with self._transaction() as con:
            held = con.execute("SELECT doc_key FROM files WHERE path = ? AND status IN ('ok', 'partial')",
                               [record.path]).fetchone()
            # Only a file whose rows are stored replaces another file of the same document: an
            # invalid or unreadable copy must never wipe the good one's rows.
            if record.doc_key and storing:
                row = con.execute("SELECT path, status, ingested_at FROM files WHERE doc_key = ? AND path <> ? "
                                  "AND status IN ('ok', 'partial') ORDER BY status = 'ok' DESC, path",
                                  [record.doc_key, record.path]).fetchone()
                if row:
                    holder, holder_status, holder_at = row
                    this_run = run_started is not None and holder_at is not None and \
                        holder_at >= run_started.astimezone(UTC).replace(tzinfo=None)
                    if (record.status, holder_status) == ("partial", "ok"):
                        kept = holder
                    elif (record.status, holder_status) == ("ok", "partial") or not this_run:
                        superseded = holder
                    else:
                        kept = holder if holder < record.path else None
                        superseded = None if kept else holder
                if kept:
                    storing = False
                    record = replace(record, status="superseded", reason="; ".join(filter(None, [
                        f"same document ({record.doc_key}) as {kept}, which is kept", record.reason])))
            for table in TABLES.values():
                con.execute(f"DELETE FROM {table.catalog_name} WHERE source_path = ?", [record.path])
                if superseded:
                    con.execute(f"DELETE FROM {table.catalog_name} WHERE source_path = ?", [superseded])
            if storing:
                assert tables is not None
                for name, frame in tables.items():
                    if len(frame):
                        rows = frame.assign(source_path=record.path)[["source_path", *TABLES[name].column_names]]
                        con.register("incoming", rows)
                        con.execute(f"INSERT INTO {TABLES[name].catalog_name} SELECT * FROM incoming")
                        con.unregister("incoming")
                    if callable(before_commit):
                        before_commit()
            if held and held[0] and (not storing or held[0] != record.doc_key):
                # This file held its document and no longer does (now invalid, unreadable, another
                # document): the copies it had superseded lost their rows to it; the next ingest
                # reads them again (an emptied sha256 never matches).
                con.execute("UPDATE files SET sha256 = '', reason = COALESCE(reason, '') || ? "
                            "WHERE doc_key = ? AND status = 'superseded'",
                            [f"; to be read again: {record.path} no longer holds it", held[0]])
            if superseded:
                con.execute("UPDATE files SET status = 'superseded', reason = ? WHERE path = ?",
                            [f"same document ({record.doc_key}) as {record.path}, which replaces it", superseded])
            con.execute("DELETE FROM files WHERE path = ?", [record.path])
            con.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [record.path, record.sha256, record.status, record.reason, record.doc_key, record.pages,
                 record.seconds_read, record.seconds_extract, record.seconds_validate, record.peak_rss_mb,
                 datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("DELETE FROM findings WHERE path = ?", [record.path])
            for f in findings or []:
                con.execute("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [record.path, f.get("doc_key"), f["suite"], f["expectation"], f.get("kind"),
                             f["severity"], list(f.get("pages", [])), list(f.get("values", [])),
                             list(f.get("tables", []))])
        return Stored(superseded, kept)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The stored rows of every table, in schema column order and dtypes."""
        out: dict[str, pd.DataFrame] = {}
        for name, table in TABLES.items():
            cols = ", ".join(f'"{c}"' for c in table.column_names)
            frame = self.con.execute(f"SELECT {cols} FROM {table.catalog_name} ORDER BY source_path, rowid").df()
            out[name] = frame.astype(table.pandas_dtypes()) if len(frame) else \
                pd.DataFrame({c: pd.Series(dtype=d) for c, d in table.pandas_dtypes().items()})
        return out

    def last_change(self) -> datetime | None:
        """When a file was last stored (UTC): the moment the catalog's data last changed."""
        row = self.con.execute("SELECT max(ingested_at) FROM files").fetchone()
        return row[0].replace(tzinfo=UTC) if row and row[0] is not None else None

    def files(self) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM files ORDER BY path").df()

    def findings(self, current_only: bool = True) -> list[dict[str, Any]]:
        """The failed expectations (warnings too) recorded per file, as records with the file's
        path; ``current_only``: of files whose document is not superseded."""
        where = "WHERE f.status <> 'superseded'" if current_only else ""
        cursor = self.con.execute(
            'SELECT g.path, g.doc_key, g.suite, g.expectation, g.kind, g.severity, g.pages, g."values", g."tables" '
            f"FROM findings g JOIN files f ON f.path = g.path {where} ORDER BY g.path, g.rowid")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def row_counts(self) -> dict[str, dict[str, int]]:
        """doc_key -> {table: rows stored}."""
        counts: dict[str, dict[str, int]] = {}
        for name, table in TABLES.items():
            for doc, n in self.con.execute(
                    f"SELECT doc_key, count(*) FROM {table.catalog_name} GROUP BY doc_key").fetchall():
                counts.setdefault(doc, {})[name] = n
        return counts

    def titles(self) -> dict[str, str]:
        """doc_key -> the document's title."""
        return dict(self.con.execute("SELECT doc_key, title FROM documents").fetchall())
