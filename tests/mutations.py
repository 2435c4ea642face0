"""The damage real extraction bugs do to correct tables, each with the expectation that must
catch it (used by the validation tests, on DataFrames and on hand-edited CSV folders)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

Tables = dict[str, pd.DataFrame]


def _copy(tables: Tables) -> Tables:
    return {name: df.copy() for name, df in tables.items()}


def lose_annex_row(t: Tables) -> Tables:
    t = _copy(t)
    a = t["actions"]
    t["actions"] = a.drop(index=a[a.source == "table"].index[-1]).reset_index(drop=True)
    return t


def split_row(t: Tables) -> Tables:
    """A row cut by a page break not merged back: its rest becomes a row without ID."""
    t = _copy(t)
    a = t["actions"]
    i = a[a.page_end > a.page_start].index[0]
    rest = a.loc[[i]].copy()
    status = str(a.loc[i, "status"])
    a.loc[i, "status"] = status[: len(status) // 2]
    rest["action_id"] = pd.NA
    rest["category"] = pd.NA
    rest["status"] = status[len(status) // 2:]
    t["actions"] = pd.concat([a, rest], ignore_index=True)
    return t


def due_date_2204(t: Tables) -> Tables:
    t = _copy(t)
    a = t["actions"]
    i = a[a.due_date.notna()].index[0]
    a.loc[i, "due_date"] = pd.Timestamp("2204" + a.loc[i, "due_date"].strftime("%Y-%m-%d")[4:])
    return t


def swap_implemented_ongoing(t: Tables) -> Tables:
    t = _copy(t)
    p = t["progress"]
    p["implemented"], p["ongoing"] = p["ongoing"].copy(), p["implemented"].copy()
    return t


def duplicate_action_id(t: Tables) -> Tables:
    t = _copy(t)
    a = t["actions"]
    a.loc[1, "action_id"] = a.loc[0, "action_id"]
    return t


def running_header_in_paragraph(t: Tables) -> Tables:
    t = _copy(t)
    p = t["paragraphs"]
    symbol = str(t["documents"].symbol.iloc[0])
    text = str(p.loc[3, "text"])
    p.loc[3, "text"] = text[:40] + f" {symbol} 2 " + text[40:]
    return t


def percentage_off_by_10(t: Tables) -> Tables:
    t = _copy(t)
    t["progress"].loc[0, "pct_implemented"] = t["progress"].loc[0, "pct_implemented"] + 10
    return t


def prose_contradicts_table(t: Tables) -> Tables:
    t = _copy(t)
    f = t["figures"]
    latest = float(t["progress"].sort_values("as_of").pct_implemented.iloc[-1])
    i = f[(f.unit == "percent") & (f.value == latest)].index[0]
    f.loc[i, "value"] = latest + 1
    return t


# damage -> (mutation, the expectation that must catch it, the tables held back from export:
# each failed expectation holds back the tables it is about, so a damage that breaks several
# cross-checks holds back every table they compare)
MUTATIONS: dict[str, tuple[Callable[[Tables], Tables], str, set[str]]] = {
    "an annex row lost": (lose_annex_row, "open annex actions = ongoing in the latest progress row",
                          {"actions", "progress", "figures"}),  # the per-category prose counts break too
    "a row split in two": (split_row, "actions.action_id is filled", {"actions", "progress", "figures"}),
    "a due date of 2204": (due_date_2204, "actions.due_date is a plausible ISO date", {"actions"}),
    "implemented and ongoing swapped": (swap_implemented_ongoing, "percentages agree with implemented/total",
                                        {"progress", "actions"}),  # latest ongoing no longer = open annex rows
    "a duplicated action ID": (duplicate_action_id, "action IDs are unique per document", {"actions"}),
    "a running header left in a paragraph": (running_header_in_paragraph,
                                             "no running header (symbol and page number) in paragraph text",
                                             {"paragraphs"}),
    "a percentage off by 10": (percentage_off_by_10, "the two percentages of a progress row sum to 100",
                               {"progress", "figures"}),  # paragraph 7 restates the old percentage
    "a prose figure that contradicts the table": (prose_contradicts_table,
                                                  "prose figures that restate the progress table agree with it",
                                                  {"figures", "progress"}),
}
