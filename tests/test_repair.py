"""Files every PDF reader opens are opened: bytes after %%EOF, a broken cross-reference table.
What no reader can use is still refused; a page pdfminer cannot see is never silently lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gbdocs import extract
from gbdocs.extractors import PdfError, open_pdf, pdf_info
from harness import SAMPLES_DIR, compare, extract_sample, gbdocs_here, load_expected

GOOD = SAMPLES_DIR / "A77_28.en.pdf"


def _trailing_bytes(path: Path) -> Path:
    path.write_bytes(GOOD.read_bytes() + b"\r\n" + b"X-Mailer-Footer: scanned by gateway\n" * 200)
    return path


def _zeroed_startxref(path: Path) -> Path:
    data = GOOD.read_bytes()
    at = data.rindex(b"startxref")
    end = data.index(b"%%EOF", at)
    path.write_bytes(data[:at] + b"startxref\n0\n" + data[end:])
    return path


def _shifted_xref_entries(path: Path) -> Path:
    """Every offset of the cross-reference table off by 7 bytes (a tool that rewrote the file)."""
    data = GOOD.read_bytes()
    return _write(path, re.sub(rb"(?m)^(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (int(m.group(1)) + 7,
                                                                                     m.group(2)), data))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("damage", [_trailing_bytes, _zeroed_startxref, _shifted_xref_entries])
def test_a_file_readers_repair_extracts_exactly_and_says_it_was_repaired(tmp_path: Path, damage) -> None:
    path = damage(tmp_path / "damaged.pdf")
    result = extract(path, validate=False)
    assert result.repaired, "the repair must be reported"
    report = compare(load_expected("A77_28.en"), result.tables())
    # identical to the good file's extraction but for the file's own name and checksum
    diffs = [d for t in report.tables.values() for d in t.diffs if d.column not in ("source_file", "sha256")]
    assert report.tables["paragraphs"].ok and report.tables["actions"].ok and not diffs, report.format()
    assert not any(t.missing or t.extra for t in report.tables.values())


def test_the_repair_is_named_on_the_command_line(tmp_path: Path) -> None:
    path = _trailing_bytes(tmp_path / "mail.pdf")
    run = gbdocs_here("extract", path, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert f"gbdocs: note: {path}: file repaired to be read: bytes after the %%EOF end-of-file marker ignored" \
        in run.stderr


def test_a_truncated_file_is_still_refused(tmp_path: Path) -> None:
    data = GOOD.read_bytes()
    path = _write(tmp_path / "cut.pdf", data[: int(len(data) * 0.6)])
    with pytest.raises(PdfError, match="truncated PDF"):
        extract(path, validate=False)


def test_a_page_pdfminer_cannot_see_is_refused_not_lost(tmp_path: Path) -> None:
    data = GOOD.read_bytes()
    m = re.search(rb"/Type\s*/Page(?=[^s])", data)
    assert m is not None
    path = _write(tmp_path / "flipped.pdf", data[: m.end() - 1] + b"\xe5" + data[m.end():])
    with pytest.raises(PdfError, match=r"damaged PDF: 1 of its 10 pages cannot be read"):
        extract(path, validate=False)


def test_an_undamaged_file_reports_no_repair() -> None:
    with open_pdf(GOOD) as pdf:
        assert pdf_info(GOOD, pdf).repaired == ""
    assert extract_sample("A77_28.en") is not None
