"""One error model and limits everywhere: every failure a file causes is a PdfError of one of
the documented kinds; a document past its time or memory limit fails alone, the caller's
process (a notebook, a CI job, the CLI) goes on."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from bad_inputs import SEED, content_of_page_1, heavy_page, make_bad_inputs, mutated, slow_page
from fuzz_mutations import anatomy
from gbdocs import extract
from gbdocs.extractors import ErrorKind, InternalError, PdfError
from gbdocs.limits import Limits
from harness import gbdocs_here


def test_every_bad_input_is_a_pdf_error_of_its_documented_kind(tmp_path: Path) -> None:
    kinds = {"empty": ErrorKind.EMPTY, "not a pdf": ErrorKind.NOT_PDF, "truncated": ErrorKind.TRUNCATED,
             "encrypted": ErrorKind.ENCRYPTED, "scan": ErrorKind.NO_TEXT,
             "not a governing-body document": ErrorKind.NOT_DOCUMENT}
    inputs = make_bad_inputs(tmp_path)
    assert set(inputs) == set(kinds)
    for name, (path, _) in inputs.items():
        with pytest.raises(PdfError) as caught:
            extract(path)
        assert caught.value.kind == kinds[name], (name, caught.value.reason)
    with pytest.raises(PdfError) as caught:
        extract(tmp_path / "nowhere.pdf")
    assert caught.value.kind == ErrorKind.MISSING


def test_past_the_time_limit_the_document_fails_and_the_caller_goes_on(tmp_path: Path) -> None:
    slow = slow_page(tmp_path / "slow.pdf")
    with pytest.raises(PdfError) as caught:
        extract(slow, limits=Limits(seconds=2))
    assert caught.value.kind == ErrorKind.TOO_SLOW
    assert caught.value.reason.startswith("too slow: not done within the time limit of 2 s")
    assert extract(SEED).doc_key == "EBPBAC25/3:zh"  # this process is unharmed


def test_past_the_memory_limit_the_document_fails_and_the_caller_goes_on(tmp_path: Path) -> None:
    from gbdocs.extraction import warm_up

    warm_up()  # a cold child may add 512 MB for the models it loads: here the 50 MB are the page's
    heavy = heavy_page(tmp_path / "heavy.pdf")
    with pytest.raises(PdfError) as caught:
        extract(heavy, limits=Limits(seconds=1800, memory_mb=50))  # the memory, not the clock, on a busy machine
    assert caught.value.kind == ErrorKind.TOO_LARGE
    assert "memory limit of 50 MB" in caught.value.reason
    assert extract(SEED).doc_key == "EBPBAC25/3:zh"


def _dies(how: str) -> None:  # in the limited child
    import os
    import signal

    if how == "silently":
        os._exit(1)  # what an interpreter that cannot allocate any more may do, without a word
    os.kill(os.getpid(), signal.SIGSEGV)


@pytest.mark.parametrize(("how", "memory_mb", "kind"), [
    ("silently", 500, ErrorKind.TOO_LARGE),  # under its memory cap: the file's size
    ("silently", 0, ErrorKind.INTERNAL),  # no cap: nothing but a bug of ours kills it
    ("segfault", 500, ErrorKind.INTERNAL),  # a crash in C code is a bug even at the cap
])
def test_a_child_that_dies_is_too_large_only_when_it_died_under_its_memory_cap(
        how: str, memory_mb: int, kind: ErrorKind) -> None:
    from gbdocs.limits import run_limited

    with pytest.raises((PdfError, InternalError)) as caught:
        run_limited(_dies, (how,), SEED, Limits(seconds=60, memory_mb=memory_mb))
    assert caught.value.kind == kind, caught.value.reason
    if kind == ErrorKind.INTERNAL:  # the markers of the cap are gbdocs' own, not the diagnosis
        assert "memory cap" not in (caught.value.traceback or "")


def test_a_content_stream_that_decodes_to_gigabytes_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    bomb = content_of_page_1(tmp_path / "bomb.pdf", 200, b"q Q " * 8 + b"\n")
    with pytest.raises(PdfError) as caught:
        extract(bomb, limits=Limits(seconds=600))  # refused by what it is, not by the clock
    assert caught.value.kind == ErrorKind.TOO_LARGE
    assert "the content of page 1 decodes to more than 16 MB" in caught.value.reason


@pytest.mark.parametrize("target", ["root", "pages", "page", "contents"])
def test_an_object_that_refers_to_itself_is_damage_not_an_endless_loop(tmp_path: Path, target: str) -> None:
    a = anatomy(SEED)
    number = {"root": a.root, "pages": a.pages_root, "page": a.pages[1], "contents": a.contents[0]}[target]
    looped = mutated(tmp_path / "loop.pdf", "self-reference", a.pages[1], number)
    with pytest.raises(PdfError) as caught:
        extract(looped, limits=Limits(seconds=600))
    assert caught.value.kind == ErrorKind.DAMAGED
    assert f"object {number} is a reference to itself" in caught.value.reason


def test_errors_cross_process_boundaries_intact() -> None:
    error = pickle.loads(pickle.dumps(PdfError("a.pdf", "too slow: x", ErrorKind.TOO_SLOW)))
    assert (error.path, error.reason, error.kind, str(error)) == ("a.pdf", "too slow: x", ErrorKind.TOO_SLOW,
                                                                  "a.pdf: too slow: x")
    try:
        raise ValueError("boom")
    except ValueError as exc:
        internal = InternalError("b.pdf", exc, page=3)
    again = pickle.loads(pickle.dumps(internal))
    assert (again.path, again.page, again.reason, again.kind) == ("b.pdf", 3, internal.reason, ErrorKind.INTERNAL)
    assert "ValueError: boom" in again.traceback


def test_the_command_line_says_too_slow_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    slow = slow_page(tmp_path / "slow.pdf")
    run = gbdocs_here("extract", slow, "--out", tmp_path / "out", "--timeout", "2", "--json")
    assert json.loads(run.stdout)["kind"] == "too-slow"
    assert run.returncode == 1
    [line] = run.stderr.strip().splitlines()
    assert line == (f"gbdocs: error: {slow}: too slow: not done within the time limit of 2 s "
                    "(--timeout to change it)")
    assert not (tmp_path / "out").exists()


def test_the_memory_limit_reached_inside_pdfminer_is_too_large_not_damage(monkeypatch: pytest.MonkeyPatch) -> None:
    # pdfplumber wraps what pdfminer raises, a MemoryError under the limit too: found by the
    # ingest limits test when a page ran out in pdfminer's parser instead of in gbdocs' code
    from pdfplumber.utils.exceptions import PdfminerException

    import gbdocs.extractors.layout as layout

    real_read_page = layout.read_page

    def read_page(page: object, number: int, before: tuple = ()) -> object:
        if number == 2:
            raise PdfminerException(MemoryError())
        return real_read_page(page, number, before)

    monkeypatch.setattr(layout, "read_page", read_page)  # the limited child is forked with it
    with pytest.raises(PdfError) as caught:
        extract(SEED, limits=Limits(seconds=600, memory_mb=1024))
    assert caught.value.kind == ErrorKind.TOO_LARGE, caught.value.reason


def test_the_memory_limit_reached_inside_pdfium_is_too_large_not_damage(monkeypatch: pytest.MonkeyPatch) -> None:
    # PDFium (the page count beside pdfminer's, the repair of a damaged file) failing to
    # allocate under the limit was taken for "PDFium cannot read it" (found in review)
    import pypdfium2

    def no_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(pypdfium2, "PdfDocument", no_memory)  # the limited child is forked with it
    with pytest.raises(PdfError) as caught:
        extract(SEED, limits=Limits(seconds=600, memory_mb=1024))
    assert caught.value.kind == ErrorKind.TOO_LARGE, caught.value.reason
