"""The DuckDB catalog of ingested documents.

``files`` has one row per PDF (path, sha256, status ok / partial / invalid / failed / superseded,
reason, doc_key, pages, timings, peak memory of the worker); each output table has the
rows of the documents that passed validation, with the ``source_path`` they came from.
A document is stored in one transaction (old rows out, new rows in, its ``files`` row),
so a crash leaves either the old or the new state, never half of one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from schemas import TABLES, Table

DUCK_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "VARCHAR", "boolean": "BOOLEAN"}


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


def _ddl(table: Table) -> str:
    cols = ", ".join(f'"{c.name}" {DUCK_TYPES[c.dtype]}' for c in table.columns)
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" (source_path VARCHAR NOT NULL, {cols})'


class Catalog:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS files (path VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, "
            "status VARCHAR NOT NULL, reason VARCHAR, doc_key VARCHAR, pages BIGINT, seconds_read DOUBLE, "
            "seconds_extract DOUBLE, seconds_validate DOUBLE, peak_rss_mb DOUBLE, ingested_at TIMESTAMP)"
        )
        for table in TABLES.values():
            self.con.execute(_ddl(table))

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def known(self) -> dict[str, tuple[str, str]]:
        """path -> (sha256, status) of every file ingested before."""
        return {p: (s, st) for p, s, st in self.con.execute("SELECT path, sha256, status FROM files").fetchall()}

    def store(self, record: FileRecord, tables: dict[str, pd.DataFrame] | None,
              before_commit: object = None) -> str | None:
        """Record one file and, for a valid document, replace its rows. Returns the path of
        a file this one supersedes (same document, another file), if any."""
        superseded = None
        storing = tables is not None and record.status in ("ok", "partial")
        with self._transaction() as con:
            # Only a file whose rows are stored replaces another file of the same document: an
            # invalid or unreadable copy must never wipe the good one's rows.
            if record.doc_key and storing:
                row = con.execute("SELECT path FROM files WHERE doc_key = ? AND path <> ? "
                                  "AND status IN ('ok', 'partial')",
                                  [record.doc_key, record.path]).fetchone()
                superseded = row[0] if row else None
            for name in TABLES:
                con.execute(f'DELETE FROM "{name}" WHERE source_path = ?', [record.path])
                if superseded:
                    con.execute(f'DELETE FROM "{name}" WHERE source_path = ?', [superseded])
            if storing:
                for name, frame in tables.items():
                    if len(frame):
                        rows = frame.assign(source_path=record.path)[["source_path", *TABLES[name].column_names]]
                        con.register("incoming", rows)
                        con.execute(f'INSERT INTO "{name}" SELECT * FROM incoming')
                        con.unregister("incoming")
                    if callable(before_commit):
                        before_commit()
            if superseded:
                con.execute("UPDATE files SET status = 'superseded', reason = ? WHERE path = ?",
                            [f"same document ({record.doc_key}) as {record.path}", superseded])
            con.execute("DELETE FROM files WHERE path = ?", [record.path])
            con.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [record.path, record.sha256, record.status, record.reason, record.doc_key, record.pages,
                 record.seconds_read, record.seconds_extract, record.seconds_validate, record.peak_rss_mb,
                 datetime.now(UTC).replace(tzinfo=None)],
            )
        return superseded

    def tables(self) -> dict[str, pd.DataFrame]:
        """The stored rows of every table, in schema column order and dtypes."""
        out: dict[str, pd.DataFrame] = {}
        for name, table in TABLES.items():
            cols = ", ".join(f'"{c}"' for c in table.column_names)
            frame = self.con.execute(f'SELECT {cols} FROM "{name}" ORDER BY source_path, rowid').df()
            out[name] = frame.astype(table.pandas_dtypes()) if len(frame) else \
                pd.DataFrame({c: pd.Series(dtype=d) for c, d in table.pandas_dtypes().items()})
        return out

    def files(self) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM files ORDER BY path").df()
