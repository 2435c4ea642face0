"""The fonts this machine has, as fontconfig sees them (every producer resolves names through it)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

# Latin families a secretariat's machine plausibly has; those installed are used.
LATIN_CANDIDATES = [
    "Liberation Serif", "Liberation Sans", "DejaVu Serif", "DejaVu Sans", "Noto Serif", "Noto Sans",
    "TeX Gyre Termes", "TeX Gyre Pagella", "TeX Gyre Heros", "Carlito", "Caladea",
]

# CJK families with simplified-Chinese coverage (Debian: fonts-noto-cjk, fonts-wqy-zenhei,
# fonts-wqy-microhei, fonts-arphic-ukai, fonts-arphic-uming, fonts-arphic-gbsn00lp,
# fonts-arphic-gkai00mp, fonts-droid-fallback).
CJK_CANDIDATES = [
    "Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "AR PL UKai CN", "AR PL UMing CN", "AR PL SungtiL GB", "AR PL KaitiM GB", "Droid Sans Fallback",
]


@dataclass(frozen=True)
class FontSet:
    latin: list[str]
    cjk: list[str]
    bold: frozenset[str]

    def has_bold(self, family: str) -> bool:
        return family in self.bold


def _fc(pattern: str) -> list[str]:
    out = subprocess.run(["fc-list", pattern, "family", "style"], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


@cache
def available_fonts() -> FontSet:
    if shutil.which("fc-list") is None:
        raise SystemExit("fontconfig (fc-list) is needed to build the corpus")
    families: dict[str, set[str]] = {}
    for line in _fc(":"):
        fam, _, style = line.partition(":style=")
        for name in fam.split(","):
            families.setdefault(name.strip(), set()).update(s.strip() for s in style.split(","))
    latin = [f for f in LATIN_CANDIDATES if f in families]
    cjk = [f for f in CJK_CANDIDATES if f in families]
    bold = frozenset(f for f, styles in families.items() if {"Bold", "bold"} & styles)
    if not latin or not cjk:
        raise SystemExit(
            "the corpus needs Latin and CJK fonts: apt-get install fonts-liberation2 fonts-dejavu "
            "fonts-noto-cjk fonts-wqy-zenhei fonts-arphic-ukai"
        )
    return FontSet(latin=latin, cjk=cjk, bold=bold)
