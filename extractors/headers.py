"""Which column of a table holds what, read from its header row(s): shared by the action and
progress table extractors, which differ only in their role names and in which roles make
the table theirs.

A header may have several levels: an upper cell spanning columns (实施状况 over 已落实 /
正在进行; Implementation status over Implemented / Ongoing) and cells spanning both levels.
A column's names are then its lowest header cell's name first, the cells above it next.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from gbdocs.extractors.layout import Cell, Table, header_columns
from gbdocs.schemas.table_headers import HeaderGenre, normalise_name

Roles = tuple[tuple[str, re.Pattern[str]], ...]
MAX_HEADER_ROWS = 3


def header_name(cell: Cell) -> str:
    """A header cell's text compared without spaces, case or a trailing colon (headers
    wrap inside their cells: 初步预计到期 / 日, Initial / expected due / date)."""
    return normalise_name([ln.text for ln in cell.lines])


def match_roles(cells: list[Cell], roles: Roles) -> dict[str, int]:
    """Column of each role whose pattern a header cell matches; roles are tried in order
    and each is given to the first cell that matches it."""
    return match_columns([(c.col, [header_name(c)]) for c in cells], roles)


def match_columns(columns: list[tuple[int, list[str]]], roles: Roles) -> dict[str, int]:
    """Like ``match_roles`` for columns with several names (lowest header level first): a
    column takes the role of its first name that names one."""
    return HeaderGenre("", roles, frozenset(), 0).match(columns)


@dataclass(frozen=True)
class Header:
    roles: dict[str, int]  # role -> column
    rows: int  # how many rows the header takes: data rows start here


def find_header(table: Table, roles: Roles, accept: Callable[[dict[str, int]], bool]) -> Header | None:
    """The table's header (one level, or more where upper cells span columns) if ``accept``
    takes the roles its columns name."""
    for depth in range(1, min(MAX_HEADER_ROWS, table.n_rows - 1) + 1):
        found = match_roles(table.row(0), roles) if depth == 1 else match_columns(header_columns(table, depth), roles)
        if accept(found):
            return Header(found, depth)
    return None
