"""PDF -> records. Pure functions of one PDF: no I/O besides reading it, no global state.

Never imports ``pipeline``.
"""

from extractors.layout import Page, TextLine, read_pages
from extractors.pdf import PdfError, PdfInfo, open_pdf, pdf_info

__all__ = ["Page", "PdfError", "PdfInfo", "TextLine", "open_pdf", "pdf_info", "read_pages"]
