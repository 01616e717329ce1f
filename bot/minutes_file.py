"""Reading minutes from the file a clerk sends: plain text or a Word document.

A Word document's paragraphs are read in order, and each table row becomes one line with its cells
between bars, as an action log pasted into text would be, so `minutes_actions` reads both alike.
"""

import io
from pathlib import Path

from bot.errors import UserError

MAX_BYTES = 5_000_000  # a year of minutes is far less; a bigger file is not minutes


def read_minutes(name: str, data: bytes) -> str:
    """The text of minutes named `name` (its suffix says how to read it)."""
    if len(data) > MAX_BYTES:
        raise UserError(f"{name} is larger than minutes ever are ({len(data):,} bytes).")
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        return _docx_text(name, data)
    if suffix in (".txt", ".text", ".md", ""):
        return _plain_text(data)
    raise UserError(f"{name} is not minutes I can read: send a .txt or .docx file.")


def _plain_text(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), else Windows-1252 as Word's "Plain Text" saves."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _docx_text(name: str, data: bytes) -> str:
    from docx import Document  # only when a Word file comes: it is slow to import
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError):
        raise UserError(f"{name} is not a Word document I can open.") from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            lines.append("")
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        " ".join(
                            "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                            for p in cell.iter()
                            if p.tag.endswith("}p")
                        ).strip()
                        for cell in row.iterchildren()
                        if cell.tag.endswith("}tc")
                    ]
                    lines.append(" | ".join(cells))
            lines.append("")
    return "\n".join(lines)
