"""Which column of a table holds what, read from its header row: shared by the action and
progress table extractors, which differ only in their role names and in which roles make
the table theirs."""

from __future__ import annotations

import re

from extractors.layout import Cell

Roles = tuple[tuple[str, re.Pattern[str]], ...]


def header_name(cell: Cell) -> str:
    """A header cell's text compared without spaces, case or a trailing colon (headers
    wrap inside their cells: 初步预计到期 / 日, Initial / expected due / date)."""
    return re.sub(r"\s+", "", "".join(ln.text for ln in cell.lines)).lower().rstrip(":：")


def match_roles(cells: list[Cell], roles: Roles) -> dict[str, int]:
    """Column of each role whose pattern a header cell matches; roles are tried in order
    and each is given to the first cell that matches it."""
    found: dict[str, int] = {}
    for cell in cells:
        name = header_name(cell)
        for role, pattern in roles:
            if role not in found and pattern.search(name):
                found[role] = cell.col
                break
    return found
