"""gbdocs orchestration: discover -> extract -> validate -> export, the CLI and the API.

The Python API mirrors the command line: ``gbdocs extract`` is ``extract`` (one DataFrame
per table and ``.validation``; ``pipeline.export.export`` writes or quarantines it),
``gbdocs ingest`` is ``pipeline.ingest.ingest``, ``gbdocs inspect`` is ``inspect_pdf``.
Names are imported on first use, so that ``gbdocs --help`` does not load pandas or pdfplumber.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
_LAZY = {
    "extract": "pipeline.extraction",
    "Extraction": "pipeline.extraction",
    "inspect_pdf": "pipeline.inspect",
    "InspectResult": "pipeline.inspect",
    "PdfError": "extractors.pdf",
    "InternalError": "extractors.pdf",
    "ErrorKind": "extractors.pdf",
    "Limits": "pipeline.limits",
    "NO_LIMITS": "pipeline.limits",
}
__all__ = ["NO_LIMITS", "ErrorKind", "Extraction", "InspectResult", "InternalError", "Limits", "PdfError",
           "__version__", "extract", "inspect_pdf"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
