"""Opening a PDF safely: every way a user's file can be unreadable becomes a PdfError that
names the file and the reason in words, never a parser traceback."""

from __future__ import annotations

import hashlib
import io
import logging
import traceback
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect, PDFXRefFallback
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

# pdfminer logs what it tolerates in a font ("Could not get FontBBox ...") on the root logger's
# stderr: a user's terminal or CI log is no place for it.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

HEADER_WINDOW = 1024  # the PDF spec lets %PDF- appear within the first 1024 bytes


class PdfError(Exception):
    """A PDF that cannot be read, with the reason in words a user understands."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class InternalError(Exception):
    """A bug in gbdocs met on a file the PDF libraries read: said as ours, never as damage to
    the file. ``traceback`` keeps the original for ``--debug`` and bug reports."""

    def __init__(self, path: Path | str, cause: BaseException, page: int | None = None) -> None:
        where = f" on page {page}" if page else ""
        self.path = str(path)
        self.page = page
        self.reason = (f"internal error in gbdocs{where} ({cause.__class__.__name__}: {cause}); this is a bug "
                       "in gbdocs, not a fault of the file: please report it with the file "
                       "(run with --debug for the traceback)")
        self.traceback = "".join(traceback.format_exception(cause))
        super().__init__(f"{path}: {self.reason}")


@dataclass(frozen=True)
class PdfInfo:
    """What is known of a PDF file before any extraction."""

    source_file: str  # file name, without directories
    sha256: str
    pages: int
    repaired: str = ""  # what had to be repaired to read the file ("" when nothing)


TRAILER_WINDOW = 2048  # %%EOF ends the file, give or take trailing whitespace or comments

# What open_pdf repaired, per open PDF (read by pdf_info for the report).
_REPAIRS: weakref.WeakKeyDictionary[pdfplumber.PDF, str] = weakref.WeakKeyDictionary()


def _check_file(path: Path) -> list[str]:
    """Refuse what is not a PDF at all; return what is odd but readable (bytes after %%EOF)."""
    if not path.exists():
        raise PdfError(path, "no such file")
    if path.is_dir():
        raise PdfError(path, "is a directory, not a PDF file")
    size = path.stat().st_size
    if not size:
        raise PdfError(path, "empty file")
    with path.open("rb") as f:  # usually only the two ends: the file itself is read by pdfplumber
        head = f.read(HEADER_WINDOW)
        f.seek(max(0, size - TRAILER_WINDOW))
        tail = f.read()
        if b"%PDF-" not in head:
            raise PdfError(path, "not a PDF (no %PDF- header)")
        if b"%%EOF" in tail:
            return []
        # Download managers and mail gateways append bytes after the end of file: every reader
        # ignores them. No %%EOF anywhere is a truncated file, which pdfminer would "recover"
        # with missing pages: a partial document must not pass as a whole one.
        f.seek(0)
        if b"%%EOF" not in f.read():
            raise PdfError(path, "truncated PDF (no %%EOF trailer at the end of the file)")
    return ["bytes after the %%EOF end-of-file marker ignored"]


def _pdfium(source: Path, password: str | None, copy: bool) -> tuple[int, bytes] | None:
    """PDFium's page count (and, with ``copy``, a rewritten copy of the file). PDFium rebuilds a
    damaged cross-reference table the way PDF viewers do; None when it cannot read the file."""
    import pypdfium2 as pdfium  # installed with pdfplumber

    try:
        doc = pdfium.PdfDocument(source, password=password or None)
    except Exception:  # PDFium's own "cannot read" (PdfiumError) and its kin
        return None
    try:
        if not copy:
            return len(doc), b""
        buffer = io.BytesIO()
        doc.save(buffer)
        return len(doc), buffer.getvalue()
    except Exception:
        return None
    finally:
        doc.close()


def _open_plumber(source: Path | io.BytesIO, password: str | None) -> tuple[pdfplumber.PDF, int]:
    """pdfplumber's PDF and its page count; pdfminer's errors unwrapped."""
    try:
        pdf = pdfplumber.open(source, password=password or "")
    except PdfminerException as wrapped:
        # pdfplumber wraps pdfminer's errors; the original says what went wrong.
        inner = wrapped.args[0] if wrapped.args and isinstance(wrapped.args[0], Exception) else None
        raise (inner or wrapped) from None
    try:
        return pdf, len(pdf.pages)
    except BaseException:
        _close(pdf)
        raise


def _close(pdf: pdfplumber.PDF) -> None:
    # pdfplumber's close() may parse pages again and raise on a damaged file; closing must
    # never replace the error being reported.
    with suppress(Exception):
        pdf.close()


def _xref_repaired(pdf: pdfplumber.PDF) -> bool:
    return any(isinstance(x, PDFXRefFallback) for x in pdf.doc.xrefs)


@contextmanager
def open_pdf(path: Path | str, password: str | None = None) -> Iterator[pdfplumber.PDF]:
    """Open a PDF with pdfplumber, turning every failure into a PdfError.

    A damaged file that PDF readers repair (a broken cross-reference table, pages pdfminer
    does not see) is read from PDFium's rewritten copy; ``pdf_info`` says what was repaired.
    """
    path = Path(path)
    notes = _check_file(path)
    pdf: pdfplumber.PDF | None = None
    problem: str | None = None
    try:
        pdf, n_pages = _open_plumber(path, password)
        if _xref_repaired(pdf):
            notes.append("damaged cross-reference table rebuilt by pdfminer")
        # pdfminer can skip a page whose dictionary is damaged; a viewer would show it.
        seen = _pdfium(path, password, copy=False)
        if seen and seen[0] > n_pages and (fixed := _pdfium(path, password, copy=True)):
            _close(pdf)
            notes.append(f"read from a copy repaired by PDFium ({fixed[0]} pages; {n_pages} without repair)")
            pdf, n_pages = _open_plumber(io.BytesIO(fixed[1]), password)
        if seen and seen[0] > n_pages:  # a page is lost either way: never pass part of a document as whole
            _close(pdf)
            raise PdfError(path, f"damaged PDF: {seen[0] - n_pages} of its {seen[0]} pages cannot be read")
    except PDFPasswordIncorrect:
        reason = "wrong password" if password else "encrypted PDF: give its password with --password"
        raise PdfError(path, reason) from None
    except PDFEncryptionError as exc:
        raise PdfError(path, f"encrypted with an unsupported method ({exc})") from None
    except PdfError:
        raise
    except (PDFSyntaxError, PSException) as exc:
        problem = f"damaged PDF ({exc.__class__.__name__}: {exc})"
    except RecursionError:
        problem = "damaged PDF (its objects refer to themselves)"
    except Exception as exc:  # pdfminer raises plain exceptions on many malformed files
        problem = f"unreadable PDF ({exc.__class__.__name__}: {exc})"
    if problem is not None:
        # What pdfminer cannot parse, PDFium may repair (as viewers do); otherwise it is damaged.
        fixed = _pdfium(path, password, copy=True)
        if not fixed or fixed[0] == 0:
            raise PdfError(path, problem)
        try:
            pdf, n_pages = _open_plumber(io.BytesIO(fixed[1]), password)
        except Exception:
            raise PdfError(path, problem) from None
        notes.append("unreadable as it was; read from a copy rebuilt by PDFium")
    assert pdf is not None
    try:
        if n_pages == 0:
            raise PdfError(path, "PDF has no pages")
        if notes:
            _REPAIRS[pdf] = "; ".join(notes)
        yield pdf
    finally:
        _close(pdf)


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pdf_info(path: Path | str, pdf: pdfplumber.PDF) -> PdfInfo:
    """What is known of an opened PDF before extraction."""
    path = Path(path)
    return PdfInfo(source_file=path.name, sha256=file_sha256(path), pages=len(pdf.pages),
                   repaired=_REPAIRS.get(pdf, ""))
