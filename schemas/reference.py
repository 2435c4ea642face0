"""The table reference (docs/tables.md), written from the schemas themselves so that it cannot
drift from what gbdocs exports: ``python -m gbdocs.schemas.reference > docs/tables.md``
(a test checks that the committed file is current)."""

from __future__ import annotations

from gbdocs.schemas.bodies import BODIES
from gbdocs.schemas.tables import TABLES, Column, Table
from gbdocs.schemas.vocabularies import CATEGORIES

_TYPES = {
    "string": "text",
    "integer": "integer",
    "number": "number",
    "date": "date (ISO 8601, YYYY-MM-DD)",
    "boolean": "true / false",
}


def _type(col: Column) -> str:
    if col.format == "yearmonth":
        return "year-month (YYYY-MM)"
    return _TYPES[col.dtype]


def _cell(text: str) -> str:
    # inside a Markdown table: a | ends the cell, <symbol> would be taken for an HTML tag
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def table_markdown(table: Table) -> str:
    key = ", ".join(f"`{k}`" for k in table.key)
    lines = [
        f"## {table.name}",
        "",
        f"One row per {table.row}. File `{table.name}.csv`; sheet `{table.name}` of the workbook; catalog table "
        f"`{table.catalog_name}`. Primary key: {key}.",
        "",
        "| column | type | required | description |",
        "|---|---|---|---|",
    ]
    for col in table.columns:
        description = col.description
        if col.enum:
            description += " — one of: " + ", ".join(f"`{v}`" for v in col.enum)
        lines.append(f"| `{col.name}` | {_type(col)} | {'' if col.nullable else 'yes'} | {_cell(description)} |")
    return "\n".join(lines) + "\n"


def reference_markdown() -> str:
    """docs/tables.md: every output table, then the vocabularies the columns draw from."""
    parts = [
        "# Output tables\n\n"
        "The contract with users: what every CSV (and sheet, and catalog table) gbdocs writes holds.\n"
        "Written from `schemas/` by `python -m gbdocs.schemas.reference`; do not edit by hand.\n"
        "Every table starts with the three key columns `doc_key` (`<symbol>:<language>`), `symbol`\n"
        "and `language`; an empty cell is a value the document does not give (never a guess).\n"
    ]
    parts += [table_markdown(t) for t in TABLES.values()]
    bodies = ["## Bodies (`documents.body`)", "", "Registry: `schemas/bodies.py` (names and the symbol grammar of "
              "each body's documents).", "", "| key | names (en) | names (zh) |", "|---|---|---|"]
    bodies += [f"| `{b.key}` | {_cell(' / '.join(b.en))} | {_cell(' / '.join(b.zh))} |" for b in BODIES]
    parts.append("\n".join(bodies) + "\n")
    categories = ["## Action categories (`actions.category_key`)", "", "| key | names it is printed under |",
                  "|---|---|"]
    categories += [f"| `{t.key}` | {_cell(' / '.join(t.names))} |" for t in CATEGORIES]
    parts.append("\n".join(categories) + "\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference_markdown(), end="")
