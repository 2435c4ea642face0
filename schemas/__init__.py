"""Output tables and vocabularies of gbdocs. Imports nothing from extractors or pipeline."""

from schemas.table_schema import table_schema
from schemas.tables import (
    ACTIONS,
    DOCUMENTS,
    FIGURES,
    PARAGRAPHS,
    PROGRESS,
    REFERENCES,
    TABLES,
    Column,
    Table,
)
from schemas.vocabularies import BODIES, CATEGORIES, CATEGORY_KEYS, body_key, category_key

__all__ = [
    "ACTIONS", "BODIES", "CATEGORIES", "CATEGORY_KEYS", "DOCUMENTS", "FIGURES", "PARAGRAPHS",
    "PROGRESS", "REFERENCES", "TABLES", "Column", "Table", "body_key", "category_key",
    "table_schema",
]
