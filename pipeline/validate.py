"""Expectation suites gate the export: every table of a document is checked by its Great
Expectations suite (``expectations/<table>.json``), and the cross-table consistency suite
checks what one table says against another.

Suites are JSON files loaded into an ephemeral GX context: no GX project folder needed.
Each expectation has a ``meta.name`` (what a user reads) and a GX ``severity``: a failed
``critical`` expectation blocks the export of that document; a ``warning`` is exported and
reported.
"""

from __future__ import annotations

import copy
import html
import importlib
import importlib.util
import json
import re
import sys
import types
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from gbdocs import expectations
from gbdocs.frames import iso_days
from gbdocs.schemas import TABLES

EXPECTATIONS_DIR = Path(expectations.__file__).parent  # installed with the package

# GX 1.24 deprecates string row conditions, which JSON suites need; they still work.
warnings.filterwarnings("ignore", message="The condition_parser parameter is deprecated", category=DeprecationWarning)
SUITES = [*TABLES, "consistency"]
PAGE_COLUMNS = ("page", "page_start")

# Words that tie a count in prose to an action category (3项涉及问责制, three relate to accountability).
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "accountability": ("问责", "accountability"),
    "country_impact": ("国家", "country"),
    "governance": ("治理", "governance"),
    "financing": ("财务", "筹资", "资金", "financ", "funding"),
    "results": ("结果", "result"),
}
CITES_TABLE = re.compile(r"见表|见下表|see table|\(table\)", re.IGNORECASE)


@dataclass(frozen=True)
class Failure:
    suite: str
    expectation: str  # the expectation's name (meta.name)
    kind: str  # GX expectation type
    severity: str  # critical | warning | info
    doc_key: str
    pages: tuple[int, ...]
    values: tuple[str, ...]  # a few offending values
    tables: tuple[str, ...] = ()  # the tables a critical failure holds back from export

    def to_dict(self) -> dict[str, Any]:
        """The failure as a record (``--json``, the catalog's ``findings``)."""
        return {"suite": self.suite, "expectation": self.expectation, "kind": self.kind, "severity": self.severity,
                "doc_key": self.doc_key, "pages": list(self.pages), "values": list(self.values),
                "tables": list(self.tables)}

    def line(self) -> str:
        where = f"page {', '.join(map(str, self.pages))}" if self.pages else "whole document"
        shown = "; ".join(self.values[:3])
        more = f" (+{len(self.values) - 3} more)" if len(self.values) > 3 else ""
        return (f"{self.suite}: {self.expectation} [{self.severity}] - {self.doc_key}, {where}"
                + (f": {shown}{more}" if shown else ""))


@dataclass
class ValidationReport:
    """Results of all suites for one document (or several, for ``gbdocs validate``)."""

    evaluated: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def critical(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == "critical"]

    @property
    def warnings(self) -> list[Failure]:
        return [f for f in self.failures if f.severity != "critical"]

    @property
    def ok(self) -> bool:
        """True when nothing blocks the export (warnings do not)."""
        return not self.critical

    def held_back(self, doc_key: str | None = None) -> set[str]:
        """Tables that critical failures hold back (of one document, or of all)."""
        return {t for f in self.critical if doc_key is None or f.doc_key == doc_key for t in f.tables}

    def of(self, doc_key: str, documents: int) -> ValidationReport:
        """The part about one of the ``documents`` validated together (each of them was held to
        the same expectations)."""
        return ValidationReport(evaluated=self.evaluated // max(documents, 1),
                                failures=[f for f in self.failures if f.doc_key == doc_key],
                                seconds=self.seconds / max(documents, 1))

    def names(self) -> set[str]:
        return {f.expectation for f in self.failures}

    def extend(self, other: ValidationReport) -> None:
        self.evaluated += other.evaluated
        self.failures += other.failures
        self.seconds += other.seconds

    def text(self, held_back: tuple[str, ...] = ()) -> str:
        lines = [f"{self.evaluated} expectations evaluated, {len(self.critical)} critical failures, "
                 f"{len(self.warnings)} warnings"]
        if held_back:
            lines.append(f"held back from export (in quarantine/): {', '.join(held_back)}")
        lines += [f"  {f.line()}" for f in self.failures]
        return "\n".join(lines)

    def html(self, title: str, held_back: tuple[str, ...] = ()) -> str:
        rows = "".join(
            f"<tr class='{f.severity}'><td>{html.escape(f.doc_key)}</td><td>{html.escape(f.suite)}</td>"
            f"<td>{html.escape(f.expectation)}</td><td>{f.severity}</td>"
            f"<td>{', '.join(map(str, f.pages))}</td><td>{html.escape('; '.join(f.values[:10]))}</td></tr>"
            for f in self.failures
        )
        if self.ok:
            verdict = "passed"
        elif held_back and "documents" not in held_back:
            verdict = f"FAILED for {', '.join(held_back)} (held back in quarantine/; the other tables exported)"
        else:
            verdict = "FAILED (not exported)"
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #bbb;
padding:4px 8px;vertical-align:top}}tr.critical{{background:#fde2e2}}tr.warning{{background:#fff5d6}}</style>
</head><body><h1>{html.escape(title)}</h1>
<p>Validation {verdict}: {self.evaluated} expectations evaluated, {len(self.critical)} critical failures,
{len(self.warnings)} warnings ({self.seconds:.2f} s).</p>
<table><tr><th>document</th><th>suite</th><th>expectation</th><th>severity</th><th>pages</th>
<th>offending values</th></tr>{rows}</table>
<p>Suites: {", ".join(SUITES)} (expectations/*.json).</p></body></html>
"""


# ---------------------------------------------------------------- GX plumbing


# Named like column-value expectations, but they judge rows against each other or the column's type.
NOT_ROW_WISE = frozenset({"expect_column_values_to_be_unique", "expect_column_values_to_be_increasing",
                          "expect_column_values_to_be_decreasing", "expect_column_values_to_be_of_type",
                          "expect_column_values_to_be_in_type_list"})


def _row_wise(expectation: dict[str, Any]) -> bool:
    """Whether an expectation judges each row on its own (then one run over the rows of many
    documents says the same as one run per document, and each offending row names its
    document). Counts, uniqueness of a column and ``mostly`` judge a whole table: per document."""
    kind, kwargs = expectation["type"], expectation.get("kwargs", {})
    if kwargs.get("mostly", 1) < 1 or kind in NOT_ROW_WISE:
        return False
    if kind == "expect_compound_columns_to_be_unique":  # unique within a document, if doc_key is in it
        return "doc_key" in kwargs.get("column_list", [])
    return kind.startswith(("expect_column_values_to_", "expect_column_pair_values_", "expect_multicolumn_values_"))


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module GX imports at its top but gbdocs' suites never
    run: the real module is imported on first use of any of its attributes."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):  # what the import system and inspect probe: not a use
            raise AttributeError(attr)
        return getattr(importlib.import_module(self.__name__), attr)


# GX imports these for two expectations (KL divergence, Kolmogorov-Smirnov) and their charts,
# which no suite of gbdocs uses: 1.7 s of the 4.5 s that importing GX takes. Deferred only when
# nothing imported them before.
DEFERRED_MODULES = ("scipy.stats", "altair")


def _import_gx() -> Any:
    deferred = [name for name in DEFERRED_MODULES
                if name not in sys.modules and importlib.util.find_spec(name.split(".")[0]) is not None]
    for name in deferred:
        sys.modules[name] = _Deferred(name)
    try:
        import great_expectations as gx
    finally:
        # only GX's own modules keep the stand-ins: whoever imports these next gets the real ones
        for name in deferred:
            if isinstance(sys.modules.get(name), _Deferred):
                del sys.modules[name]
    return gx


@cache
def _context() -> Any:
    gx = _import_gx()  # about 3 s to import: only when validating
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas("gbdocs")
    for name, suite in load_suites().items():
        asset = source.add_dataframe_asset(name)
        asset.add_batch_definition_whole_dataframe("whole")
        for part, chosen in _parts(suite["expectations"]).items():
            context.suites.add(gx.ExpectationSuite(name=f"{suite['name']}:{part}", expectations=chosen))
    return context


def _parts(expectations: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """A suite's row-wise expectations, the rest (run per document), and all (one document)."""
    rows = [e for e in expectations if _row_wise(e)]
    return {"rows": rows, "document": [e for e in expectations if not _row_wise(e)], "all": expectations}


@cache
def _has_part(name: str, part: str) -> bool:
    return bool(_parts(_suites()[name]["expectations"])[part])


@cache
def _order(name: str) -> dict[str, int]:
    """Where each expectation stands in its suite: failures are reported in the suite's order."""
    return {str(e.get("meta", {}).get("name", e["type"])): i for i, e in enumerate(_suites()[name]["expectations"])}


def warm_up() -> None:
    """Build the GX context now (imports and suites), not on the first document."""
    _context()


@cache
def _suites() -> dict[str, dict[str, Any]]:
    return {name: json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8")) for name in SUITES}


def load_suites() -> dict[str, dict[str, Any]]:
    """The suites as JSON, by table name."""
    return copy.deepcopy(_suites())


def _for_gx(frame: pd.DataFrame) -> pd.DataFrame:
    # GX's pandas engine expects plain object/float columns; nullable extension dtypes
    # would make regex and set expectations choke on pd.NA.
    out = frame.copy()
    for col in out.columns:
        if str(out[col].dtype) in ("string", "boolean"):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
        elif str(out[col].dtype) in ("Int64", "Float64"):
            out[col] = out[col].astype("float64")
        elif pd.api.types.is_datetime64_any_dtype(out[col]):  # the suites read dates as ISO text
            out[col] = iso_days(out[col]).astype(object).where(out[col].notna(), None)
    return out.reset_index(drop=True)


def _run_suite(name: str, part: str, frame: pd.DataFrame, doc_keys: list[str]) -> ValidationReport:
    """One part of a table's suite on the rows of the documents ``doc_keys`` (the ``doc_key``
    column says whose each row is; with one document, every row is its): each failure is told
    to the documents whose rows failed, with their pages and values. A row-wise expectation of
    several documents that failed without naming rows (it raised: a value it cannot read) says
    nothing of whose it is: the part runs again document by document."""
    context = _context()
    batch = context.data_sources.get("gbdocs").get_asset(name).get_batch_definition("whole") \
        .get_batch(batch_parameters={"dataframe": frame})
    suite = context.suites.get(f"gbdocs.{name}:{part}")
    # Most documents pass: a yes/no run costs about half of one that collects the
    # offending values, which are gathered only when something failed.
    result = batch.validate(suite, result_format={"result_format": "BOOLEAN_ONLY"})
    if not result.success:
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    report = ValidationReport(evaluated=len(result.results) * len(doc_keys))
    whose = frame.doc_key.tolist() if len(doc_keys) > 1 else [doc_keys[0]] * len(frame)
    failed = [(r, _unexpected_rows(r, len(frame))) for r in result.results if not r.success]
    if len(doc_keys) > 1 and any(not rows for _, rows in failed):
        alone = ValidationReport()
        for doc in doc_keys:
            alone.extend(_run_suite(name, part, frame[frame.doc_key == doc].reset_index(drop=True), [doc]))
        return alone
    for r, rows in failed:
        details = r.result or {}
        if not rows:  # the table as a whole failed (a count, a missing column)
            report.failures.append(_failure(name, r, frame, doc_keys[0], [], details))
            continue
        found = details.get("unexpected_list") or []
        # GX keeps at most 200 values, and every index: then the values are read from the rows
        values = found if len(found) == len(rows) else [_row_value(frame, i, r) for i in rows]
        unexpected = list(zip(rows, values, strict=True))
        for doc in dict.fromkeys(whose[i] for i in rows):
            mine = [(i, v) for i, v in unexpected if whose[i] == doc]
            report.failures.append(_failure(name, r, frame, str(doc), mine, details))
    return report


def _unexpected_rows(r: Any, n_rows: int) -> list[int]:
    index = (r.result or {}).get("unexpected_index_list") or []
    return [i for i in index if isinstance(i, int) and i < n_rows]


def _row_value(frame: pd.DataFrame, i: int, r: Any) -> Any:
    """What GX shows as a row's unexpected value: the column's, a pair's, or the columns' of a
    compound key."""
    kwargs = r.expectation_config.kwargs or {}
    if kwargs.get("column") in frame.columns:
        return frame.at[i, kwargs["column"]]
    if kwargs.get("column_A") in frame.columns and kwargs.get("column_B") in frame.columns:
        return (frame.at[i, kwargs["column_A"]], frame.at[i, kwargs["column_B"]])
    columns = [c for c in kwargs.get("column_list") or [] if c in frame.columns]
    return {c: frame.at[i, c] for c in columns} if columns else None


def _failure(name: str, r: Any, frame: pd.DataFrame, doc_key: str, unexpected: list[tuple[int, Any]],
             details: dict[str, Any]) -> Failure:
    """What a document's offending rows (position in ``frame``, value) of one failed
    expectation show a reader: pages, and values that find the row."""
    config = r.expectation_config
    rows = [i for i, _ in unexpected]
    pages: set[int] = set()
    for col in PAGE_COLUMNS:
        if col in frame.columns:
            pages |= {int(v) for v in frame.loc[rows, col].dropna()}
    meta = config.meta or {}
    values = [_short(v) for _, v in unexpected[:PARTIAL]]
    kwargs = config.kwargs or {}
    if meta.get("show") in frame.columns and rows:  # what a reader recognises, e.g. the printed name
        values = [_short(v) for v in frame.loc[rows, meta["show"]].tolist()]
    elif config.type.endswith("_to_not_match_regex") and rows and kwargs.get("column") in frame.columns:
        # the part that matched (a page number line), not the first 80 characters of a paragraph
        values = [_offending(str(v), kwargs["regex"]) for v in frame.loc[rows, kwargs["column"]].tolist()]
    if rows and (label := _label_column(name, frame)) and label != kwargs.get("column"):
        values = [f"{label} {_plain(at)}: {v}" for at, v in zip(frame.loc[rows, label].tolist(), values,
                                                                strict=False)]
    if not values and details.get("observed_value") is not None:
        values = [_short(details["observed_value"])]
    if name == "consistency":
        held = tuple(meta.get("tables", TABLES))
    else:  # without its documents row nothing of a document can be exported
        held = tuple(TABLES) if name == "documents" else (name,)
    return Failure(
        suite=name,
        expectation=str(meta.get("name", config.type)),
        kind=config.type,
        severity=str(getattr(config.severity, "value", config.severity) or "critical").lower(),
        doc_key=doc_key,
        pages=tuple(sorted(pages)),
        values=tuple(values),
        tables=held,
    )


PARTIAL = 20  # offending values kept per failure when no column says better (GX's partial list)


def _label_column(name: str, frame: pd.DataFrame) -> str | None:
    """The column that tells a reader which row failed (a paragraph's number, an action's ID):
    the table's key after doc_key."""
    table = TABLES.get(name)
    keys = [k for k in table.key if k != "doc_key"] if table else []
    return keys[0] if keys and keys[0] in frame.columns else None


def _offending(text: str, regex: str) -> str:
    """The line of ``text`` where ``regex`` matched, with a little of its neighbours; line breaks
    shown as ⏎ so that a page number on a line of its own can be seen."""
    found = re.search(regex, text)
    if not found:
        return _short(text)
    start, end = found.span()
    left = text[max(0, start - 30):start]
    right = text[end:end + 30]
    shown = (("…" if start > 30 else "") + left + "[" + text[start:end] + "]" + right
             + ("…" if end + 30 < len(text) else ""))
    return shown.replace("\n", " ⏎ ")


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _short(value: Any) -> str:
    if isinstance(value, tuple | list):  # a pair of columns: show both sides
        text = " vs ".join(str(_plain(v)) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    else:
        text = str(_plain(value))
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------- cross-table checks


def _category_of(tail: str) -> str | None:
    lowered = tail.lower()
    for key, words in CATEGORY_WORDS.items():
        if any(w in lowered for w in words):
            return key
    return None


def consistency_frame(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per document with the quantities the consistency suite compares, and beside each
    a ``*_detail`` text that says what disagrees (what a failure shows: which row, which category)."""
    docs = tables["documents"].doc_key.dropna().unique().tolist() or [None]
    rows = []
    for doc in docs:
        pick = {name: (t[t.doc_key == doc] if doc is not None else t) for name, t in tables.items()}
        p, a, f, para = pick["progress"], pick["actions"], pick["figures"], pick["paragraphs"]
        row: dict[str, Any] = {"doc_key": doc}
        if len(p):
            row.update(_progress_checks(p))
        annex = a[a.source == "table"]
        row["annex_open_actions"] = len(annex) if len(annex) else None
        if len(annex) and len(p):
            latest = p.sort_values("as_of").iloc[-1]
            row["annex_detail"] = (f"annex: {len(annex)} actions; latest progress row ({latest.as_of}): "
                                   f"{_num(latest.ongoing)} ongoing")
        row.update(_prose_category_counts(f, annex))
        row["prose_table_disagreements"], row["prose_table_detail"] = _prose_table_disagreements(f, para, p)
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in (*CONSISTENCY_COLUMNS, *(f"{c}_detail" for c in CONSISTENCY_COLUMNS), "annex_detail"):
        if col not in frame.columns:
            frame[col] = None
    return frame


CONSISTENCY_COLUMNS = ("progress_rows_not_adding_up", "progress_pct_sum_off", "progress_pct_count_disagreement",
                       "latest_ongoing", "annex_open_actions", "prose_category_total", "prose_category_excess",
                       "prose_table_disagreements")


def _num(value: Any) -> str:
    return f"{float(value):g}"


def _progress_checks(p: pd.DataFrame) -> dict[str, Any]:
    total, done, ongoing = (p[c].astype(float) for c in ("total", "implemented", "ongoing"))
    pi, po = p.pct_implemented.astype(float), p.pct_ongoing.astype(float)
    as_of = p.as_of.astype(str)
    off_sum = (pi + po - 100).abs()
    off_count = (pi - 100 * done / total.where(total > 0)).abs()
    not_adding = (done + ongoing) != total
    row: dict[str, Any] = {
        "progress_rows_not_adding_up": int(not_adding.sum()),
        "progress_rows_not_adding_up_detail": "; ".join(
            f"{d}: {_num(x)} implemented + {_num(y)} ongoing ≠ {_num(t)} total"
            for d, x, y, t in zip(as_of[not_adding], done[not_adding], ongoing[not_adding], total[not_adding],
                                  strict=True)) or None,
        "progress_pct_sum_off": float(off_sum.max()),
        "progress_pct_count_disagreement": float(off_count.max()),
        "latest_ongoing": int(p.sort_values("as_of").ongoing.iloc[-1]),
    }
    if off_sum.notna().any():  # empty percentages are the not-null expectations' to report
        worst = off_sum.idxmax()
        row["progress_pct_sum_off_detail"] = (f"{as_of[worst]}: {_num(pi[worst])}% + {_num(po[worst])}% = "
                                              f"{_num(pi[worst] + po[worst])}%")
    if off_count.notna().any():
        worst = off_count.idxmax()
        row["progress_pct_count_disagreement_detail"] = (
            f"{as_of[worst]}: {_num(pi[worst])}% implemented, but {_num(done[worst])} of {_num(total[worst])} "
            f"is {100 * done[worst] / total[worst]:.1f}%")
    return row


def _prose_category_counts(figures: pd.DataFrame, annex: pd.DataFrame) -> dict[str, Any]:
    """A sentence that breaks a total down (15项行动中，有3项涉及问责制，1项…): its parts by
    category, compared with the annex rows per category."""
    if not len(annex) or not len(figures):
        return {}
    per_key = annex.category_key.value_counts().to_dict()
    counts = figures[figures.unit == "count"]
    for sentence, group in counts.groupby("sentence", sort=False):
        values = group.value.astype(float).tolist()
        if len(values) < 3 or abs(sum(values[1:]) - values[0]) > 0.5:
            continue
        prose: dict[str, float] = {}
        cursor = sentence.find(group.text.iloc[0]) + len(group.text.iloc[0])
        for text, value in zip(group.text.tolist()[1:], values[1:], strict=True):
            at = sentence.find(text, cursor)  # the same 3项 is stated several times: go left to right
            cursor = at + len(text) if at >= 0 else cursor
            tail = re.split(r"[，,；;。]", sentence[at + len(text):])[0] if at >= 0 else ""
            key = _category_of(tail)
            if key:
                prose[key] = prose.get(key, 0) + value
        if len(prose) < 2:
            continue
        excess = sum(max(0.0, v - per_key.get(k, 0)) for k, v in prose.items())
        said = ", ".join(f"{k} {_num(v)} (annex {per_key.get(k, 0)})" for k, v in prose.items())
        return {"prose_category_total": int(sum(values[1:])), "prose_category_excess": int(excess),
                "prose_category_total_detail": f"prose: {said}; annex: {len(annex)} actions",
                "prose_category_excess_detail": "; ".join(
                    f"{k}: {_num(v)} in prose, {per_key.get(k, 0)} in the annex"
                    for k, v in prose.items() if v > per_key.get(k, 0)) or None}
    return {}


def _prose_table_disagreements(figures: pd.DataFrame, paragraphs: pd.DataFrame,
                               progress: pd.DataFrame) -> tuple[int | None, str | None]:
    """Figures in the paragraphs that point to the progress table (见表, see Table): each
    percentage, and each pair of counts stating a change, must be a value of the table.
    The number that disagree, and which ones."""
    if not len(progress) or not len(figures):
        return None, None
    citing = set(paragraphs[paragraphs.text.str.contains(CITES_TABLE, na=False)].number)
    near = figures[figures.paragraph.isin(citing)]
    pcts = set(progress.pct_implemented.astype(float)) | set(progress.pct_ongoing.astype(float))
    counts = set(progress.implemented.astype(float)) | set(progress.ongoing.astype(float)) | \
        set(progress.total.astype(float))
    percent = near[near.unit == "percent"]
    bad = [percent[~percent.value.astype(float).isin(pcts)]]
    for _, group in near[near.unit == "count"].groupby("sentence", sort=False):
        if len(group) == 2 and group.measure.nunique() == 1:
            bad.append(group[~group.value.astype(float).isin(counts)])
    wrong = pd.concat(bad)
    detail = "; ".join(f"{t} (paragraph {n}) is not in the progress table"
                       for t, n in zip(wrong.text, wrong.paragraph, strict=True))
    return len(wrong), detail or None


# ---------------------------------------------------------------- entry points


def validate_tables(tables: dict[str, pd.DataFrame]) -> ValidationReport:
    """Run every suite on the tables of one or more documents, and say which document each
    failure is about. The row-wise expectations run once over the rows of all documents; the
    others (a count of rows, ...) once per document."""
    import time

    started = time.perf_counter()
    report = ValidationReport()
    docs = [str(d) for d in tables["documents"].doc_key.dropna().unique().tolist()]
    if docs:  # the rows of the documents there are (a row without one is no document's)
        mine = {name: t[t.doc_key.isin(docs)] for name, t in tables.items()}
        keys = docs
    else:  # still checked, and the failures say so
        mine, keys = dict(tables), ["(no documents row)"]
    frames = {name: _for_gx(mine[name]) for name in TABLES}
    frames["consistency"] = _for_gx(consistency_frame(mine))
    for name in SUITES:
        if len(keys) == 1:  # one run does it (a run costs about 0.1 s however few its rows)
            report.extend(_run_suite(name, "all", frames[name], keys))
            continue
        if _has_part(name, "rows"):
            report.extend(_run_suite(name, "rows", frames[name], keys))
        if _has_part(name, "document"):
            for doc in keys:
                one = frames[name][frames[name].doc_key == doc].reset_index(drop=True)
                report.extend(_run_suite(name, "document", one, [doc]))
    order = {doc: i for i, doc in enumerate(keys)}
    report.failures.sort(key=lambda f: (order.get(f.doc_key, len(order)), SUITES.index(f.suite),
                                        _order(f.suite).get(f.expectation, 0)))
    report.seconds = time.perf_counter() - started
    return report


def validate_each(documents: list[dict[str, pd.DataFrame]]) -> list[ValidationReport]:
    """The report of each document's tables, as ``validate_tables`` of it alone says it, from
    as few runs of the suites as their keys allow: two extractions of one document (one
    doc_key) are never in one run, where their rows would collide; tables without a documents
    row run alone."""
    reports: list[ValidationReport | None] = [None] * len(documents)
    keys = [_key_of(tables) for tables in documents]
    waiting = list(range(len(documents)))
    while waiting:
        chosen: dict[str, int] = {}
        for i in waiting:
            if keys[i] is None:
                reports[i] = validate_tables(documents[i])
            else:
                chosen.setdefault(keys[i], i)
        waiting = [i for i in waiting if keys[i] is not None and chosen[keys[i]] != i]
        if not chosen:
            continue
        together = validate_tables({name: pd.concat([documents[i][name] for i in chosen.values()], ignore_index=True)
                                    for name in TABLES})
        for key, i in chosen.items():
            reports[i] = together.of(key, len(chosen))
    return [r for r in reports if r is not None]


def _key_of(tables: dict[str, pd.DataFrame]) -> str | None:
    keys = tables["documents"].doc_key.dropna().unique().tolist()
    return str(keys[0]) if len(keys) == 1 else None

