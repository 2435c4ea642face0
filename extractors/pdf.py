"""Opening a PDF safely: every way a user's file can be unreadable becomes a PdfError that
names the file and the reason in words, never a parser traceback."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import traceback
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect, PDFXRefFallback
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

# pdfminer logs what it tolerates in a font ("Could not get FontBBox ...") on the root logger's
# stderr: a user's terminal or CI log is no place for it.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

HEADER_WINDOW = 1024  # the PDF spec lets %PDF- appear within the first 1024 bytes
MAX_PAGE_CONTENT_MB = 16  # decoded content of one page: 5 MB already takes pdfplumber half a minute and 1 GB


def _guard_reference_loops() -> None:
    """pdfminer follows a chain of indirect references until it reaches an object, so an
    object defined as a reference to itself (``7 0 obj 7 0 R endobj``, one byte of an
    editor's incremental update) makes it loop forever. Chains are resolved here once, and
    one that comes back to an object already on it is damage (PDFSyntaxError), as in
    PDF readers."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdftypes import PDFObjRef

    if getattr(PDFDocument.getobj, "_gbdocs_guarded", False):
        return
    getobj = PDFDocument.getobj

    def guarded(self: PDFDocument, objid: int) -> object:
        obj = getobj(self, objid)
        seen = {objid}
        while isinstance(obj, PDFObjRef) and obj.objid is not None:
            if obj.objid in seen:
                raise PDFSyntaxError(f"object {objid} is a reference to itself (a loop of {len(seen)})")
            seen.add(obj.objid)
            obj = getobj(self, obj.objid)
        return obj

    guarded._gbdocs_guarded = True  # type: ignore[attr-defined]
    PDFDocument.getobj = guarded  # type: ignore[method-assign]


_guard_reference_loops()


class ErrorKind(StrEnum):
    """Why a file gave no tables: the few kinds every failure is reported as (README, "Errors")."""

    MISSING = "missing"  # no such file, or a directory
    NOT_PDF = "not-pdf"
    EMPTY = "empty"
    TRUNCATED = "truncated"
    ENCRYPTED = "encrypted"
    DAMAGED = "damaged"  # damaged beyond what PDF readers repair
    NO_TEXT = "no-text"  # no text layer (an image-only scan)
    NOT_DOCUMENT = "not-document"  # readable, but not a governing-body document
    TOO_SLOW = "too-slow"  # past the time limit for its size
    TOO_LARGE = "too-large"  # past the memory limit for its size
    INTERNAL = "internal"  # a bug in gbdocs (InternalError), never the file's fault


MAX_DETAIL = 120  # characters of a parser's own message quoted in a reason


def detail(exc: BaseException) -> str:
    """A parser's exception in a few words: its class and the start of its message (pdfminer
    quotes whole PDF objects, hundreds of characters of them)."""
    text = " ".join(str(exc).split())
    if len(text) > MAX_DETAIL:
        text = text[: MAX_DETAIL - 1] + "…"
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def out_of_memory(exc: BaseException) -> MemoryError:
    """What a failed allocation became: a MemoryError, or, from C code that lost it on the way
    (pdfminer's and zlib's extensions under an address-space limit), a SystemError "error
    return without exception set". Either is the limit reached, never damage to the file."""
    return exc if isinstance(exc, MemoryError) else MemoryError(str(exc))


def raise_failed_allocation(exc: BaseException) -> None:
    """Raise, as a MemoryError, the failed allocation inside ``exc`` if there is one: pdfplumber
    wraps what pdfminer raises, a MemoryError too (a page read under the memory limit), and a
    wrapped limit is no damage to the file."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, MemoryError | SystemError):
            raise out_of_memory(current) from exc
        todo += [a for a in current.args if isinstance(a, BaseException)]
        todo += [current.__cause__, current.__context__]


class PdfError(Exception):
    """A file gbdocs cannot take, with the reason in words a user understands and its ``kind``
    (an ErrorKind). The Python API raises it for every failure caused by the file."""

    def __init__(self, path: Path | str, reason: str, kind: ErrorKind = ErrorKind.DAMAGED) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
        self.kind = ErrorKind(kind)

    def __reduce__(self) -> tuple[type, tuple[str, str, ErrorKind]]:
        # crosses process boundaries (the limited child of extract, ingest workers)
        return (self.__class__, (self.path, self.reason, self.kind))


class InternalError(Exception):
    """A bug in gbdocs met on a file the PDF libraries read: said as ours, never as damage to
    the file. ``traceback`` keeps the original for ``--debug`` and bug reports."""

    def __init__(self, path: Path | str, cause: BaseException, page: int | None = None) -> None:
        where = f" on page {page}" if page else ""
        self.path = str(path)
        self.page = page
        self.kind = ErrorKind.INTERNAL
        self.reason = (f"internal error in gbdocs{where} ({detail(cause)}); this is a bug "
                       "in gbdocs, not a fault of the file: please report it with the file "
                       "(run with --debug for the traceback)")
        self.traceback = "".join(traceback.format_exception(cause))
        super().__init__(f"{path}: {self.reason}")

    @classmethod
    def restored(cls, path: str, reason: str, page: int | None, trace: str) -> InternalError:
        error = cls.__new__(cls)
        Exception.__init__(error, f"{path}: {reason}")
        error.path, error.reason, error.page, error.traceback = path, reason, page, trace
        error.kind = ErrorKind.INTERNAL
        return error

    def __reduce__(self) -> tuple[Any, tuple[str, str, int | None, str]]:
        return (InternalError.restored, (self.path, self.reason, self.page, self.traceback))


@dataclass(frozen=True)
class PdfInfo:
    """What is known of a PDF file before any extraction."""

    source_file: str  # file name, without directories
    sha256: str
    pages: int
    repaired: str = ""  # what had to be repaired to read the file ("" when nothing)
    stale_xref: int = 0  # cross-reference entries pointing at the wrong place (what was read may be wrong,
    # even from PDFium's repaired copy)

    def damage(self, path: Path | str, what: str) -> PdfError | None:
        """The true reason for ``what`` (no text, no symbol) in a file whose cross-reference
        table is stale: it was read from the wrong places."""
        if not self.stale_xref:
            return None
        return PdfError(path, f"damaged PDF: {self.stale_xref} entries of its cross-reference table point to the "
                              f"wrong place, and neither pdfminer nor PDFium could rebuild it ({what})")


TRAILER_WINDOW = 2048  # %%EOF ends the file, give or take trailing whitespace or comments

# What open_pdf repaired, per open PDF (read by pdf_info for the report).
_REPAIRS: weakref.WeakKeyDictionary[pdfplumber.PDF, str] = weakref.WeakKeyDictionary()
# Cross-reference entries that point at the wrong place (read by pdf_info).
_STALE: weakref.WeakKeyDictionary[pdfplumber.PDF, int] = weakref.WeakKeyDictionary()


def check_file(path: Path) -> list[str]:
    """Refuse what is not a PDF at all; return what is odd but readable (bytes after %%EOF).
    Reads the two ends of the file only: cheap enough to run before anything is loaded."""
    if not path.exists():
        raise PdfError(path, "no such file", ErrorKind.MISSING)
    if path.is_dir():
        raise PdfError(path, "is a directory, not a PDF file", ErrorKind.MISSING)
    size = path.stat().st_size
    if not size:
        raise PdfError(path, "empty file", ErrorKind.EMPTY)
    with path.open("rb") as f:  # usually only the two ends: the file itself is read by pdfplumber
        head = f.read(HEADER_WINDOW)
        f.seek(max(0, size - TRAILER_WINDOW))
        tail = f.read()
        if b"%PDF-" not in head:
            raise PdfError(path, "not a PDF (no %PDF- header)", ErrorKind.NOT_PDF)
        if b"%%EOF" in tail:
            return []
        # Download managers and mail gateways append bytes after the end of file: every reader
        # ignores them. No %%EOF anywhere is a truncated file, which pdfminer would "recover"
        # with missing pages: a partial document must not pass as a whole one.
        f.seek(0)
        if b"%%EOF" not in f.read():
            raise PdfError(path, "truncated PDF (no %%EOF end-of-file marker anywhere)", ErrorKind.TRUNCATED)
    return ["bytes after the %%EOF end-of-file marker ignored"]


def _pdfium(source: Path, password: str | None, copy: bool) -> tuple[int, bytes] | None:
    """PDFium's page count (and, with ``copy``, a rewritten copy of the file). PDFium rebuilds a
    damaged cross-reference table the way PDF viewers do; None when it cannot read the file."""
    import pypdfium2 as pdfium  # installed with pdfplumber

    try:
        doc = pdfium.PdfDocument(source, password=password or None)
    except Exception as exc:  # PDFium's own "cannot read" (PdfiumError) and its kin
        raise_failed_allocation(exc)  # the memory limit, not the file
        return None
    try:
        if not copy:
            return len(doc), b""
        buffer = io.BytesIO()
        doc.save(buffer)
        return len(doc), buffer.getvalue()
    except Exception as exc:
        raise_failed_allocation(exc)
        return None
    finally:
        doc.close()


def pdfium_page_count(path: Path | str, password: str | None = None) -> int | None:
    """Pages the file declares, as PDFium counts them (C, reading the page tree only); None
    when PDFium cannot open it."""
    try:
        seen = _pdfium(Path(path), password, copy=False)
    except MemoryError:  # a hint (limits scaled by pages) is no reason to fail
        return None
    return seen[0] if seen else None


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


def _stale_xref_entries(pdf: pdfplumber.PDF, data: bytes) -> int:
    """Entries of the cross-reference table that do not point at their object (``N G obj``):
    a file edited or damaged after its table was written. pdfminer would read whatever lies
    at the offset (an empty page, a wrong font) without complaint."""
    stale = 0
    for xref in pdf.doc.xrefs:
        if isinstance(xref, PDFXRefFallback):
            continue
        for objid in xref.get_objids():
            try:
                stream, pos, gen = xref.get_pos(objid)
            except Exception:
                stale += 1
                continue
            if stream is not None:
                continue  # inside an object stream: its own offsets
            head = data[pos: pos + 40]
            if not re.match(rb"\s*%d\s+%d\s+obj" % (objid, gen), head):
                stale += 1
    return stale


@contextmanager
def open_pdf(path: Path | str, password: str | None = None) -> Iterator[pdfplumber.PDF]:
    """Open a PDF with pdfplumber, turning every failure into a PdfError.

    A damaged file that PDF readers repair (a broken cross-reference table, pages pdfminer
    does not see) is read from PDFium's rewritten copy; ``pdf_info`` says what was repaired.
    """
    path = Path(path)
    notes = check_file(path)
    pdf: pdfplumber.PDF | None = None
    problem: str | None = None
    stale = 0
    try:
        pdf, n_pages = _open_plumber(path, password)
        stale = 0 if _xref_repaired(pdf) else _stale_xref_entries(pdf, path.read_bytes())
        if stale and (fixed := _pdfium(path, password, copy=True)) and fixed[0] >= n_pages:
            # PDFium checks each object where the table points and looks for it when it is not
            # there, as viewers do; its rewritten copy has a table that is right
            _close(pdf)
            pdf, n_pages = _open_plumber(io.BytesIO(fixed[1]), password)
            notes.append(f"read from a copy repaired by PDFium ({stale} entries of the cross-reference table "
                         "pointed to the wrong place)")
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
        raise PdfError(path, reason, ErrorKind.ENCRYPTED) from None
    except PDFEncryptionError as exc:
        raise PdfError(path, f"encrypted with an unsupported method ({detail(exc)})", ErrorKind.ENCRYPTED) from None
    except PdfError:
        raise
    except (PDFSyntaxError, PSException) as exc:
        problem = f"damaged PDF ({detail(exc)})"
    except RecursionError:
        problem = "damaged PDF (its objects refer to themselves)"
    except Exception as exc:  # pdfminer raises plain exceptions on many malformed files
        raise_failed_allocation(exc)
        problem = f"damaged PDF ({detail(exc)})"
    if problem is not None:
        # What pdfminer cannot parse, PDFium may repair (as viewers do); otherwise it is damaged.
        fixed = _pdfium(path, password, copy=True)
        if not fixed or fixed[0] == 0:
            raise PdfError(path, problem)
        try:
            pdf, n_pages = _open_plumber(io.BytesIO(fixed[1]), password)
        except Exception as exc:
            raise_failed_allocation(exc)
            raise PdfError(path, problem) from None
        notes.append("unreadable as it was; read from a copy rebuilt by PDFium")
    assert pdf is not None
    try:
        if n_pages == 0:
            raise PdfError(path, "PDF has no pages")
        if notes:
            _REPAIRS[pdf] = "; ".join(notes)
        if stale:
            _STALE[pdf] = stale
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
                   repaired=_REPAIRS.get(pdf, ""), stale_xref=_STALE.get(pdf, 0))
