from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from harness import EXPECTED_STEMS, SAMPLE_STEMS, SAMPLES_DIR, load_expected


def pytest_configure(config: pytest.Config) -> None:
    # The commands under test log the libraries' warnings: into a folder of the test run, not
    # into the state folder of whoever runs the tests (a test that reads the log sets its own).
    os.environ.setdefault("GBDOCS_LOG", str(Path(tempfile.mkdtemp(prefix="gbdocs-test-log-")) / "gbdocs.log"))


@pytest.fixture(scope="session")
def expected() -> dict[str, dict[str, pd.DataFrame]]:
    """Expected tables of every sample: expected[stem][table]."""
    return {stem: load_expected(stem) for stem in EXPECTED_STEMS}


@pytest.fixture(scope="session")
def sample_pdf() -> dict[str, Path]:
    return {stem: SAMPLES_DIR / f"{stem}.pdf" for stem in SAMPLE_STEMS}


# The longest modules start first: on two workers, a long module that starts last (the fuzz
# subset, ~3 min) would leave the other worker idle at the end of the run.
LONGEST_FIRST = ("test_fuzz.py", "test_corpus.py", "test_real.py", "test_ingest.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within a module is kept
