"""Files a user can give gbdocs that it must refuse, made from a good sample (shared by the
tests of inspect, extract and ingest)."""

from __future__ import annotations

import random
from pathlib import Path

import pdfplumber
from pypdf import PdfReader, PdfWriter

from fuzz_mutations import MUTATIONS, anatomy
from harness import SAMPLES_DIR

GOOD = SAMPLES_DIR / "EBPBAC25_3.zh.pdf"
SEED = GOOD  # of the files past the limits
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


def mutated(path: Path, kind: str, *answers: object) -> Path:
    """A fuzzing mutation of SEED with its random choices given: ``answers`` in the order the
    mutation makes them."""

    class Given(random.Random):
        def __init__(self) -> None:
            super().__init__(1)
            self.answers = list(answers)

        def choice(self, options):  # type: ignore[override]
            if self.answers:
                answer = self.answers.pop(0)
                assert answer in options, (answer, options)
                return answer
            return super().choice(options)

    path.write_bytes(MUTATIONS[kind](SEED.read_bytes(), Given(), anatomy(SEED)))
    return path


def content_of_page_1(path: Path, megabytes: int, unit: bytes) -> Path:
    return mutated(path, "long-content-stream", megabytes, unit, anatomy(SEED).contents[0])


def slow_page(path: Path) -> Path:
    """Page 1's content replaced by 5 MB of text operators: about half a minute of pdfminer."""
    return content_of_page_1(path, 5, b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n")


def heavy_page(path: Path) -> Path:
    """Page 1's content replaced by 5 MB of line segments: over a gigabyte in pdfplumber."""
    return content_of_page_1(path, 5, b"0 0 m 1 1 l S\n")
