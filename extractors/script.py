"""Script-aware text rules: what is CJK, and how wrapped lines join in each script."""

from __future__ import annotations

import re
from functools import cache

# CJK ideographs, CJK punctuation and full-width forms: no spaces between these.
_CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]")
_URLISH = re.compile(r"(https?://|www\.)\S*$")
# Page numbers as producers print them: 2, - 2 -, Page 2, 2/19, Page 2 of 19, 第2页, 第 2 页，共 9 页.
PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:Page\s+|p\.\s*|第\s*)?(\d{1,4})(?:\s*页)?"
    r"(?:\s*(?:/|of|／)\s*\d{1,4}|\s*[，,]?\s*共\s*\d{1,4}\s*页)?[-–—\s]*$",
    re.IGNORECASE,
)
BULLETS = "•·●○▪■◦‣⁃\uf0b7\uf0a7\uf076\uf0d8-–"


class Vocabulary(frozenset[str]):
    """The words a document prints (lowercased, 3+ letters; hyphenated compounds; tokens with a
    digit), and its habit at line ends: ``hyphenates`` when it breaks words into syllables
    (activi-|ties), as hyphenating typesetters do."""

    hyphenates: bool
    spaced_thousands: bool  # it writes 50 000 (a space as thousands separator)

    def __new__(cls, words: frozenset[str] | set[str] = frozenset(), hyphenates: bool = False,
                spaced_thousands: bool = False) -> Vocabulary:
        self = super().__new__(cls, words)
        self.hyphenates = hyphenates
        self.spaced_thousands = spaced_thousands
        return self


@cache
def _english_words() -> frozenset[str]:
    from english_words import get_english_words_set  # Webster's 2nd and GCIDE headwords; 0.07 s

    return frozenset(get_english_words_set(["web2", "gcide"], lower=True, alpha=True))


def is_english_word(word: str) -> bool:
    """Is ``word`` (lowercase) an English word, or a regular inflection of one (activities,
    funded, funding, clearly)? The word lists hold headwords only."""
    words = _english_words()
    if word in words:
        return True
    stems = []
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
                         ("ly", ""), ("ally", "al"), ("ment", ""), ("ments", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stems.append(word[: len(word) - len(suffix)] + repl)
    return any(stem in words for stem in stems)


def is_cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK.match(ch))


def cjk_share(text: str) -> float:
    letters = [c for c in text if not c.isspace() and not c.isdigit()]
    return 0.0 if not letters else sum(is_cjk(c) for c in letters) / len(letters)


def spaced_cjk_latin_ratio(text: str) -> float | None:
    """How often this text puts a space between CJK and Latin/digits (2024 年 vs 2024年).

    None when the text has no such boundary to learn from.
    """
    spaced = len(re.findall(r"(?:[\u4e00-\u9fff] [A-Za-z0-9])|(?:[A-Za-z0-9,;:] [\u4e00-\u9fff])", text))
    tight = len(re.findall(r"(?:[\u4e00-\u9fff][A-Za-z0-9])|(?:[A-Za-z0-9,;:][\u4e00-\u9fff])", text))
    return None if spaced + tight == 0 else spaced / (spaced + tight)


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/().\-]*")


def symbol_tokens(text: str) -> frozenset[str]:
    """Tokens with a digit (EB152(15), A77/28) a document prints unbroken somewhere."""
    return frozenset(t for t in _TOKEN.findall(text) if any(ch.isdigit() for ch in t))


def join_separator(prev: str, nxt: str, language: str, cjk_latin_spaced: bool,
                   known_words: frozenset[str] = frozenset()) -> tuple[str, str]:
    """How two wrapped lines join: returns (prev, separator), prev possibly de-hyphenated.

    The PDF does not carry the space a line break replaced, so it is inferred:
    - inside a URL, nothing (URLs wrap anywhere);
    - after a hyphen or dash, nothing (end-2024, 2023–2025, WHO-Implementation), unless
      the word without the hyphen is one the document uses elsewhere (soft hyphenation);
    - between two CJK characters, nothing; between CJK and Latin, what the text around
      does (``cjk_latin_spaced``);
    - between two Latin words, a space, except in Chinese text where a narrow column
      breaks inside a token (2024-202/5, JIU/REP): there digits-digits and a break after
      / or . join without one;
    - and in any script, no space where the two halves make a token with a digit that the
      document prints unbroken elsewhere (EB|152(15) -> EB152(15)).
    """
    if not prev or not nxt:
        return prev, ""
    a, b = prev[-1], nxt[0]
    if a == "\u00ad":  # a soft hyphen, printed only where the typesetter broke a word
        return prev[:-1], ""
    if a.isspace() or b.isspace():
        return prev, ""
    if _URLISH.search(prev) and not is_cjk(b) and a not in ",;-\u2010":
        return prev, ""
    scheme = re.search(r"(?<![\w/])(h|ht|htt|https?|https?:/{0,2}|w|ww|www\.?)$", prev)
    if scheme and re.match(r"(?:https?://|www\.)\S", scheme.group(1) + nxt):
        return prev, ""  # a URL broken inside its scheme (h|ttp://…, https:|//www…)
    if a in "-\u2010\u2011\u2013\u2014/":
        if a in "-\u2010" and b.islower() and prev[-2:-1].isalpha():
            head = re.search(r"([A-Za-z]+)[-\u2010]$", prev)
            tail = re.match(r"[a-z]+", nxt)
            if head and tail:
                left, right = head.group(1).lower(), tail.group(0)
                if f"{left}-{right}" in known_words:  # a compound the document prints unbroken
                    return prev, ""
                if left + right in known_words:
                    return prev[:-1], ""
                # A hyphenating document breaks words into syllables (activi-|ties, as-|sess) and
                # at the hyphens of compounds (Organization-|wide): a joined word of English is
                # a syllable break; two words that make none are a compound.
                if getattr(known_words, "hyphenates", False):
                    joined_is_word = is_english_word(left + right)
                    halves_are_words = all(h in known_words or is_english_word(h) for h in (left, right))
                    if joined_is_word or not halves_are_words:
                        return prev[:-1], ""
        return prev, ""
    if is_cjk(a) and is_cjk(b):
        return prev, ""
    if a in "、，。；：！？）》」』】" or b in "（《「『【":
        return prev, ""  # full-width punctuation carries its own spacing
    if a.isdigit() and re.match(r"\d{3}(?!\d)", nxt) and getattr(known_words, "spaced_thousands", False):
        head_digits = re.search(r"(?<!\d)\d{1,3}$", prev)
        if head_digits and not re.fullmatch(r"(19|20)\d\d", head_digits.group(0) + nxt[:3]):
            return prev, " "  # 60 | 000 in a document that writes 50 000 (2 | 023 is a year)
    head, tail = re.search(r"[A-Za-z0-9/().\-]*$", prev), _TOKEN.match(nxt)
    if head and tail and head.group(0) and (head.group(0) + tail.group(0)) in known_words:
        return prev, ""
    # A word broken without a hyphen in a narrow column (Accountabi|lity): the halves are no
    # words of the document, the whole is.
    wa, wb = re.search(r"[A-Za-z]+$", prev), re.match(r"[a-z]+", nxt)
    if wa and wb and (wa.group(0) + wb.group(0)).lower() in known_words:
        glued = prev[: wa.start()].endswith(("/", "-"))  # accountability/over|sight
        if glued or (wa.group(0).lower() not in known_words and wb.group(0) not in known_words):
            return prev, ""
    if is_cjk(a) or is_cjk(b):
        latin_side = b if is_cjk(a) else a
        if _LATIN_WORD.match(latin_side) or (a in ",;:" and is_cjk(b)):
            # 2024 年 / 审查, 确定: Chinese text that spaces its Latin (or its half-width
            # punctuation) does so at a line break too.
            return prev, " " if cjk_latin_spaced else ""
        return prev, ""
    if language == "zh":
        # In Chinese text a Latin break is mostly inside a symbol (EB|152, JIU/R|EP,
        # 2024-202|5); a space is likely only before a word after a digit (33|Add.1).
        if a.isdigit() and b.isdigit():
            return prev, ""
        if a in "./(" or b in ".,;:)/":
            return prev, ""
        if a.isupper() and (b.isupper() or b.isdigit()):
            return prev, ""
    return prev, " "


def join_lines(lines: list[str], language: str, known_words: frozenset[str] = frozenset(),
               cjk_latin_spaced: bool | None = None) -> tuple[str, list[int]]:
    """Join wrapped lines of one paragraph; also returns where each line starts in the text."""
    if cjk_latin_spaced is None:
        ratio = spaced_cjk_latin_ratio("\n".join(lines))
        cjk_latin_spaced = ratio is not None and ratio >= 0.5
    text = ""
    starts: list[int] = []
    for line in lines:
        line = line.strip()
        if not text:
            starts.append(0)
            text = line
            continue
        text, sep = join_separator(text, line, language, cjk_latin_spaced, known_words)
        starts.append(len(text) + len(sep))
        text = text + sep + line
    return text, starts


def strip_bullet(text: str) -> tuple[bool, str]:
    """(True, rest) if the line starts with a list bullet glyph followed by a gap."""
    m = re.match(rf"^[{re.escape(BULLETS)}]\s+(?=\S)", text)
    if m and not re.match(r"^[-–]\s*\d", text):
        return True, text[m.end():]
    return False, text


def is_page_number(text: str, page: int) -> bool:
    """Is ``text`` the page number of ``page`` as some producer prints it (2, - 2 -, 2/19, 第2页)?"""
    m = PAGE_NUMBER.match(text.strip())
    return bool(m) and int(m.group(1)) == page
