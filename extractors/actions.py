"""The ``actions`` table: action tables (an annex of reform actions) and bulleted action lists.

An action table is recognised by its header row (编号 / 类别 / 行动 / 初步预计到期日 /
最新情况; No. / Category / Action / Initial expected due date / Update, in any order, with
headers wrapped inside their cells), not by position or size. A table that continues on
the next page repeats its header (dropped) and may start with the rest of a row cut by the
page break: a row with empty ID and category cells, merged into the row it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from gbdocs.extractors.dates import find_dates
from gbdocs.extractors.document import DocumentModel
from gbdocs.extractors.headers import Header, Roles, find_header, match_roles
from gbdocs.extractors.layout import BBox, Cell, Table, TextLine
from gbdocs.extractors.paragraphs import paragraph_parts
from gbdocs.extractors.periods import expected_completion, period_of
from gbdocs.extractors.records import ActionRecord
from gbdocs.extractors.script import is_cjk, join_lines, spaced_cjk_latin_ratio
from gbdocs.schemas.table_headers import ACTION_TABLE
from gbdocs.schemas.vocabularies import category_key

ROLES: Roles = ACTION_TABLE.roles  # header names per column role: schemas/table_headers.py
LIST_INTRO = re.compile(r"(行动|actions?\b)[^：:]*[：:]\s*$", re.IGNORECASE)
LEAD_TERM = re.compile(r"^(.{1,40}?)(?:。|\.\s)")
TERMINAL = tuple("。．.；;！!？?")


def _accept(roles: dict[str, int]) -> bool:
    return ACTION_TABLE.accepts(roles)


def header_roles(cells: list[Cell]) -> dict[str, int] | None:
    """Column of each role if ``cells`` is an action table's header row, else None."""
    roles = match_roles(cells, ROLES)
    return roles if _accept(roles) else None


def table_header(table: Table) -> Header | None:
    """The table's header rows and their roles if it is an action table."""
    return find_header(table, ROLES, _accept)


@dataclass
class _Piece:
    page: int
    bbox: BBox
    lines: list[TextLine]


@dataclass
class _Row:
    pieces: dict[str, list[_Piece]] = field(default_factory=dict)

    def add(self, role: str, cell: Cell, page: int) -> None:
        if cell.lines:
            self.pieces.setdefault(role, []).append(_Piece(page, cell.bbox, list(cell.lines)))

    @property
    def pages(self) -> list[int]:
        return [p.page for pieces in self.pieces.values() for p in pieces]


@dataclass
class _Table:
    roles: dict[str, int]
    strategy: str
    last_page: int
    rows: list[_Row] = field(default_factory=list)


def _cell_pitch(tables: list[Table]) -> float:
    steps = [
        b.top - a.top
        for t in tables for c in t.cells
        for a, b in zip(c.lines, c.lines[1:], strict=False)
        if b.top > a.top
    ]
    return median(steps) if steps else 12.0


def _first_word_width(line: TextLine) -> float:
    """About how wide the line's first word is: had it fitted on the line before, the
    line before would not have ended there."""
    text = line.text.strip()
    word = re.match(r"[^\s]+?(?=[\s\u3000-\u303f\uff00-\uffef]|$)", text)
    n = 1 if not word or is_cjk(text[0]) else len(word.group(0))
    return n * (line.x1 - line.x0) / max(len(text), 1)


def _paragraphs(pieces: list[_Piece], pitch: float) -> list[list[TextLine]]:
    """Cell lines grouped into the cell's paragraphs.

    Within a page a paragraph ends where the space between lines grows (paragraph
    spacing) or where a line stops short after a full stop; across a page break the row
    goes on with the same paragraph unless the last line before the break stopped short.
    """
    paras: list[list[TextLine]] = []
    for n, piece in enumerate(pieces):
        # The text's own right edge (its widest line), not the cell's, which has padding.
        right = max(ln.x1 for ln in piece.lines) if len(piece.lines) > 1 else piece.bbox[2]
        for i, line in enumerate(piece.lines):
            if not paras:
                paras.append([line])
                continue
            prev = paras[-1][-1]
            short_end = prev.text.rstrip().endswith(TERMINAL) and right - prev.x1 > _first_word_width(line) + prev.size
            across_break = i == 0 and n > 0
            # paragraph spacing counts after a sentence or a lead-in; a line that stops mid-
            # sentence (2024 年 12 | 月 31 日) is taller only because of the font it mixes in
            ends = prev.text.rstrip().endswith((*TERMINAL, ":", "："))
            new = short_end or (not across_break and ends and line.top - prev.top > pitch * 1.12)
            if new or re.match(r"^\([a-z]\)\s", line.text):
                paras.append([line])
            else:
                paras[-1].append(line)
    return paras


def _text(pieces: list[_Piece], model: DocumentModel, pitch: float) -> str:
    paras = _paragraphs(pieces, pitch)
    cell_ratio = spaced_cjk_latin_ratio("\n".join(ln.text for p in paras for ln in p))
    texts = []
    for para in paras:
        lines = [ln.text for ln in para]
        ratio = spaced_cjk_latin_ratio("\n".join(lines))
        ratio = cell_ratio if ratio is None else ratio
        spaced = model.cjk_latin_spaced if ratio is None else ratio >= 0.5
        texts.append(join_lines(lines, model.language, model.known_words, spaced)[0])
    return "\n".join(texts)


def _logical_tables(model: DocumentModel) -> list[_Table]:
    """Action tables with their rows, stitched across pages."""
    found: list[_Table] = []
    current: _Table | None = None
    for page in model.pages:
        for table in page.tables:
            header = table_header(table)
            roles = header.roles if header else None
            first_data = header.rows if header else 1
            if roles is None:
                continues = current is not None and table.page == current.last_page + 1 \
                    and table.n_cols == max(current.roles.values()) + 1
                if not continues:
                    current = None
                    continue
                first_data = 0
            elif current is None or current.roles != roles or table.page != current.last_page + 1:
                current = _Table(roles, table.strategy, table.page)
                found.append(current)
            assert current is not None
            current.last_page = table.page
            for r in range(first_data, table.n_rows):
                cells = {c.col: c for c in table.row(r)}
                by_role = {role: cells.get(col) for role, col in current.roles.items()}
                if not any(c and c.lines for c in by_role.values()):
                    continue
                id_cell = by_role.get("action_id")
                continuation = not (id_cell and id_cell.lines)  # the rest of a row cut by the page break
                if not continuation or not current.rows:
                    current.rows.append(_Row())
                row = current.rows[-1]
                for role, cell in by_role.items():
                    if cell is not None:
                        row.add(role, cell, table.page)
    return found


def _table_actions(model: DocumentModel) -> list[ActionRecord]:
    tables = [t for p in model.pages for t in p.tables]
    pitch = _cell_pitch(tables)
    records: list[ActionRecord] = []
    for table in _logical_tables(model):
        for row in table.rows:
            texts = {role: _text(pieces, model, pitch) for role, pieces in row.pieces.items()}
            action_id = texts.get("action_id", "").replace(" ", "").replace("\n", "")
            if not action_id:
                continue
            category = texts.get("category") or None
            due_text = texts.get("due") or None
            dates = find_dates(due_text) if due_text else []
            due_period = period_of(due_text) if due_text and not dates else None
            status = texts.get("status") or None
            period = expected_completion(status) if status else None
            records.append(ActionRecord(
                action_id=action_id,
                category=category,
                category_key=category_key(category) if category else None,
                action=texts.get("action", ""),
                due_date=dates[0].iso if dates else (due_period.iso if due_period else None),
                due_date_text=due_text,
                status=status,
                expected_completion=period.iso if period else None,
                expected_completion_text=period.text if period else None,
                source="table",
                page_start=min(row.pages),
                page_end=max(row.pages),
                strategy=table.strategy,
            ))
    return records


def _list_actions(model: DocumentModel) -> list[ActionRecord]:
    """Bulleted items of a paragraph that introduces actions ("需要立即采取以下行动和策略：")."""
    records: list[ActionRecord] = []
    for paragraph, parts in paragraph_parts(model):
        if not parts or not LIST_INTRO.search(parts[0].text):
            continue
        bullets = [p for p in parts[1:] if p.kind == "bullet"]
        for n, part in enumerate(bullets, start=1):
            lead = LEAD_TERM.match(part.text)
            category = lead.group(1).strip() if lead else None
            records.append(ActionRecord(
                action_id=f"{paragraph.number}.{n}",
                category=category,
                category_key=category_key(category) if category else None,
                action=part.text,
                due_date=None, due_date_text=None, status=None,
                expected_completion=None, expected_completion_text=None,
                source="list",
                page_start=part.lines[0].page,
                page_end=part.lines[-1].page,
                strategy="list",
            ))
    return records


def extract_actions(model: DocumentModel) -> list[ActionRecord]:
    """Every action of the document: action tables first, then action lists."""
    return _table_actions(model) + _list_actions(model)
