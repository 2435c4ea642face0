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


ACTION_COLUMNS = ["doc_key", "symbol", "language", "action_id", "recommendation", "category", "category_key",
                  "action", "responsible", "priority", "due_date", "due_date_text", "stage", "stage_text", "status",
                  "expected_completion", "expected_completion_text", "source", "page_start", "page_end"]
STAGES = {"", "not_started", "in_progress", "implemented", "closure_requested", "cancelled", "not_accepted"}
HAND_CHECKED_ACTIONS = sorted((ROOT / "samples" / "real" / "expected").glob("*/actions.csv"))


@pytest.mark.parametrize("path", HAND_CHECKED_ACTIONS, ids=lambda p: p.parent.name)
def test_the_hand_checked_actions_keep_their_conventions(path: Path) -> None:
    """The ground truth of the generalised actions table (samples/real/expected/ACTIONS.md),
    written by hand from the PDFs: one header, one document, unique IDs, ISO dates beside the
    text they come from, stages from the vocabulary, pages inside the document."""
    import csv
    import datetime as dt

    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert reader.fieldnames == ACTION_COLUMNS and rows
    line = expected_lines()[f"{path.parent.name}.pdf"]
    symbol = line["symbol"]
    assert {(r["doc_key"], r["symbol"], r["language"]) for r in rows} == {(f"{symbol}:en", symbol, "en")}
    assert len({r["action_id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["action"] and r["source"] in ("table", "block", "list") and r["stage"] in STAGES, r
        assert 1 <= int(r["page_start"]) <= int(r["page_end"]) <= int(line["pages"]), r
        for column in ("due_date", "expected_completion"):
            if r[column]:
                assert dt.date.fromisoformat(r[column]) and r[f"{column}_text"], r
