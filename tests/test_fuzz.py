"""The fuzzing harness's fixed seeded subset (``make fuzz`` runs 10,000 cases): damaged,
hostile and foreign files end as extracted tables or one clean error — never a crash, a hang,
a blow-up in memory or a traceback; bytes after %%EOF never change a table."""

from __future__ import annotations

from collections import Counter

import pytest

import fuzz
from fuzz_mutations import KINDS, mutate

CI_CASES = 150  # every kind on every seed file at least once (14 kinds, 10 seeds)
CI_SEED = 2026


def test_mutations_are_reproducible_from_their_seed() -> None:
    seed_file = fuzz.SEEDS[0]
    data = (fuzz.ROOT / seed_file).read_bytes()
    anatomy = fuzz._anatomy(seed_file)
    for kind in KINDS:
        first, again = mutate(kind, data, 7, anatomy), mutate(kind, data, 7, anatomy)
        assert first == again, kind
        assert first != data, f"{kind} left the file as it was"


def test_the_fixed_subset_ends_in_tables_or_one_clean_error() -> None:
    # 6 s: a seed takes 1-3 s; past it a case is a clean "too slow" (make fuzz gives 30 s)
    results = fuzz.run(CI_CASES, base_seed=CI_SEED, jobs=2, seconds=6, memory_mb=1024, validate_every=10)
    failures = fuzz.signatures(results)
    assert not failures, fuzz.report_markdown(results, 0)
    assert len(results) == CI_CASES and {r.case.kind for r in results} == set(KINDS)
    assert {r.case.seed_file for r in results} == set(fuzz.SEEDS)
    outcomes = Counter((r.case.kind, r.outcome) for r in results)
    # what no reader could open is refused, what every reader opens is extracted
    assert outcomes[("not-pdf", "extracted")] == 0
    assert outcomes[("trailing-bytes", "extracted")] == sum(1 for r in results if r.case.kind == "trailing-bytes")
    # objects that refer to themselves are damage found at once, not a loop stopped by the clock
    loops = [r for r in results if r.case.kind == "self-reference"]
    assert loops and all(r.error_kind == "damaged" for r in loops), [r.detail for r in loops]
    assert all(r.error_kind in {k.value for k in fuzz_error_kinds()} for r in results if r.outcome == "error")


def fuzz_error_kinds():  # the documented kinds (README, "Errors")
    from gbdocs.extractors import ErrorKind

    return ErrorKind


# Cases `make fuzz` found failing, kept as they were found (kind, seed file, seed).
FOUND = [
    ("huge-numbers", "samples/real/DP_2025_4.en.pdf", 822132519),  # /MediaBox [0 0 612 -0.0]: was an internal error
    ("xref-damage", "samples/corpus/docx-003-EB156_27.zh.pdf", 4088915362),  # PDFium repairs it: was refused
    ("xref-damage", "samples/corpus/docx-003-EB156_27.zh.pdf", 2136868893),
    ("xref-damage", "samples/EBPBAC25_3.en.pdf", 3407281129),
]


@pytest.mark.parametrize(("kind", "seed_file", "seed"), FOUND)
def test_what_fuzzing_found_stays_fixed(tmp_path, kind: str, seed_file: str, seed: int) -> None:
    from gbdocs import extract
    from gbdocs.limits import NO_LIMITS

    seed_path = fuzz.ROOT / seed_file
    base = (fuzz._digest(extract(seed_path, limits=NO_LIMITS).tables()), fuzz.reader_text(seed_path))
    result = fuzz.run_case(fuzz.Case(0, kind, seed_file, seed), str(tmp_path), 30, 1024, True, *base)
    assert result.outcome == "extracted" and not result.failures, (result.outcome, result.detail)
