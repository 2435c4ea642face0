"""The sample source format (``samples/src/FORMAT.md``): parsed once, rendered by every producer.

``samples/build.py`` (the LibreOffice samples) and the corpus producers of ``samples/gen/producers``
read the same :class:`Source`, so every rendering prints exactly the same content and the
expected outputs derived from it hold for all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SRC = HERE / "src"

FOOTNOTE = re.compile(r"\[\^(.*?)\]")


def split_footnotes(text: str) -> list[tuple[str, str | None]]:
    """``text`` as (run, None) and (None-run, note) pieces: ``[("a", None), ("", "note"), ...]``.

    Producers walk these pieces to place a footnote reference where ``[^...]`` stood.
    """
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in FOOTNOTE.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], None))
        out.append(("", m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def strip_footnotes(text: str) -> str:
    return FOOTNOTE.sub("", text)


def header_block(meta: dict[str, str]) -> tuple[list[str], list[str], int]:
    """The page-1 header block as every producer prints it: the left column (body lines,
    session, agenda item), the right column (symbol, date) beside its first lines, and how
    many of the left lines name the body (set bold)."""
    body_lines = meta["body"].split("|")
    left = [*body_lines, *([meta["session"]] if meta.get("session") else []), meta["agenda"]]
    return left, [meta["symbol"], meta["date"]], len(body_lines)


def annex_break(blocks: list[Block]) -> int | None:
    """Index of the ``!pagebreak`` that starts the annex: the first one followed by a centred
    heading, else the last one (None without a page break)."""
    breaks = [i for i, b in enumerate(blocks) if b.kind == "pagebreak"]
    for i in breaks:
        if i + 1 < len(blocks) and blocks[i + 1].kind == "centered":
            return i
    return breaks[-1] if breaks else None


def load(name: str) -> Source:
    """A source of ``samples/src`` by its stem, e.g. ``A77_28.zh``."""
    return parse_source(SRC / f"{name}.txt")


@dataclass
class Block:
    kind: str  # heading, centered, numbered, subitem, bullet, plain, caption, figure,
    #            table, note, pagebreak, end
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    name: str = ""


@dataclass
class Source:
    meta: dict[str, str]
    blocks: list[Block]


def parse_source(path: Path) -> Source:
    meta: dict[str, str] = {}
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        lines = chunk.split("\n")
        first = lines[0]
        if first.startswith("@"):
            for line in lines:
                key, _, value = line[1:].partition(":")
                meta[key.strip()] = value.strip()
        elif first.startswith("!table"):
            rows = [line.split("\t") for line in lines[1:]]
            width = len(rows[0])
            bad = [r for r in rows if len(r) != width]
            if bad:
                raise ValueError(f"{path.name}: table row with {len(bad[0])} cells, header has {width}")
            blocks.append(Block("table", rows=rows, name=first.split(maxsplit=1)[1]))
        elif len(lines) > 1:
            raise ValueError(f"{path.name}: block spans several lines: {first[:40]!r}")
        elif first.startswith("## "):
            blocks.append(Block("centered", first[3:]))
        elif first.startswith("# "):
            blocks.append(Block("heading", first[2:]))
        elif first.startswith("- "):
            blocks.append(Block("bullet", first[2:]))
        elif first.startswith("> "):
            blocks.append(Block("plain", first[2:]))
        elif first.startswith("!"):
            cmd, _, rest = first[1:].partition(" ")
            if cmd not in {"caption", "figure", "note", "pagebreak", "end"}:
                raise ValueError(f"{path.name}: unknown directive !{cmd}")
            blocks.append(Block(cmd, rest))
        elif re.match(r"^\d+\.\s", first):
            blocks.append(Block("numbered", first))
        elif re.match(r"^\([a-z]\)\s", first):
            blocks.append(Block("subitem", first))
        else:
            raise ValueError(f"{path.name}: cannot tell what this block is: {first[:40]!r}")
    for key in ("language", "body", "agenda", "symbol", "date", "title", "report_by"):
        if key not in meta:
            raise ValueError(f"{path.name}: missing @{key}")
    return Source(meta, blocks)
