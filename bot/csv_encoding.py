"""Which encoding a CSV file is in: UTF-8 (with or without the byte order mark Excel writes),
Excel's older "CSV" encoding, Windows-1252, or Excel's "Unicode Text", UTF-16 with tabs.

Excel on Windows saves plain "CSV (Comma delimited)" in Windows-1252: "£", "é", curly quotes and
dashes are single bytes that are not UTF-8. Read as UTF-8 they would fail; read as Latin-1 they
would turn into other letters without a word. So the whole file is tried as UTF-8 first (a file
that is UTF-8 is almost never valid by accident otherwise), then as Windows-1252, and the report
says which was read. Nothing is guessed silently.
"""

import codecs
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 16


@dataclass(frozen=True)
class Encoding:
    codec: str
    delimiter: str = ","
    note: str | None = None  # for the import's report, when it is not UTF-8


UTF8 = Encoding("utf-8-sig")
CP1252 = Encoding(
    "cp1252",
    note="the file was read as Windows-1252 text (Excel's older “CSV” encoding), not UTF-8",
)
UTF16 = Encoding(
    "utf-16",
    "\t",
    "the file was read as UTF-16 text with tabs between columns (Excel's “Unicode Text”)",
)


class NotText(ValueError):
    """The file is in none of the encodings Excel writes."""


def detect(path: Path) -> Encoding:
    """The encoding to read the file with. Raises NotText, and OSError when it can't be read."""
    with path.open("rb") as file:
        start = file.read(4)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return UTF16
        file.seek(0)
        if _decodes(file, "utf-8"):
            return UTF8
        file.seek(0)
        if _decodes(file, "cp1252"):
            return CP1252
    raise NotText


def _decodes(file, codec: str) -> bool:
    """Whether the whole file decodes, read a chunk at a time: it is never held whole."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        while chunk := file.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
