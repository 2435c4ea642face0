"""gbdocs orchestration: discover -> extract -> validate -> export, the CLI and the API.

The Python API mirrors the command line: ``gbdocs extract`` is ``extract`` (one DataFrame
per table and ``.validation``; ``gbdocs.export.export`` writes or quarantines it),
``gbdocs ingest`` is ``gbdocs.ingest.ingest``, ``gbdocs inspect`` is ``inspect_pdf``.
Names are imported on first use, so that ``gbdocs --help`` does not load pandas or pdfplumber.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
_LAZY = {
    "extract": "gbdocs.extraction",
    "Extraction": "gbdocs.extraction",
    "inspect_pdf": "gbdocs.inspect",
    "InspectResult": "gbdocs.inspect",
    "PdfError": "gbdocs.extractors.pdf",
    "InternalError": "gbdocs.extractors.pdf",
    "ErrorKind": "gbdocs.extractors.pdf",
    "Limits": "gbdocs.limits",
    "NO_LIMITS": "gbdocs.limits",
    "Output": "gbdocs.tableio",
}
__all__ = ["NO_LIMITS", "ErrorKind", "Extraction", "InspectResult", "InternalError", "Limits", "Output", "PdfError",
           "__version__", "extract", "inspect_pdf"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gbdocs' has no attribute {name!r}")
