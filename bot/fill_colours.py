"""Which BRAG colour a spreadsheet cell is filled with, for trackers that colour RAG cells
instead of writing in them.

Fills are judged by hue, not by exact value: boards use Excel's standard red, amber and green,
its paler "Good"/"Bad"/"Neutral" styles, theme colours with a tint, and colours of their own.
"""

import colorsys
from xml.etree import ElementTree

from openpyxl.styles.colors import COLOR_INDEX

OTHER = "other"  # a fill that is not white and not one of the four colours
# The default Office theme, by the index a cell's colour gives (light 1, dark 1, light 2, dark 2,
# then accents 1 to 6), for a workbook whose own theme can't be read.
_OFFICE_THEME = (
    "FFFFFF",
    "000000",
    "E7E6E6",
    "44546A",
    "4472C4",
    "ED7D31",
    "A5A5A5",
    "FFC000",
    "5B9BD5",
    "70AD47",
)
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4")
_THEME_ORDER += ("accent5", "accent6")


def theme_colours(theme_xml: bytes | None) -> tuple[str, ...]:
    """The colours of a workbook's theme, in the order cells refer to them."""
    if not theme_xml:
        return _OFFICE_THEME
    try:
        root = ElementTree.fromstring(theme_xml)
    except ElementTree.ParseError:
        return _OFFICE_THEME
    found: dict[str, str] = {}
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in _THEME_ORDER and name not in found:
            for child in element:
                value = child.get("val") if child.tag.endswith("srgbClr") else child.get("lastClr")
                if value:
                    found[name] = value
                    break
    if len(found) < len(_THEME_ORDER):
        return _OFFICE_THEME
    return tuple(found[name] for name in _THEME_ORDER)


def fill_status(fill: object, theme: tuple[str, ...] = _OFFICE_THEME) -> str | None:
    """ "red", "amber", "green" or "blue" for a cell filled with that colour; OTHER for any other
    fill (grey, purple, a pale band); None for no fill or white."""
    if getattr(fill, "fill_type", None) in (None, "none"):
        return None
    rgb = _rgb(getattr(fill, "fgColor", None), theme)
    if rgb is None:
        return OTHER
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(red, green, blue)
    if saturation < 0.15 and value > 0.95:
        return None  # white, or as near white as makes no difference
    if saturation < 0.15 or value < 0.35:
        return OTHER
    degrees = hue * 360
    if degrees < 15 or degrees >= 330:
        return "red"
    if degrees < 70:
        return "amber"
    if degrees < 170:
        return "green"
    if degrees < 260:
        return "blue"
    return OTHER


def _rgb(colour: object, theme: tuple[str, ...]) -> str | None:
    """A colour as six hex digits, whichever way the workbook gave it."""
    kind = getattr(colour, "type", None)
    if kind == "rgb" and isinstance(colour.rgb, str) and len(colour.rgb) in (6, 8):
        return colour.rgb[-6:]
    if kind == "indexed" and 0 <= colour.indexed < len(COLOR_INDEX):
        return COLOR_INDEX[colour.indexed][-6:]
    if kind == "theme" and 0 <= colour.theme < len(theme):
        return _tinted(theme[colour.theme], float(colour.tint or 0))
    return None


def _tinted(rgb: str, tint: float) -> str:
    """A theme colour lightened or darkened as Excel does it: by its lightness."""
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    parts = colorsys.hls_to_rgb(hue, lightness, saturation)
    return "".join(f"{round(part * 255):02X}" for part in parts)
