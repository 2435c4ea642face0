"""Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/) of a table."""

from __future__ import annotations

from typing import Any

from gbdocs.schemas.tables import DOCUMENTS, Table


def table_schema(table: Table) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for col in table.columns:
        field: dict[str, Any] = {"name": col.name, "type": col.dtype, "description": col.description}
        if col.format == "yearmonth":
            field["type"] = "yearmonth"
        constraints: dict[str, Any] = {}
        if not col.nullable:
            constraints["required"] = True
        if col.enum:
            constraints["enum"] = list(col.enum)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""], "primaryKey": list(table.key)}
    if table.name != DOCUMENTS.name:  # every row belongs to a document of the same package
        reference = {"resource": DOCUMENTS.name, "fields": ["doc_key"]}
        schema["foreignKeys"] = [{"fields": ["doc_key"], "reference": reference}]
    return schema
