"""Check an XLSX file before openpyxl opens it.

An XLSX file is a zip of XML parts. A small file can unpack to gigabytes (a zip bomb), and
openpyxl, even read-only, parses some parts whole into objects, where a megabyte of XML can take
over a hundred megabytes of memory. So the sizes the parts declare are checked first; Python's
zipfile then never unpacks more of a part than it declared (a part that lies fails its checksum).
"""

import math
import posixpath
import zipfile
from xml.etree import ElementTree

MB = 1024 * 1024
# The benchmarks' plan of 10,000 actions exports to a workbook that unpacks to 12 MB (its
# actions and history sheets); a board's real plan unpacks to well under 1 MB. Reading a sheet
# costs time for every byte, and memory too for a sheet that doesn't declare its size: openpyxl
# then keeps an object for each row, and 32 MB of bare rows take it to about 270 MB.
MAX_UNPACKED_BYTES = 32 * MB
# Deflate packs at most about 1,000 to 1 and real sheets about 5 to 15 to 1: a big part packed
# tighter than this was made to unpack to far more than it holds.
MAX_RATIO = 100
RATIO_FROM_BYTES = 1 * MB  # small parts (styles, say) may pack tightly and harm no one
# Parts openpyxl parses whole (the workbook, styles, relationships, chart sheets) take a few
# kilobytes in a real workbook; a megabyte of crafted XML in one costs openpyxl 30 to 120 MB.
MAX_WHOLE_PART_BYTES = 1 * MB
# The workbook's shared strings: the text of its cells, held in memory all the time it is read,
# at up to 7 bytes for each byte of XML. 10,000 actions with a title and a 500-character
# description each make about 6 MB of them.
MAX_STRINGS_BYTES = 16 * MB
# Real workbooks have tens of parts; each is listed in memory and its relationships looked at.
MAX_PARTS = 10_000
# Excel and other spreadsheet programs deflate parts or store them as they are. Python's zipfile
# also unpacks bzip2 and LZMA, but those without a bound on how much one read unpacks.
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}

# What openpyxl 3.1 parses whole when it opens a workbook read-only: these parts by name, every
# relationships part, the workbook part that [Content_Types].xml names, and chart sheets with
# all they use. It streams the sheets, keeps the shared strings' text, and never opens the
# other parts.
_READ_WHOLE = (
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/styles.xml",
    "xl/theme/theme1.xml",
    "docProps/core.xml",
    "docProps/custom.xml",
)
_WORKBOOK_TYPES = {
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "openxmlformats-officedocument.spreadsheetml.sheet",
        "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled",
        "ms-excel.template.macroEnabled",
    )
}
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SAY_WHAT_TO_DO = "Save the plan as “CSV UTF-8” and import that."


class UnsafeWorkbook(ValueError):
    """Why a workbook was not opened, as words that follow the file's name."""


def check_workbook(archive: zipfile.ZipFile) -> None:
    """Raise UnsafeWorkbook unless openpyxl can open the archive within the bounds above."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise UnsafeWorkbook(
            f"has {len(parts):,} parts; a workbook may have {MAX_PARTS:,}. {_SAY_WHAT_TO_DO}"
        )
    for part in parts:
        if part.compress_type not in _METHODS:
            raise UnsafeWorkbook(
                "is packed in a way spreadsheet programs don't use, so it was not opened. "
                + _SAY_WHAT_TO_DO
            )
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        raise UnsafeWorkbook(
            f"would unpack to {megabytes(total)}; an import unpacks at most "
            f"{MAX_UNPACKED_BYTES // MB} MB. {_SAY_WHAT_TO_DO}"
        )
    for part in parts:
        if part.file_size > max(RATIO_FROM_BYTES, MAX_RATIO * part.compress_size):
            ratio = part.file_size // max(part.compress_size, 1)
            raise UnsafeWorkbook(
                f"has a part ({_shown(part.filename)}) that would unpack to {ratio:,} times its "
                f"size; real workbooks stay under {MAX_RATIO} times, so it was not opened. "
                + _SAY_WHAT_TO_DO
            )
    sizes = {part.filename: part.file_size for part in parts}
    types = _content_types(archive, sizes)
    for name in _parts_read_whole(archive, sizes, types):
        _check_part(sizes, name, MAX_WHOLE_PART_BYTES, "that is read whole")
    for name in types.get(_SHARED_STRINGS, set()) & sizes.keys():
        _check_part(sizes, name, MAX_STRINGS_BYTES, "of text, which is held whole")


def _parts_read_whole(
    archive: zipfile.ZipFile, sizes: dict[str, int], types: dict[str, set[str]]
) -> set[str]:
    whole = {name for name in sizes if name in _READ_WHOLE or name.endswith(".rels")}
    workbooks = {"xl/workbook.xml"}.union(*(types.get(kind, set()) for kind in _WORKBOOK_TYPES))
    whole |= workbooks
    chart_sheets = [
        target
        for workbook in workbooks
        for kind, target in _relationships(archive, sizes, workbook)
        if "chartsheet" in kind
    ]
    seen: set[str] = set()
    while chart_sheets:  # a chart sheet's drawings, their charts, pictures…
        part = chart_sheets.pop()
        if part not in seen:
            seen.add(part)
            chart_sheets += [target for _, target in _relationships(archive, sizes, part)]
    return (whole | seen) & sizes.keys()


def _content_types(archive: zipfile.ZipFile, sizes: dict[str, int]) -> dict[str, set[str]]:
    """The parts [Content_Types].xml names, by their type: how openpyxl finds the workbook and
    its shared strings."""
    root = _xml(archive, sizes, "[Content_Types].xml")
    types: dict[str, set[str]] = {}
    for element in root.iter() if root is not None else ():
        if _local(element.tag) == "Override":
            part = element.get("PartName", "").removeprefix("/")
            types.setdefault(element.get("ContentType", ""), set()).add(part)
    return types


def _relationships(
    archive: zipfile.ZipFile, sizes: dict[str, int], part: str
) -> list[tuple[str, str]]:
    """(type, target part) for each relationship of a part, resolved as openpyxl resolves them."""
    folder = posixpath.dirname(part)
    rels = _xml(archive, sizes, posixpath.join(folder, "_rels", posixpath.basename(part) + ".rels"))
    found = []
    for element in rels.iter() if rels is not None else ():
        if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        target = element.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        found.append((element.get("Type", ""), target))
    return found


def _xml(archive: zipfile.ZipFile, sizes: dict[str, int], name: str) -> ElementTree.Element | None:
    if name not in sizes:
        return None
    _check_part(sizes, name, MAX_WHOLE_PART_BYTES, "that is read whole")
    return ElementTree.fromstring(archive.read(name))


def _check_part(sizes: dict[str, int], name: str, limit: int, what: str) -> None:
    if sizes[name] > limit:
        raise UnsafeWorkbook(
            f"has a part ({_shown(name)}) of {megabytes(sizes[name])} {what}; the most is "
            f"{limit // MB} MB. Copy the plan into a new workbook, or save it as “CSV UTF-8”, "
            "and import that."
        )


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def megabytes(size: int) -> str:
    """A size in MB, rounded up: a file just over 20 MB is not “20.0 MB”."""
    return f"{math.ceil(size * 10 / MB) / 10:,.1f} MB"


def _shown(name: str) -> str:
    """A part's name inside a message: one line, and short."""
    shown = " ".join(name.split())
    return shown if len(shown) <= 60 else shown[:59] + "…"
