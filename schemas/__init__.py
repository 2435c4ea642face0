"""Output tables and vocabularies of gbdocs. Imports nothing from extractors or pipeline."""

from gbdocs.schemas.bodies import BODIES, BODY_KEYS, body_key
from gbdocs.schemas.table_schema import table_schema
from gbdocs.schemas.tables import (
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
from gbdocs.schemas.vocabularies import CATEGORIES, CATEGORY_KEYS, category_key

__all__ = [
    "ACTIONS", "BODIES", "BODY_KEYS", "CATEGORIES", "CATEGORY_KEYS", "DOCUMENTS", "FIGURES", "PARAGRAPHS",
    "PROGRESS", "REFERENCES", "TABLES", "Column", "Table", "body_key", "category_key",
    "table_schema",
]
