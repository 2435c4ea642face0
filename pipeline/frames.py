"""Records -> the typed DataFrames of ``schemas``, in the schema's column order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

import pandas as pd

from schemas import Table


def to_frame(table: Table, rows: Iterable[Any], keys: Mapping[str, str]) -> pd.DataFrame:
    """One DataFrame for ``table``: record fields by name, plus the document keys."""
    records = []
    for row in rows:
        data = asdict(row) if is_dataclass(row) else dict(row)
        records.append({c: (keys[c] if c in keys else data.get(c)) for c in table.column_names})
    frame = pd.DataFrame.from_records(records, columns=table.column_names)
    return frame.astype(table.pandas_dtypes())
