"""gbdocs orchestration: discover -> extract -> validate -> export, the CLI and the API.

The Python API mirrors the command line: ``gbdocs extract`` is ``extract`` (one DataFrame
per table, ``.write(DIR)`` for the CSVs), ``gbdocs inspect`` is ``inspect_pdf``.
"""

from extractors import PdfError
from pipeline.extract import Extraction, extract
from pipeline.inspect import InspectResult, inspect_pdf

__version__ = "0.1.0"
__all__ = ["Extraction", "InspectResult", "PdfError", "__version__", "extract", "inspect_pdf"]
