"""The committed sample of the generated corpus (``samples/corpus/``, built by
``python samples/build_corpus.py --ci``): documents from four independent producers (Word via
LibreOffice, XeLaTeX, Chromium with paged media, Typst) in random layouts, each with expected
outputs taken from its source and paged by poppler — never by gbdocs.

The whole corpus (200+ documents) is checked by ``make corpus-check``. In CI this sample must
have nothing refused, nothing crashed, and per table at least the issue's bar (99.5 %, figures
98 %) — except where gbdocs does not reach it yet: there the floor is the level measured when
the sample was committed, so that nothing slips back (``FLOOR``; raise it as gbdocs improves)."""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache

import pytest

from corpus_check import BAR, DocResult, check_one, misses, validated
from harness import SAMPLES_DIR

CORPUS = SAMPLES_DIR / "corpus"
# Not yet at the bar on this sample (measured 99.37 %: CJK–Latin spacing in justified cells of
# Chromium renderings, and one row whose first line is taken for its header).
FLOOR = {**BAR, "actions": 0.993}
DOCS = list(csv.DictReader((CORPUS / "manifest.csv").open(encoding="utf-8")))


@cache
def results() -> tuple[DocResult, ...]:
    return tuple(validated([check_one(CORPUS, doc) for doc in DOCS]))


def test_the_sample_covers_every_producer_source_and_language() -> None:
    assert len(DOCS) >= 30
    producers = Counter(d["producer"] for d in DOCS)
    assert set(producers) == {"docx", "xelatex", "chromium", "typst"}, producers
    assert min(producers.values()) >= 6
    sources = {d["source"] for d in DOCS}
    assert {"A77_28.zh", "A77_28.en", "EBPBAC25_3.zh", "EBPBAC25_3.en", "EB156_27.zh", "EB156_27.en"} <= sources
    for doc in DOCS:
        assert (CORPUS / f"{doc['id']}.pdf").exists() and (CORPUS / doc["id"] / "expected" / "actions.csv").exists()


def test_no_generated_document_is_refused_or_crashes() -> None:
    bad = [f"{r.id}: {r.outcome}: {r.reason}" for r in results() if r.outcome in ("refused", "crashed")]
    assert not bad, "\n".join(bad)


def test_the_gate_holds_back_nothing_of_a_generated_document() -> None:
    # every generated document says what its source says: a held-back table is an extraction
    # error the gate caught or an expectation that is wrong about real documents
    held = [f"{r.id}: {', '.join(r.failed_expectations)}" for r in results() if r.outcome == "invalid"]
    assert not held, "\n".join(held)


@pytest.mark.parametrize("table", list(BAR))
def test_field_accuracy_on_the_generated_sample(table: str) -> None:
    equal = sum(r.report.tables[table].fields_equal for r in results() if r.report)
    total = sum(r.report.tables[table].fields_total for r in results() if r.report)
    assert total > 0
    assert equal / total >= FLOOR[table], (
        f"{table}: {equal}/{total} = {equal / total:.2%} < {FLOOR[table]:.1%}\n"
        + "\n".join(line for line in misses(list(results())).splitlines() if line.startswith(("===", table, "  ")))
        [:4000])


def test_the_expected_outputs_are_the_sources_not_the_extractors() -> None:
    # Every expected text field of a generated document is a sample's hand-written one.
    for doc in DOCS:
        for table in ("paragraphs", "actions", "figures"):
            generated = (CORPUS / doc["id"] / "expected" / f"{table}.csv").read_text(encoding="utf-8")
            written = (SAMPLES_DIR / "expected" / doc["source"] / f"{table}.csv").read_text(encoding="utf-8")
            assert len(generated.splitlines()) == len(written.splitlines()), (doc["id"], table)
