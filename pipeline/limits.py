"""Time and memory limits per document, for ``extract`` (CLI and API) and ``ingest`` alike.

A crafted or broken PDF can make a parser loop forever (an object that refers to itself) or
decode hundreds of megabytes of content stream. The work on one document therefore runs in a
child process (pebble) that is stopped when it passes its time limit and cannot grow past its
memory limit: the user's process — a notebook, a CI job — never dies with it. Both limits
scale with the document's page count unless set; the page count comes from PDFium, which
reads a page tree without parsing any page.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import resource
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from gbdocs.extractors.pdf import ErrorKind, InternalError, PdfError, pdfium_page_count

T = TypeVar("T")

BASE_SECONDS = 60.0  # start-up, validation and a few pages
SECONDS_PER_PAGE = 2.0  # the slowest real pages (dense tables, 125-page budget sections) take < 1 s
BASE_MEMORY_MB = 1536  # what one document may add to the process, whatever its length
MEMORY_MB_PER_PAGE = 16
BYTES_PER_PAGE_ESTIMATE = 50_000  # when PDFium cannot count the pages: a typical text page


@dataclass(frozen=True)
class Limits:
    """Per-document limits. None: scaled by page count (the default); 0: no limit."""

    seconds: float | None = None
    memory_mb: int | None = None

    @property
    def enabled(self) -> bool:
        return self.seconds != 0 or self.memory_mb != 0

    def resolve(self, pages: int) -> tuple[float | None, int | None]:
        """(seconds, memory MB) for a document of ``pages`` pages; None where there is no limit."""
        pages = max(1, pages)
        seconds = BASE_SECONDS + SECONDS_PER_PAGE * pages if self.seconds is None else self.seconds
        memory = BASE_MEMORY_MB + MEMORY_MB_PER_PAGE * pages if self.memory_mb is None else self.memory_mb
        return (seconds or None), (memory or None)

    def for_file(self, path: Path | str) -> tuple[float | None, int | None]:
        return self.resolve(page_count(path))


SCALED = Limits()  # the default: both limits scaled by page count
NO_LIMITS = Limits(seconds=0, memory_mb=0)


def page_count(path: Path | str) -> int:
    """Pages the file declares (PDFium); estimated from the file size when PDFium cannot read
    it (the parsers may still)."""
    counted = pdfium_page_count(path)
    if counted is not None:
        return counted
    try:
        return max(1, Path(path).stat().st_size // BYTES_PER_PAGE_ESTIMATE)
    except OSError:
        return 1


def _address_space_mb() -> float | None:
    """This process's virtual memory size (Linux /proc), the base of its memory limit."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


@contextlib.contextmanager
def memory_cap(budget_mb: int | None) -> Iterator[None]:
    """Let this process grow by at most ``budget_mb`` while in the block (an address-space
    limit: past it, allocations fail with MemoryError instead of the machine swapping or the
    kernel killing something else). The limit is lifted on the way out, so the result can
    still be sent back and the worker take its next document. Where the size cannot be read
    (not Linux), no limit is set."""
    current = _address_space_mb() if budget_mb else None
    if current is None:
        yield
        return
    before = resource.getrlimit(resource.RLIMIT_AS)
    soft = int((current + (budget_mb or 0)) * 1024 * 1024)
    if before[1] != resource.RLIM_INFINITY:
        soft = min(soft, before[1])
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (soft, before[1]))
    _mark(CAP_SET)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, before)
        _mark(CAP_LIFTED)


# In a limited pool's child, whose stderr is a file the parent reads when the child dies, the
# cap is marked on it as it is set and lifted: an interpreter that cannot allocate any more may
# die without a word (exit status 1, or an abort), and dying under the cap is the file's size,
# not a bug of ours.
CAP_SET, CAP_LIFTED = "gbdocs: memory cap set\n", "gbdocs: memory cap lifted\n"
_marking = False


def _mark(line: str) -> None:
    if _marking:
        with contextlib.suppress(OSError):
            os.write(2, line.encode())  # no allocation to speak of: it must get through at the limit


def too_slow(path: Path | str, seconds: float) -> PdfError:
    return PdfError(path, f"too slow: not done within the time limit of {seconds:g} s "
                          "(--timeout to change it)", ErrorKind.TOO_SLOW)


def too_large(path: Path | str, memory_mb: int | None) -> PdfError:
    limit = f"the memory limit of {memory_mb} MB" if memory_mb else "the memory available"
    return PdfError(path, f"too large: reading it needs more than {limit} "
                          "(--max-memory to change it)", ErrorKind.TOO_LARGE)


def _limited_call(fn: Callable[..., T], args: tuple[Any, ...], memory_mb: int | None) -> T | MemoryError:
    try:
        with memory_cap(memory_mb):
            return fn(*args)
    except MemoryError as exc:
        return MemoryError(str(exc))  # without its traceback's frames; the parent says what it means


def _died_at_the_cap(said: str, exitcode: int | None) -> bool:
    """Whether a dead child's stderr and exit status say it ran out of memory under its cap."""
    if exitcode in (-9, 137) or any(w in said for w in MEMORY_WORDS):  # OOM killer, or malloc failed
        return True
    capped = said.rfind(CAP_SET) > said.rfind(CAP_LIFTED)
    # a crash in C code (SIGSEGV, SIGBUS) stays a bug of ours even at the cap
    return capped and exitcode in (1, -6, 134)


def _context() -> Any:
    # fork where there is one: the child starts with everything already imported (spaCy, GX)
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _redirect_stderr(folder: str) -> None:
    """In a child: its stderr to a file the parent reads if the child dies. What a dying
    interpreter prints (a 200-line "Fatal Python error" dump past the memory limit) is for
    the diagnosis, not the user's terminal."""
    global _marking
    _marking = True
    fd = os.open(os.path.join(folder, f"{os.getpid()}.err"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    # and Python's own stderr, which a host (pytest, Jupyter) may have pointed elsewhere
    # line-buffered: a dying child exits with os._exit, which flushes nothing
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    if faulthandler.is_enabled():  # a host's fault handler writes to its own copy of the old stderr
        faulthandler.enable(file=sys.stderr)


MEMORY_WORDS = ("MemoryError", "Cannot allocate memory", "bad_alloc", "out of memory")


class LimitedPool:
    """Worker processes that each run one document at a time under its limits; what a worker
    that dies or hangs leaves is turned into the document's error (``failure``)."""

    def __init__(self, workers: int) -> None:
        from pebble import ProcessPool

        self._stderr = tempfile.TemporaryDirectory(prefix="gbdocs-")
        self._pool = ProcessPool(max_workers=workers, context=_context(), initializer=_redirect_stderr,
                                 initargs=(self._stderr.name,))

    def __enter__(self) -> LimitedPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.close()
        self._pool.join()
        self._stderr.cleanup()

    def schedule(self, fn: Callable[..., Any], args: tuple[Any, ...], seconds: float | None) -> Any:
        return self._pool.schedule(fn, args=args, timeout=seconds)

    def failure(self, exc: BaseException, path: Path | str, seconds: float | None,
                memory_mb: int | None) -> PdfError | InternalError:
        """The error of a document whose worker timed out or died (``exc`` from its future)."""
        from concurrent.futures import TimeoutError as FutureTimeout

        from pebble import ProcessExpired

        if isinstance(exc, FutureTimeout):
            return too_slow(path, seconds or 0)
        if isinstance(exc, ProcessExpired):
            said = ""
            with contextlib.suppress(OSError):
                said = Path(self._stderr.name, f"{exc.pid}.err").read_text(encoding="utf-8", errors="replace")
            if _died_at_the_cap(said, exc.exitcode):
                return too_large(path, memory_mb)
            died = f"the process reading the file died ({exc}, exit code {exc.exitcode})"
            error = InternalError(path, RuntimeError(died))
            said = said.replace(CAP_SET, "").replace(CAP_LIFTED, "")
            error.traceback = said[-20_000:] or error.traceback
            return error
        return exc if isinstance(exc, PdfError | InternalError) else InternalError(path, exc)


def run_limited(fn: Callable[..., T], args: tuple[Any, ...], path: Path | str, limits: Limits,
                start_up_mb: int = 0, start_up_seconds: float = 0.0) -> T:
    """``fn(*args)`` for the document ``path`` in a child process held to ``limits``;
    ``start_up_mb`` and ``start_up_seconds``: what the child may take beyond the document's
    limits for loading what its parent has not (the messages name the document's limits).

    Raises PdfError (kind too-slow or too-large) past a limit, and re-raises what ``fn``
    raised (PdfError, InternalError: both cross the process boundary intact).
    """
    if not limits.enabled:
        return fn(*args)
    seconds, memory_mb = limits.for_file(path)
    with LimitedPool(1) as pool:
        cap = memory_mb + start_up_mb if memory_mb else None
        future = pool.schedule(_limited_call, (fn, args, cap), seconds + start_up_seconds if seconds else None)
        try:
            result = future.result()
        except (PdfError, InternalError):
            raise
        except Exception as exc:
            raise pool.failure(exc, path, seconds, memory_mb) from None
    if isinstance(result, MemoryError):
        raise too_large(path, memory_mb)
    return result
