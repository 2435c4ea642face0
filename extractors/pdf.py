"""Opening a PDF safely: every way a user's file can be unreadable becomes a PdfError that
names the file and the reason in words, never a parser traceback."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

HEADER_WINDOW = 1024  # the PDF spec lets %PDF- appear within the first 1024 bytes


class PdfError(Exception):
    """A PDF that cannot be read, with the reason in words a user understands."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class PdfInfo:
    """What is known of a PDF file before any extraction."""

    source_file: str  # file name, without directories
    sha256: str
    pages: int


TRAILER_WINDOW = 2048  # %%EOF ends the file, give or take trailing whitespace or comments


def _check_file(path: Path) -> None:
    if not path.exists():
        raise PdfError(path, "no such file")
    if path.is_dir():
        raise PdfError(path, "is a directory, not a PDF file")
    size = path.stat().st_size
    if not size:
        raise PdfError(path, "empty file")
    with path.open("rb") as f:  # only the two ends: the file itself is read by pdfplumber
        head = f.read(HEADER_WINDOW)
        f.seek(max(0, size - TRAILER_WINDOW))
        tail = f.read()
    if b"%PDF-" not in head:
        raise PdfError(path, "not a PDF (no %PDF- header)")
    if b"%%EOF" not in tail:
        # pdfminer often recovers a truncated file silently and returns missing pages;
        # a partial document must not pass as a whole one.
        raise PdfError(path, "truncated PDF (no %%EOF trailer at the end of the file)")


@contextmanager
def open_pdf(path: Path | str, password: str | None = None) -> Iterator[pdfplumber.PDF]:
    """Open a PDF with pdfplumber, turning every failure into a PdfError."""
    path = Path(path)
    _check_file(path)
    try:
        try:
            pdf = pdfplumber.open(path, password=password or "")
        except PdfminerException as wrapped:
            # pdfplumber wraps pdfminer's errors; the original says what went wrong.
            inner = wrapped.args[0] if wrapped.args and isinstance(wrapped.args[0], Exception) else None
            raise (inner or wrapped) from None
    except PDFPasswordIncorrect:
        reason = "wrong password" if password else "encrypted PDF: give its password with --password"
        raise PdfError(path, reason) from None
    except PDFEncryptionError as exc:
        raise PdfError(path, f"encrypted with an unsupported method ({exc})") from None
    except (PDFSyntaxError, PSException) as exc:
        raise PdfError(path, f"damaged PDF ({exc.__class__.__name__}: {exc})") from None
    except Exception as exc:  # pdfminer raises plain exceptions on many malformed files
        raise PdfError(path, f"unreadable PDF ({exc.__class__.__name__}: {exc})") from None
    try:
        try:
            n_pages = len(pdf.pages)
        except Exception as exc:
            raise PdfError(path, f"damaged PDF, its pages cannot be read ({exc})") from None
        if n_pages == 0:
            raise PdfError(path, "PDF has no pages")
        yield pdf
    finally:
        pdf.close()


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pdf_info(path: Path | str, pdf: pdfplumber.PDF) -> PdfInfo:
    """What is known of an opened PDF before extraction."""
    path = Path(path)
    return PdfInfo(source_file=path.name, sha256=file_sha256(path), pages=len(pdf.pages))
