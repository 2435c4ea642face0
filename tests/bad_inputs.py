"""Files a user can give gbdocs that it must refuse, made from a good sample (shared by the
tests of inspect, extract and ingest)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from pypdf import PdfReader, PdfWriter

from harness import SAMPLES_DIR

GOOD = SAMPLES_DIR / "EBPBAC25_3.zh.pdf"
PASSWORD = "s3cret"


def encrypted(path: Path, password: str = PASSWORD) -> Path:
    writer = PdfWriter(clone_from=PdfReader(GOOD))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    with path.open("wb") as f:
        writer.write(f)
    return path


def image_only(path: Path) -> Path:
    with pdfplumber.open(GOOD) as pdf:
        pdf.pages[0].to_image(resolution=40).original.convert("RGB").save(path, "PDF")
    return path


def not_a_governing_body_document(path: Path) -> Path:
    """The last page alone: body text, no header block, hence no document symbol."""
    writer = PdfWriter(clone_from=PdfReader(GOOD))
    while len(writer.pages) > 1:
        writer.remove_page(0)
    with path.open("wb") as f:
        writer.write(f)
    return path


def make_bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    """kind -> (file, words its error line must contain)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.pdf").write_text("minutes of the meeting\n", encoding="utf-8")
    data = GOOD.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    return {
        "empty": (folder / "empty.pdf", "empty file"),
        "not a pdf": (folder / "notes.pdf", "not a PDF"),
        "truncated": (folder / "truncated.pdf", "truncated PDF"),
        "encrypted": (encrypted(folder / "locked.pdf"), "encrypted PDF: give its password with --password"),
        "scan": (image_only(folder / "scan.pdf"), "no text layer"),
        "not a governing-body document": (not_a_governing_body_document(folder / "page5.pdf"),
                                          "not a governing-body document"),
    }
