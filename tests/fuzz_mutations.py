"""Seeded mutations of PDF files, the damage real archives and attackers do to them.

Every mutation is a function ``(data, rng, anatomy) -> bytes`` registered in ``MUTATIONS``
under its kind; the same seed gives the same bytes. ``anatomy`` (object numbers of the
catalog, page tree, pages and their content streams, read once per seed file with pypdf)
lets the structural mutations append a real incremental update, as an editor or a
malicious tool would, instead of only breaking bytes at random.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader


@dataclass(frozen=True)
class Anatomy:
    """Where the parts of a seed PDF are (object numbers; offsets of its last cross-reference)."""

    root: int
    pages_root: int
    pages: tuple[int, ...]
    contents: tuple[int, ...]  # content-stream objects of the pages (those that are indirect)
    size: int  # /Size of the trailer: the first free object number
    startxref: int


def anatomy(path: Path) -> Anatomy:
    data = path.read_bytes()
    reader = PdfReader(path)
    root = reader.trailer.raw_get("/Root")
    pages_ref = reader.trailer["/Root"].raw_get("/Pages")
    pages, contents = [], []
    for page in reader.pages:
        assert page.indirect_reference is not None
        pages.append(page.indirect_reference.idnum)
        raw = page.raw_get("/Contents") if "/Contents" in page else None
        refs = raw if isinstance(raw, list) else [raw]
        contents += [r.idnum for r in refs if hasattr(r, "idnum")]
    found = re.findall(rb"startxref\s+(\d+)", data)
    return Anatomy(root=root.idnum, pages_root=pages_ref.idnum, pages=tuple(pages), contents=tuple(contents),
                   size=int(reader.trailer["/Size"]), startxref=int(found[-1]) if found else 0)


Mutation = Callable[[bytes, random.Random, Anatomy], bytes]
MUTATIONS: dict[str, Mutation] = {}


def mutation(kind: str) -> Callable[[Mutation], Mutation]:
    def register(fn: Mutation) -> Mutation:
        MUTATIONS[kind] = fn
        return fn
    return register


def incremental_update(data: bytes, objects: dict[int, bytes], a: Anatomy, root: int | None = None,
                       prev: int | None = None) -> bytes:
    """``data`` with an appended update that (re)defines ``objects`` (number -> body), as PDF
    editors save: new objects, a cross-reference section for them, a trailer with /Prev."""
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (number, offset)
    size = max(a.size, max(objects) + 1)
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, root or a.root, a.startxref if prev is None else prev, xref))
    return bytes(out)


# ---------------------------------------------------------------- bytes at random


@mutation("byte-flip")
def byte_flip(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 5, 20))):
        i = rng.randrange(len(out))
        out[i] ^= rng.randrange(1, 256)
    return bytes(out)


@mutation("truncate")
def truncate(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    return data[: rng.randrange(1, len(data))]


@mutation("delete-chunk")
def delete_chunk(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    n = rng.choice((1, 16, 256, 4096))
    i = rng.randrange(len(data))
    return data[:i] + data[i + n:]


@mutation("duplicate-chunk")
def duplicate_chunk(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    n = rng.choice((16, 256, 4096, 65536))
    i, j = rng.randrange(len(data)), rng.randrange(len(data))
    return data[:j] + data[i:i + n] + data[j:]


@mutation("trailing-bytes")
def trailing_bytes(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    """What download managers, mail gateways and concatenating tools leave after %%EOF."""
    n = rng.choice((1, 100, 3000, 100_000))
    tail = rng.choice((
        lambda: rng.randbytes(n),
        lambda: b"\0" * n,
        lambda: (b"<html><body>This message was scanned by MailGuard.</body></html>\r\n" * (n // 60 + 1))[:n],
        lambda: b"\r\n" * (n // 2 + 1),
        lambda: b"%PDF-1.4\n" + rng.randbytes(n),  # the start of a second file
    ))()
    return data + tail


# ---------------------------------------------------------------- the cross-reference table


@mutation("xref-damage")
def xref_damage(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    how = rng.choice(("startxref-zero", "startxref-shift", "entries-zeroed", "entries-shifted", "xref-keyword",
                      "startxref-missing"))
    found = list(re.finditer(rb"startxref\s+(\d+)", data))
    if how.startswith("startxref") and found:
        m = found[-1]
        value = int(m.group(1))
        if how == "startxref-zero":
            new = b"0"
        elif how == "startxref-shift":
            new = b"%d" % max(0, value + rng.choice((-100, -7, -1, 1, 3, 50, 1000)))
        else:
            return data[: m.start()] + data[m.end():]
        return data[: m.start(1)] + new + data[m.end(1):]
    entries = list(re.finditer(rb"(\d{10}) (\d{5}) n", data))
    if how.startswith("entries") and entries:
        out = bytearray(data)
        for m in rng.sample(entries, k=max(1, len(entries) // rng.choice((1, 3, 10)))):
            offset = 0 if how == "entries-zeroed" else int(m.group(1)) + rng.choice((-13, -1, 1, 2, 40))
            out[m.start(1): m.end(1)] = b"%010d" % max(0, offset)
        return bytes(out)
    keyword = data.rfind(b"xref")
    if keyword >= 0:  # a classic table's keyword, or the /XRef of a cross-reference stream
        return data[:keyword] + b"xrfe" + data[keyword + 4:]
    return data[:-40]


@mutation("swap-objects")
def swap_objects(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    """Two objects' bodies exchanged in place: the cross-reference table is stale."""
    objs = list(re.finditer(rb"\d+ 0 obj\b.*?endobj", data, flags=re.S))
    if len(objs) < 2:
        return data
    x, y = sorted(rng.sample(objs, 2), key=lambda m: m.start())
    return data[: x.start()] + y.group(0) + data[x.end(): y.start()] + x.group(0) + data[y.end():]


# ---------------------------------------------------------------- values a parser trusts


@mutation("huge-numbers")
def huge_numbers(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    value = rng.choice((b"99999999999999999999999999", b"1e308", b"-1e308", b"3.4e38", b"-2147483649",
                        b"0", b"-0.0", b"1" + b"0" * 400, b"/Name", b"(text)"))
    where = rng.choice(("/MediaBox", "/CropBox", "/Count"))
    if where == "/Count":
        return re.sub(rb"(/Count\s+)(-?\d+)", lambda m: m.group(1) + value, data, count=rng.choice((1, 0)))
    pattern = re.escape(where.encode()) + rb"\s*\[([^\]]*)\]"
    matches = list(re.finditer(pattern, data))
    if not matches:  # a page with none of its own (inherited): give page 1 one
        page = {a.pages[0]: b"<< /Type /Page /Parent %d 0 R %s [0 0 %s 842] >>" % (a.pages_root, where.encode(),
                                                                                     value)}
        return incremental_update(data, page, a)
    m = rng.choice(matches)
    numbers = m.group(1).split()
    if numbers:
        i = rng.randrange(len(numbers))
        if numbers[i] == value:  # the same number: take the next one, or the box is left as it was
            i = (i + 1) % len(numbers)
        numbers[i] = value if numbers[i] != value else value + b".5"
    return data[: m.start(1)] + b" ".join(numbers) + data[m.end(1):]


@mutation("deep-nesting")
def deep_nesting(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    depth = rng.choice((100, 1000, 10_000, 100_000))
    opening, closing = rng.choice(((b"[", b"]"), (b"<< /A ", b" >>")))
    nested = opening * depth + b"0" + closing * depth
    page = rng.choice(a.pages)
    return incremental_update(data, {page: b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Annots %s >>"
                                           % (a.pages_root, nested)}, a)


@mutation("long-content-stream")
def long_content_stream(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    """A page whose content stream decodes to tens or hundreds of megabytes (a zip bomb's kin)."""
    megabytes = rng.choice((5, 20, 60, 200))
    unit = rng.choice((b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n", b"0 0 m 1 1 l S\n", b"q Q " * 8 + b"\n"))
    compressor = zlib.compressobj(9)
    chunk = unit * (1_000_000 // len(unit))
    stream = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    target = rng.choice(a.contents) if a.contents else a.size
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects = {target: body}
    if not a.contents:
        objects[a.pages[0]] = (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
                               % (a.pages_root, target))
    return incremental_update(data, objects, a)


# ---------------------------------------------------------------- structures that loop


@mutation("self-reference")
def self_reference(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    """An update that makes an object a reference to itself (``N 0 obj N 0 R endobj``)."""
    target = rng.choice([a.root, a.pages_root, rng.choice(a.pages), *(a.contents[:1] or [a.root])])
    return incremental_update(data, {target: b"%d 0 R" % target}, a)


@mutation("page-tree-cycle")
def page_tree_cycle(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    how = rng.choice(("kids-self", "kids-root-via-page", "parent-loop"))
    if how == "kids-self":
        body = b"<< /Type /Pages /Count %d /Kids [%d 0 R %s] >>" % (
            len(a.pages) + 1, a.pages_root, b" ".join(b"%d 0 R" % p for p in a.pages))
        return incremental_update(data, {a.pages_root: body}, a)
    if how == "kids-root-via-page":  # a page that is itself a page tree node listing the root
        page = rng.choice(a.pages)
        return incremental_update(data, {page: b"<< /Type /Pages /Count 1 /Kids [%d 0 R] /Parent %d 0 R >>"
                                               % (a.pages_root, a.pages_root)}, a)
    node = a.size
    return incremental_update(data, {
        node: b"<< /Type /Pages /Count 1 /Kids [%d 0 R] /Parent %d 0 R >>" % (node + 1, node + 1),
        node + 1: b"<< /Type /Pages /Count 1 /Kids [%d 0 R] /Parent %d 0 R >>" % (node, node),
        a.root: b"<< /Type /Catalog /Pages %d 0 R >>" % node,
    }, a)


@mutation("prev-loop")
def prev_loop(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    """An incremental update whose /Prev points at itself (or at the middle of nowhere)."""
    page = rng.choice(a.pages)
    probe = incremental_update(data, {page: b"<< /Type /Page /Parent %d 0 R >>" % a.pages_root}, a)
    own_xref = int(re.findall(rb"startxref\s+(\d+)", probe)[-1])
    prev = rng.choice((own_xref, own_xref, len(data) // 2, 10**12))
    return incremental_update(data, {page: b"<< /Type /Page /Parent %d 0 R >>" % a.pages_root}, a, prev=prev)


# ---------------------------------------------------------------- not PDFs at all


@mutation("not-pdf")
def not_pdf(data: bytes, rng: random.Random, a: Anatomy) -> bytes:
    return rng.choice((
        lambda: rng.randbytes(rng.choice((1, 100, 50_000))),
        lambda: "Minutes of the meeting\n会议记录\n".encode() * 50,
        lambda: b"\x89PNG\r\n\x1a\n" + rng.randbytes(2000),
        lambda: b"PK\x03\x04" + rng.randbytes(3000),  # a .docx or .zip named .pdf
        lambda: b"<!DOCTYPE html><html><body>Access denied</body></html>",
        lambda: b"%PDF-1.7\n" + rng.randbytes(5000) + b"\n%%EOF\n",
        lambda: zlib.compress(data),
        lambda: b"%PDF-1.4\n%%EOF\n",
        lambda: b"\xef\xbb\xbf" + data,  # a byte-order mark before %PDF-
    ))()


KINDS: tuple[str, ...] = tuple(MUTATIONS)


def mutate(kind: str, data: bytes, seed: int, a: Anatomy) -> bytes:
    return MUTATIONS[kind](data, random.Random(seed), a)
