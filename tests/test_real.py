"""Real United Nations documents (samples/real/, made by Word, Quartz, Sejda, a scanner's OCR):
ingested together as a user would, every one lands with the documents row checked by hand on
page 1, and what was exported passes `gbdocs validate` and Frictionless in the users' CI.

(``make real`` runs the same comparison on all 58, document by document: tests/real_check.py.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from real_check import FIELDS, expected_lines, text_of

from gbdocs.tableio import read_tables
from harness import ROOT, Ran, gbdocs_here

REAL = sorted((ROOT / "samples" / "real").glob("*.pdf"))


# One ingest for the module (make test runs a module on one worker: --dist loadfile).
@pytest.fixture(scope="session")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ran]:
    out = tmp_path_factory.mktemp("real") / "out"
    run = gbdocs_here("ingest", *REAL, "--out", out, "--quiet")
    return out, run


@pytest.fixture(scope="session")
def exported(ingested: tuple[Path, Ran]) -> dict[str, pd.DataFrame]:
    out, run = ingested
    assert run.returncode == 0, run.stderr
    return read_tables(out)


def test_the_committed_real_documents_are_a_subset_of_the_hand_checked_lines() -> None:
    assert len(REAL) >= 10
    assert {p.name for p in REAL} <= set(expected_lines())
    assert all(expected_lines()[p.name]["symbol"] for p in REAL)  # each is a document of its own


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_a_real_document_lands_with_its_hand_checked_documents_row(path: Path,
                                                                     exported: dict[str, pd.DataFrame]) -> None:
    documents = exported["documents"]
    mine = documents[documents.source_file == path.name]
    assert len(mine) == 1, f"{path.name} has no documents row in the export (refused or held back)"
    row, expected = mine.iloc[0], expected_lines()[path.name]
    assert [(f, expected[f], text_of(row[f])) for f in FIELDS if text_of(row[f]) != expected[f]] == []
    # every document has references or paragraphs
    assert sum(int((exported[t].doc_key == row.doc_key).sum()) for t in ("references", "paragraphs")) > 0


def test_what_ingest_exports_from_real_documents_revalidates_in_the_users_ci(
        ingested: tuple[Path, Ran]) -> None:
    """The exported folder passes `gbdocs validate` and Frictionless as it is: validation in
    gbdocs saw exactly what the CSVs hold (an empty text is empty in both)."""
    from frictionless import validate

    out, ingest = ingested
    assert ingest.returncode == 0, ingest.stderr
    check = gbdocs_here("validate", out, "--quiet")
    assert check.returncode == 0, check.stderr
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
