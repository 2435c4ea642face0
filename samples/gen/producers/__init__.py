"""PDF producers of the generated corpus: independent engines that render one :class:`Source`.

Each producer is a module of this package with

    NAME: str                         # registry name, e.g. "docx"
    def available() -> str | None     # None when its tools are installed, else what to install
    def render(source: Source, choice: LayoutChoice, out_pdf: Path, workdir: Path) -> list[str]

``render`` writes ``out_pdf`` and returns notes on what of ``choice`` it could not honour (empty
when everything was). It must print the source's text exactly (see ``samples/src/FORMAT.md``):
the expected outputs of a generated document are the sample's hand-checked ones.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Protocol

from gen.layout import LayoutChoice
from gen.source import Source

# registry name -> module (imported only when used: each needs its own engine installed)
PRODUCERS = {
    "docx": "gen.producers.docx_lo",
    "xelatex": "gen.producers.xelatex",
    "chromium": "gen.producers.chromium",
    "typst": "gen.producers.typst_pdf",
}


class Producer(Protocol):
    NAME: str

    def available(self) -> str | None: ...

    def render(self, source: Source, choice: LayoutChoice, out_pdf: Path, workdir: Path) -> list[str]: ...


def get(name: str) -> ModuleType:
    if name not in PRODUCERS:
        raise KeyError(f"unknown producer {name!r}; known: {', '.join(PRODUCERS)}")
    return importlib.import_module(PRODUCERS[name])
