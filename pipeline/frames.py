"""Records -> the typed DataFrames of ``schemas``, in the schema's column order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

import pandas as pd

from gbdocs.schemas import Table

ISO_DAY = "%Y-%m-%d"  # how a date is written everywhere it becomes text (CSV, validation, reports)


def iso_days(dates: pd.Series) -> pd.Series:
    """A date column as ISO 8601 days (2025-01-31), missing dates as <NA>, whatever pandas would print."""
    return dates.dt.strftime(ISO_DAY).astype("string")


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def to_frame(table: Table, rows: Iterable[Any], keys: Mapping[str, str]) -> pd.DataFrame:
    """One DataFrame for ``table``: record fields by name, plus the document keys."""
    records = []
    for row in rows:
        data = asdict(row) if is_dataclass(row) else dict(row)
        # An empty text is no value: a CSV cannot tell "" from empty, so neither does the frame
        # (validation sees what the exported file will hold).
        records.append({c: (keys[c] if c in keys else _blank_is_none(data.get(c))) for c in table.column_names})
    frame = pd.DataFrame.from_records(records, columns=table.column_names)
    return frame.astype(table.pandas_dtypes())
