from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from harness import EXPECTED_STEMS, SAMPLE_STEMS, SAMPLES_DIR, load_expected


@pytest.fixture(scope="session")
def expected() -> dict[str, dict[str, pd.DataFrame]]:
    """Expected tables of every sample: expected[stem][table]."""
    return {stem: load_expected(stem) for stem in EXPECTED_STEMS}


@pytest.fixture(scope="session")
def sample_pdf() -> dict[str, Path]:
    return {stem: SAMPLES_DIR / f"{stem}.pdf" for stem in SAMPLE_STEMS}
