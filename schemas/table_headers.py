"""Table genres recognised by their header row: the names each column role goes by (zh and en),
and which roles make a table of that genre. Data, not code: a new genre or a new way of naming
a column is an entry here, and the page model, the action and the progress extractors all read
it (the page model uses it to find tables that have neither rules nor a bold header row).

Names are matched against a header cell's text without spaces, lowercased, a trailing colon
dropped (``gbdocs.extractors.headers.header_name``); roles are tried in order and each column takes
the first role whose pattern it matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class HeaderGenre:
    name: str
    roles: tuple[tuple[str, re.Pattern[str]], ...]
    required: frozenset[str]
    min_roles: int

    def accepts(self, found: dict[str, int]) -> bool:
        return self.required <= found.keys() and len(found) >= self.min_roles

    def match(self, columns: list[tuple[int, list[str]]]) -> dict[str, int]:
        """Column of each role: a column takes the role of its first name that names one
        (names lowest header level first, then with the levels above)."""
        found: dict[str, int] = {}
        for col, names in columns:
            for name in names:
                role = next((r for r, pattern in self.roles if r not in found and pattern.search(name)), None)
                if role is not None:
                    found[role] = col
                    break
        return found


def normalise_name(lines: list[str]) -> str:
    """A header cell's text as matched: no spaces, lowercased, no trailing colon; a name
    hyphenated by a narrow cell (Imple- / mented) joined."""
    joined = "\n".join(lines)
    joined = re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", joined)
    return re.sub(r"\s+", "", joined).lower().rstrip(":：")


def names_a_table(columns: list[tuple[int, list[str]]]) -> str | None:
    """The genre whose header these columns' names are, if any."""
    return next((g.name for g in TABLE_GENRES if g.accepts(g.match(columns))), None)


def _roles(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((role, re.compile(pattern)) for role, pattern in pairs)


ACTION_TABLE = HeaderGenre(
    "actions",
    _roles(
        ("action_id", r"^(编号|行动编号|序号|no\.?|id|actionid|actionno\.?|ref\.?|number)$"),
        ("due", r"(到期|截止|预计.*日期|due|deadline)"),
        ("status", r"(最新情况|进展|现况|状况|update|status|progress)"),
        ("category", r"^(类别|类型|category|type)$"),
        ("action", r"^(行动|行动内容|action|actions|description)$"),
    ),
    required=frozenset({"action_id", "action"}),
    min_roles=3,
)

PROGRESS_TABLE = HeaderGenre(
    "progress",
    _roles(
        ("pct_implemented", r"(已结束.*占比|已落实.*(占比|百分比)|share.*closed|(%|percent).*implemented)"),
        ("pct_ongoing", r"(尚未结束.*占比|正在进行.*(占比|百分比)|share.*(open|ongoing)|(%|percent).*ongoing)"),
        ("as_of", r"(日期|date)"),
        ("total", r"(行动数量|行动总数|numberofactions|totalactions|^total$)"),
        ("implemented", r"(已落实|已实施|已完成|^implemented$|^closed$|^completed$)"),
        ("ongoing", r"(正在进行|进行中|尚未结束|^ongoing$|^open$|inprogress)"),
    ),
    required=frozenset({"as_of", "total", "implemented", "ongoing"}),
    min_roles=4,
)

TABLE_GENRES: tuple[HeaderGenre, ...] = (ACTION_TABLE, PROGRESS_TABLE)
