"""Numbers written in words: Chinese numerals (第七十七届) and English ordinals
(Seventy-seventh), through cn2an and text2num rather than hand-made tables."""

from __future__ import annotations

import re

import cn2an
from text_to_num import alpha2digit

_ZH_ORDINAL = re.compile(r"第\s*([〇零一二两三四五六七八九十百千\d]+)\s*(届|次|个|份)?")
_EN_ORDINAL = re.compile(r"\b(\d+)\s*(?:st|nd|rd|th)\b", re.IGNORECASE)


def zh_number(text: str) -> int | None:
    """七十七 -> 77, 154 -> 154, 二十五 -> 25; None if ``text`` is not a number."""
    try:
        value = cn2an.cn2an(text.strip(), "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None


def session_number(text: str) -> int | None:
    """The session or meeting number in a header line, in either language.

    第七十七届世界卫生大会 -> 77; 第154届会议 -> 154; 第二十五次会议 -> 25;
    SEVENTY-SEVENTH WORLD HEALTH ASSEMBLY -> 77; 154th session -> 154; Twenty-fifth meeting -> 25.
    """
    m = _ZH_ORDINAL.search(text)
    if m:
        return zh_number(m.group(1))
    # text2num reads lower-case words; hyphenated ordinals become 77th.
    m = _EN_ORDINAL.search(alpha2digit(text.lower(), "en"))
    return int(m.group(1)) if m else None
