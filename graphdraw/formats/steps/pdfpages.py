"""Join one-page PDFs (as Graphviz's cairo writes them) into one PDF, with no dependency.

Each file's objects are read (a stream is copied as it is, bytes unread; objects packed in an
object stream, as newer cairo writes them, are unpacked), renumbered so the files do not
collide, and written behind one page tree with a classic cross-reference table. Each file's
catalog, page tree, info dictionary (with its creation date) and cross-reference stream are
left out, so the result is the same bytes for the same pages.
"""

from __future__ import annotations

import re
import zlib

from graphdraw import errors

_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_REF = re.compile(rb"(\d+)\s+(\d+)\s+R\b")
_STREAM = re.compile(rb"stream\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+\d+\s+R)?")


class _Object:
    """One object's body: the part with references, and a stream's bytes (copied as is)."""

    def __init__(self, head: bytes, stream: bytes | None = None) -> None:
        self.head, self.stream = head, stream


def concatenate(pdfs: list[bytes]) -> bytes:
    """One PDF holding the pages of every PDF in `pdfs`, in order.

    >>> one = concatenate([_tiny(100), _tiny(200)])
    >>> one.count(b"/Type /Page "), b"/Count 2" in one, one.startswith(b"%PDF-1.5")
    (2, True, True)
    """
    objects: dict[int, _Object] = {}
    kids: list[int] = []
    offset = 0
    for pdf in pdfs:
        own = read_objects(pdf)
        catalog = _find(own, b"/Catalog")
        pages = _ref(own[catalog].head, b"/Pages")
        page_numbers = [int(m.group(1)) for m in _REF.finditer(_kids(own[pages].head))]
        dropped = {catalog, pages} | {n for n, o in own.items() if _is(o, b"/XRef")
                                      or _is(o, b"/ObjStm") or b"/Producer" in o.head}
        for number, obj in own.items():
            if number not in dropped:
                obj.head = _REF.sub(lambda m: b"%d 0 R" % (int(m.group(1)) + offset), obj.head)
                objects[number + offset] = obj
        kids += [n + offset for n in page_numbers]
        offset += max(own) + 1
    tree, root = offset + 1, offset + 2
    for kid in kids:
        objects[kid].head = re.sub(rb"/Parent\s+\d+\s+\d+\s+R", b"/Parent %d 0 R" % tree,
                                   objects[kid].head)
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects[tree] = _Object(b"\n<< /Type /Pages /Kids [ %s ] /Count %d >>\n" % (refs, len(kids)))
    objects[root] = _Object(b"\n<< /Type /Catalog /Pages %d 0 R >>\n" % tree)
    return _write(_shared(objects), root)


def _shared(objects: dict[int, _Object]) -> dict[int, _Object]:
    """The objects with duplicates merged: pages of one figure embed the same fonts.

    Two objects are the same when their bytes are, once every reference points to the first
    of its duplicates; repeated until nothing changes (a font points to its descriptor, which
    points to the font file). Pages are never merged: two equal steps are two pages.
    """
    same: dict[int, int] = {}
    while True:
        def canonical(match: re.Match) -> bytes:
            number = int(match.group(1))
            return b"%d 0 R" % same.get(number, number)
        first: dict[tuple, int] = {}
        merged: dict[int, int] = {}
        for number in sorted(objects):
            if number in same:
                continue
            obj = objects[number]
            key = (_REF.sub(canonical, obj.head), obj.stream)
            if _is(obj, b"/Page"):         # a page is in the tree once, even when repeated
                key = (number,)
            if key in first:
                merged[number] = first[key]
            else:
                first[key] = number
        if not merged:
            break
        same.update(merged)
        for number, target in list(same.items()):     # chains: a -> b -> c
            while target in same:
                target = same[target]
            same[number] = target
    kept = {n: o for n, o in objects.items() if n not in same}
    for obj in kept.values():
        obj.head = _REF.sub(lambda m: b"%d 0 R" % same.get(int(m.group(1)),
                                                            int(m.group(1))), obj.head)
    return kept


def read_objects(pdf: bytes) -> dict[int, _Object]:
    """Every object of a PDF by number (objects in object streams unpacked)."""
    if not pdf.startswith(b"%PDF-"):
        raise errors.GraphdrawError("Graphviz did not write a PDF",
                                    hint="write --format dot to see the source it was given")
    out: dict[int, _Object] = {}
    pos = 0
    while True:
        match = _OBJ.search(pdf, pos)
        if match is None:
            break
        number, start = int(match.group(1)), match.end()
        end = pdf.find(b"endobj", start)
        stream = _STREAM.search(pdf, start, end if end >= 0 else len(pdf))
        if end < 0:
            raise errors.GraphdrawError("a PDF page from Graphviz is cut short")
        if stream is None:
            out[number] = _Object(pdf[start:end])
            pos = end + 6
            continue
        length = _stream_length(pdf, pdf[start:stream.start()])
        data_end = stream.end() + length
        end = pdf.find(b"endobj", data_end)
        out[number] = _Object(pdf[start:stream.end()], pdf[stream.end():end])
        pos = end + 6
    for obj in list(out.values()):
        if _is(obj, b"/ObjStm"):
            out.update(_unpack(obj))
    return out


def _stream_length(pdf: bytes, head: bytes) -> int:
    """A stream's /Length, direct or the number held by the object it refers to."""
    match = _LENGTH.search(head)
    if match is None:
        raise errors.GraphdrawError("a PDF stream from Graphviz has no length")
    if not match.group(2):
        return int(match.group(1))
    held = re.search(rb"(?<!\d)%s\s+0\s+obj\s*(\d+)\s*endobj" % match.group(1), pdf)
    if held is None:
        raise errors.GraphdrawError("a PDF stream from Graphviz has no length")
    return int(held.group(1))


def _unpack(obj: _Object) -> dict[int, _Object]:
    """The objects an object stream holds (FlateDecode, as cairo writes them)."""
    data = obj.stream or b""
    end = data.rfind(b"endstream")
    data = data[:end] if end >= 0 else data
    if b"/FlateDecode" in obj.head:
        data = zlib.decompressobj().decompress(data)
    count = int(re.search(rb"/N\s+(\d+)", obj.head).group(1))
    first = int(re.search(rb"/First\s+(\d+)", obj.head).group(1))
    pairs = [int(v) for v in data[:first].split()][: 2 * count]
    numbers, offsets = pairs[0::2], pairs[1::2] + [len(data) - first]
    return {n: _Object(b"\n" + data[first + offsets[i]: first + offsets[i + 1]].strip() + b"\n")
            for i, n in enumerate(numbers)}


def _is(obj: _Object, kind: bytes) -> bool:
    return re.search(rb"/Type\s*" + re.escape(kind) + rb"\b", obj.head) is not None


def _find(objects: dict[int, _Object], kind: bytes) -> int:
    for number, obj in objects.items():
        if _is(obj, kind):
            return number
    raise errors.GraphdrawError("a PDF page from Graphviz has no catalog")


def _ref(head: bytes, key: bytes) -> int:
    match = re.search(re.escape(key) + rb"\s+(\d+)\s+\d+\s+R", head)
    if match is None:
        raise errors.GraphdrawError("a PDF page from Graphviz has no page tree")
    return int(match.group(1))


def _kids(head: bytes) -> bytes:
    match = re.search(rb"/Kids\s*\[([^\]]*)\]", head)
    return match.group(1) if match else b""


def _write(objects: dict[int, _Object], root: int) -> bytes:
    """The PDF: header, objects in order, a cross-reference table, the trailer."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        obj = objects[number]
        offsets[number] = len(out)
        out += b"%d 0 obj" % number + obj.head + (obj.stream or b"") + b"endobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[number]) if number in offsets \
            else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def _tiny(width: int) -> bytes:
    """A minimal one-page PDF (for the doctest)."""
    body = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d 100] >>" % width]
    return b"%PDF-1.4\n" + b"".join(b"%d 0 obj\n%s\nendobj\n" % (i + 1, b)
                                    for i, b in enumerate(body))
