"""PDF -> records. Pure functions of one PDF: no I/O besides reading it, no global state.

Never imports ``pipeline``.
"""

from gbdocs.extractors.layout import Page, TextLine, read_pages, read_text_pages
from gbdocs.extractors.pdf import (
    ErrorKind,
    InternalError,
    PdfError,
    PdfInfo,
    check_file,
    file_sha256,
    open_pdf,
    pdf_info,
)

__all__ = [
    "ErrorKind", "InternalError", "Page", "PdfError", "PdfInfo", "TextLine", "check_file", "file_sha256", "open_pdf",
    "pdf_info", "read_pages", "read_text_pages",
]
