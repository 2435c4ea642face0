"""gbdocs orchestration: discover -> extract -> validate -> export, the CLI and the API.

The Python API mirrors the command line: ``gbdocs inspect`` is ``inspect_pdf``.
"""

from extractors import PdfError
from pipeline.inspect import InspectResult, inspect_pdf

__version__ = "0.1.0"
__all__ = ["InspectResult", "PdfError", "__version__", "inspect_pdf"]
