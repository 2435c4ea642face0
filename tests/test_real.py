"""Real United Nations documents (samples/real/, made by Word, Quartz, Sejda, a scanner's OCR):
every one extracts, its documents row equals the line checked by hand on page 1, and a
bug of ours is never reported as a damaged file."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_check import check, expected_lines

from harness import ROOT

REAL = sorted((ROOT / "samples" / "real").glob("*.pdf"))


def test_the_committed_real_documents_are_a_subset_of_the_hand_checked_lines() -> None:
    assert len(REAL) >= 10
    assert {p.name for p in REAL} <= set(expected_lines())


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_a_real_document_extracts_with_its_hand_checked_documents_row(path: Path) -> None:
    outcome = check(path, expected_lines()[path.name])
    assert outcome.refused is None, outcome.refused
    assert outcome.diffs == []
    # the documents row itself is never held back, and every document has references or paragraphs
    assert "documents" not in outcome.held_back
    assert outcome.rows["references"] + outcome.rows["paragraphs"] > 0


def test_what_ingest_exports_from_real_documents_revalidates_in_the_users_ci(tmp_path: Path) -> None:
    """The exported folder passes `gbdocs validate` and Frictionless as it is: validation in
    gbdocs saw exactly what the CSVs hold (an empty text is empty in both)."""
    import subprocess
    import sys

    from frictionless import validate

    out = tmp_path / "out"
    ingest = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", *map(str, REAL), "--out", str(out),
                             "--quiet"], capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, ingest.stderr
    check = subprocess.run([sys.executable, "-m", "pipeline.cli", "validate", str(out), "--quiet"],
                           capture_output=True, text=True, timeout=600)
    assert check.returncode == 0, check.stderr
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
