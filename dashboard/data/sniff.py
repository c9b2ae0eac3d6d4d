"""What a file is, decided from its bytes (never from its name alone), and JSON parsed with a bounded nesting depth.

:func:`sniff` looks at the first bytes of a file and says which reader may open it: ``"gpkg"`` (an SQLite file
carrying the GeoPackage application id), ``"json"`` (text starting with ``{`` or ``[``), ``"csv"`` (anything
else: the CSV reader says where it is not UTF-8 text), or one sentence saying why nothing may (XML such as a GDAL
VRT, a compressed archive, an SQLite database that is not a GeoPackage). The readers then open the file with that one reader only.

:func:`loads_bounded` parses JSON after checking how deeply it nests: Python's parser recurses once per level, and
a few thousand ``[`` would raise ``RecursionError`` instead of a sentence (and cost the stack of a server thread).
The depth is counted on the bytes with the strings blanked out, so brackets inside strings do not count.
"""

from __future__ import annotations

import json
import re

import numpy as np

from dashboard.i18n import N_

__all__ = ["GPKG_APPLICATION_IDS", "JsonTooDeep", "json_depth", "loads_bounded", "sniff"]

SQLITE_HEADER = b"SQLite format 3\x00"
# the GeoPackage application_id (bytes 68-71 of the SQLite header): "GPKG" since 1.2, "GP10"/"GP11" before
GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")
_COMPRESSED = (  # magic numbers: (prefix, what it is)
    (b"\x1f\x8b", N_("gzip-compressed")),
    (b"PK\x03\x04", N_("a ZIP archive")),
    (b"PK\x05\x06", N_("a ZIP archive")),
    (b"BZh", N_("bzip2-compressed")),
    (b"\xfd7zXZ\x00", N_("xz-compressed")),
    (b"(\xb5/\xfd", N_("zstd-compressed")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
)
_BOM = b"\xef\xbb\xbf"
_BLANK = b" \t\r\n"
# a JSON string: a quote, then runs of ordinary characters or backslash escapes, then a quote (unrolled loop: no
# backtracking, linear in the length)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


class JsonTooDeep(ValueError):
    """JSON nested more deeply than allowed; ``depth`` is how deep it goes."""

    def __init__(self, depth: int, limit: int) -> None:
        super().__init__(f"JSON nested {depth} levels deep; the limit is {limit}")
        self.depth = depth
        self.limit = limit


def sniff(head: bytes) -> tuple[str | None, str | None]:
    """``(kind, None)`` for a file a reader may open (``"gpkg"``, ``"json"``, ``"csv"``), else ``(None, why)``:
    what the bytes are, in words ("XML (such as a GDAL VRT)"), marked for translation."""
    if head.startswith(SQLITE_HEADER):
        if head[68:72] in GPKG_APPLICATION_IDS:
            return "gpkg", None
        return None, N_("an SQLite database that is not a GeoPackage")
    for magic, what in _COMPRESSED:
        if head.startswith(magic):
            return None, what
    text = head.removeprefix(_BOM).lstrip(_BLANK)
    if text[:1] == b"<":
        return None, N_("XML or HTML (such as a GDAL VRT)")
    if text[:1] in (b"{", b"["):
        return "json", None
    return "csv", None  # text or not, the CSV reader says which line is not UTF-8 (a NUL rejects its row)


def json_depth(data: bytes) -> int:
    """How deeply ``[``/``{`` nest in ``data`` (JSON text), strings left out."""
    skeleton = _JSON_STRING.sub(b'""', data)
    codes = np.frombuffer(skeleton, dtype=np.uint8)
    opening = (codes == ord("[")) | (codes == ord("{"))
    closing = (codes == ord("]")) | (codes == ord("}"))
    where = np.flatnonzero(opening | closing)  # only the brackets: small even for a large file
    if not len(where):
        return 0
    steps = np.where(opening[where], 1, -1).astype(np.int64)
    return int(np.cumsum(steps).max())


def loads_bounded(data: bytes | str, max_depth: int) -> object:
    """``json.loads`` after checking the nesting depth; :class:`JsonTooDeep` above ``max_depth``. A UTF-8 BOM is
    allowed; ``UnicodeDecodeError`` and ``json.JSONDecodeError`` come through for the caller to word."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    depth = json_depth(raw)
    if depth > max_depth:
        raise JsonTooDeep(depth, max_depth)
    return json.loads(raw.decode("utf-8-sig"))
