"""The sample PDFs look like the real thing and carry a real text layer.

Checked with pdfplumber directly, independently of gbdocs' extractors.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

import pdfplumber
import pytest

from harness import SAMPLE_STEMS, SAMPLES_DIR

CJK = re.compile(r"[\u3400-\u9fff]")
ANNEX_HEADER = {"zh": ["编号", "类别", "行动", "最新情况"], "en": ["No.", "Category", "Action", "Update"]}


@cache
def page_texts(stem: str) -> tuple[str, ...]:
    with pdfplumber.open(SAMPLES_DIR / f"{stem}.pdf") as pdf:
        return tuple(page.extract_text() or "" for page in pdf.pages)


def _flat(text: str) -> str:
    # Line breaks and hyphens at line ends vanish when comparing text across a wrap.
    return re.sub(r"[\s\-]+", "", text)


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_pdf_is_the_one_the_expected_output_describes(expected, stem: str) -> None:
    doc = expected[stem]["documents"].iloc[0]
    path = SAMPLES_DIR / doc.source_file
    assert hashlib.sha256(path.read_bytes()).hexdigest() == doc.sha256, (
        "sample PDF rebuilt: re-check its expected outputs by hand (samples/expected/README.md)")
    assert len(page_texts(stem)) == doc.pages


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_text_layer_has_real_characters(stem: str) -> None:
    text = "".join(page_texts(stem))
    assert "(cid:" not in text and "\ufffd" not in text
    source = (SAMPLES_DIR / "src" / f"{stem}.txt").read_text(encoding="utf-8")
    printed_cjk = set(CJK.findall(source))
    missing = printed_cjk - set(CJK.findall(text))
    assert not missing, f"CJK characters lost in the PDF text layer: {sorted(missing)[:20]}"
    if stem.endswith(".zh"):
        assert len(printed_cjk) > 500


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_running_header_and_page_number_from_page_2(expected, stem: str) -> None:
    symbol = expected[stem]["documents"].symbol.iloc[0]
    with pdfplumber.open(SAMPLES_DIR / f"{stem}.pdf") as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            words = page.extract_words()
            tops = sorted({round(w["top"]) for w in words})
            first, second = ([w["text"] for w in words if round(w["top"]) == t] for t in tops[:2])
            if number == 1:  # the header block: body ... symbol / agenda item ... date
                assert first[-1] == symbol and str(number) not in second
            else:
                assert {*first, *second} == {symbol, str(number)}, (number, first, second)


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_footnotes_sit_at_the_page_bottom_in_small_print(stem: str) -> None:
    source = (SAMPLES_DIR / "src" / f"{stem}.txt").read_text(encoding="utf-8")
    first_note = re.search(r"\[\^(.*?)\]", source).group(1)
    with pdfplumber.open(SAMPLES_DIR / f"{stem}.pdf") as pdf:
        page = pdf.pages[0]
        body_size = max(
            (c["size"] for c in page.chars), key=[c["size"] for c in page.chars].count)
        words = page.extract_words()
        lead = first_note.split()[0] if first_note.split()[0].isascii() else first_note[:2]
        hits = [w for w in words if w["text"].startswith(lead) and w["top"] > page.height * 0.6]
        assert hits, f"footnote {first_note[:30]!r} not at the bottom of page 1"
        note_chars = [c for c in page.chars if c["top"] >= hits[0]["top"] - 1 and c["text"].strip()]
        assert max(c["size"] for c in note_chars) < body_size


@pytest.mark.parametrize("stem", ["A77_28.zh", "A77_28.en"])
def test_annex_table_repeats_its_header_and_cuts_a_row(expected, stem: str) -> None:
    actions = expected[stem]["actions"]
    first, last = int(actions.page_start.min()), int(actions.page_end.max())
    assert last > first, "the annex table must span at least two pages"
    texts = page_texts(stem)
    for number in range(first, last + 1):
        head = texts[number - 1][:400]
        for term in ANNEX_HEADER[stem[-2:]]:
            assert term in head, f"page {number}: header {term!r} not repeated"
    cut = actions[actions.page_end > actions.page_start]
    assert len(cut) >= 1
    for _, row in cut.iterrows():
        assert row.action_id in texts[row.page_start - 1]
        assert row.action_id not in texts[row.page_end - 1]
        tail = _flat(row.status)[-6:]
        assert tail in _flat(texts[row.page_end - 1]), f"{row.action_id}: status tail not on page {row.page_end}"


@pytest.mark.parametrize("stem", ["A77_28.zh", "A77_28.en"])
def test_tables_are_ruled(expected, stem: str) -> None:
    actions = expected[stem]["actions"]
    progress_page = int(expected[stem]["progress"].page.iloc[0])
    with pdfplumber.open(SAMPLES_DIR / f"{stem}.pdf") as pdf:
        for number in {progress_page, *range(int(actions.page_start.min()), int(actions.page_end.max()) + 1)}:
            assert pdf.pages[number - 1].find_tables(), f"page {number}: no ruled table found"


def test_variants_change_page_size_and_fonts() -> None:
    pairs = [("A77_28.zh.pdf", "variants/A77_28.zh.letter-sans.pdf"),
             ("EBPBAC25_3.en.pdf", "variants/EBPBAC25_3.en.letter-dejavu.pdf")]
    for standard, variant in pairs:
        with pdfplumber.open(SAMPLES_DIR / standard) as a, pdfplumber.open(SAMPLES_DIR / variant) as b:
            assert (round(a.pages[0].width), round(a.pages[0].height)) == (595, 842)
            assert (round(b.pages[0].width), round(b.pages[0].height)) == (612, 792)
            fonts_a = {c["fontname"].split("+")[-1] for c in a.pages[1].chars}
            fonts_b = {c["fontname"].split("+")[-1] for c in b.pages[1].chars}
            assert fonts_a != fonts_b
