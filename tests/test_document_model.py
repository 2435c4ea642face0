"""Document model on every sample and variant: metadata, paragraphs and references, clean
text, and the same records whatever the page size, fonts or table layout."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from gbdocs.extractors import open_pdf, read_pages
from gbdocs.extractors.document import analyse
from harness import SAMPLE_STEMS, SAMPLES_DIR, extracted, load_expected

VARIANTS = {
    "A77_28.zh.letter-sans": "A77_28.zh",
    "A77_28.zh.wqy": "A77_28.zh",
    "A77_28.zh.horizontal-rules": "A77_28.zh",
    "A77_28.en.letter-dejavu": "A77_28.en",
    "A77_28.en.landscape-annex": "A77_28.en",
    "A77_28.en.unruled": "A77_28.en",
    "A77_28.zh.unruled": "A77_28.zh",
    "EBPBAC25_3.en.letter-dejavu": "EBPBAC25_3.en",
    "EBPBAC25_3.zh.letter-sans": "EBPBAC25_3.zh",
}
ALL = {**{s: SAMPLES_DIR / f"{s}.pdf" for s in SAMPLE_STEMS},
       **{v: SAMPLES_DIR / "variants" / f"{v}.pdf" for v in VARIANTS}}
CJK_SPACE_CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef] [\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")




@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variants_extract_identically(variant: str) -> None:
    """Other page size, fonts, margins, table rules or orientation: same records, only the
    page numbers may move."""
    got, exp = extracted(variant), load_expected(VARIANTS[variant])
    layout_fields = ["pages", "sha256", "source_file"]
    pd.testing.assert_frame_equal(got.documents.drop(columns=layout_fields),
                                  exp["documents"].drop(columns=layout_fields))
    pd.testing.assert_frame_equal(got.paragraphs.drop(columns="page"), exp["paragraphs"].drop(columns="page"))


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variants_give_the_same_figures(variant: str) -> None:
    got = extracted(variant).figures.drop(columns="page")
    pd.testing.assert_frame_equal(got, load_expected(VARIANTS[variant])["figures"].drop(columns="page"))


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variants_cite_the_same_references(variant: str) -> None:
    cols = ["kind", "ref", "ref_text", "in_footnote", "accessed"]
    got = set(map(tuple, extracted(variant).references[cols].astype(str).to_numpy()))
    exp = set(map(tuple, load_expected(VARIANTS[variant])["references"][cols].astype(str).to_numpy()))
    assert got == exp, f"missing {exp - got}, extra {got - exp}"


@pytest.mark.parametrize("name", list(ALL))
def test_paragraphs_carry_no_page_furniture(name: str) -> None:
    result = extracted(name)
    symbol = result.documents.symbol.iloc[0]
    with open_pdf(ALL[name]) as pdf:
        model = analyse(read_pages(pdf))
    notes = [n.text for n in model.footnotes if len(n.text) >= 8]
    assert notes, "the samples all have footnotes"
    assert {ln.text for ln in model.running} >= {symbol}
    for _, p in result.paragraphs.iterrows():
        for line in p.text.split("\n"):
            assert line.strip() != symbol and not re.fullmatch(r"\s*\d{1,3}\s*", line), (p.number, line)
        assert not re.search(rf"(^|\s){re.escape(symbol)}\s+\d{{1,3}}(\s|$)", p.text), p.number
        for note in notes:
            assert note not in p.text, (p.number, note[:40])


@pytest.mark.parametrize("name", [n for n in ALL if ".zh" in n])
def test_no_space_between_cjk_characters_in_chinese_output(name: str) -> None:
    # The Chinese sources never print a space between two CJK characters (checked below),
    # so any such space in the output is a PDF artefact that was not repaired.
    stem = name if name in SAMPLE_STEMS else VARIANTS[name]
    assert not CJK_SPACE_CJK.search((SAMPLES_DIR / "src" / f"{stem}.txt").read_text(encoding="utf-8"))
    result = extracted(name)
    for frame in result.tables().values():
        for col in frame.columns[frame.dtypes == "string"]:
            for value in frame[col].dropna():
                assert not CJK_SPACE_CJK.search(value), f"{col}: {value[:60]!r}"


def test_footnote_markers_point_to_their_notes() -> None:
    from gbdocs.extractors.paragraphs import extract_paragraphs

    with open_pdf(ALL["A77_28.en"]) as pdf:
        paragraphs = {p.number: p for p in extract_paragraphs(analyse(read_pages(pdf)))}
    assert paragraphs["1"].footnotes == (
        "Documents EB152/4 and EB153/2.",
        "Document EB152/34; see also EB152/2023/REC/2, summary record of the fourteenth meeting "
        "of the Executive Board.",
        "Document A76/31.",
        "Document EB154/32; see also the summary record of the fourth meeting of the Executive Board "
        "at its 154th session.",
        "See document EB154/4.",
    )
    assert paragraphs["9(a)"].footnotes == ("Document 154/34 Add.2.",)


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_a_title_set_in_body_type_is_still_found_after_the_header_fields(stem: str) -> None:
    """Some producers set the title in the body's size (bold): read page 1 of a sample as if its
    body were as large as its title; the header fields still end where the title begins."""
    from gbdocs.extractors.document import _header

    with open_pdf(SAMPLES_DIR / f"{stem}.pdf") as pdf:
        pages = read_pages(pdf)
    lines = list(pages[0].lines)
    title_size = max(ln.size for ln in lines)
    header, title, report_by, _ = _header(lines, title_size, pages[0].height)
    expected = load_expected(stem)["documents"].iloc[0]
    assert " ".join(ln.text for ln in title) == expected["title"]
    assert any(expected["symbol"] in ln.text for ln in header)
    assert report_by is not None and report_by.text in ("Report by the Director-General", "总干事的报告",
                                                        "Report by the Secretariat", "秘书处的报告")
