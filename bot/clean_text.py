"""Text as it may be kept and shown: no control characters, nothing invisible that could hide or
reorder what others read.

One rule for every way text comes in (chat commands, forms, button values, an import, a chat
platform's profile) and for everything the database keeps (storage.types applies it again):

- Control characters (NUL and the rest) are removed: they are invisible, and PostgreSQL refuses
  NUL where SQLite keeps it, so removing them everywhere makes both databases agree. A tab becomes
  a space. A line break is kept in a multi-line field (a note, a description) and becomes a
  space in a one-line field (a title, a name).
- Characters that draw nothing are removed: every format character (zero-width spaces and
  joiners, byte order marks, soft hyphens, tags, and the bidirectional controls that can make
  a line read backwards) and Unicode's other "default ignorable" code points (fillers,
  variation selectors). So "A1" and "A<zero-width space>1" are both "A1".
  A few are kept where they are part of what a person sees: a joiner inside an emoji sequence
  (woman, joiner, laptop) or after a virama (Indic scripts), one variation selector on an
  emoji, a keycap or an ideograph, and the tag letters of a subdivision flag (England's).

Nothing visible is ever removed, so there is nothing to refuse: the text is simply kept clean.
"""

import re
import unicodedata

ZWNJ, ZWJ = "\u200c", "\u200d"
VS15, VS16 = "\ufe0e", "\ufe0f"
KEYCAP = "\u20e3"
_VIRAMA = 9  # canonical combining class of a virama

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), which includes every
# bidirectional control: U+061C, U+200E–U+200F, U+202A–U+202E and U+2066–U+2069.
_IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_VARIATION = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_LINE_BREAK = "\n\r\x0b\x0c\x85\u2028\u2029"
# A subdivision flag: a black flag, its region in tag letters, then the cancel tag.
_FLAG = re.compile("(\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,6}\U000e007f)")
_IS_IGNORABLE = re.compile(f"[{_IGNORABLE}]")
_IS_VARIATION = re.compile(f"[{_VARIATION}]")


def clean(text: str, *, multiline: bool) -> str:
    """`text` without control or invisible characters; line breaks kept only if `multiline`."""
    if text.isascii() and text.isprintable():
        return text  # the common case, and nothing to do
    text = text.replace("\r\n", "\n")
    # Flags are kept whole; everything between them is cleaned character by character.
    pieces = _FLAG.split(text)
    return "".join(
        piece if i % 2 else _clean_piece(piece, multiline) for i, piece in enumerate(pieces)
    )


def _clean_piece(text: str, multiline: bool) -> str:
    out: list[str] = []
    for i, char in enumerate(text):
        if char in _LINE_BREAK:
            out.append("\n" if multiline else " ")
        elif char == "\t":
            out.append(" ")
        elif _visible(char) or _kept(char, out, text[i + 1 : i + 2]):
            out.append(char)
    return "".join(out)


def _visible(char: str) -> bool:
    kind = unicodedata.category(char)
    return kind not in ("Cc", "Cs", "Cf") and not _IS_IGNORABLE.match(char)


def _kept(char: str, before: list[str], after: str) -> bool:
    """Whether an invisible character is part of what a person sees, given its neighbours
    (`before`: what is kept so far; `after`: the next character as typed)."""
    previous = before[-1] if before else ""
    if char in (ZWJ, ZWNJ) and previous and unicodedata.combining(previous) == _VIRAMA:
        return True
    if char == ZWJ:
        return _emoji_part(previous) and _emoji(after)
    if _IS_VARIATION.match(char):
        return _takes_variation(char, previous, after)
    return False


def _takes_variation(selector: str, previous: str, after: str) -> bool:
    """One selector, on a character that has variants: an emoji or keycap (VS15, VS16), or a
    letter or symbol beyond ASCII (an ideograph's or a maths symbol's variant)."""
    if not previous or _IS_VARIATION.match(previous):
        return False
    if selector in (VS15, VS16):
        return _emoji(previous) or (previous in "0123456789#*" and after == KEYCAP)
    return not previous.isascii() and unicodedata.category(previous)[0] in "LS"


def _emoji(char: str) -> bool:
    return bool(char) and not char.isascii() and unicodedata.category(char) == "So"


def _emoji_part(char: str) -> bool:
    """What may come before a joiner in an emoji sequence: an emoji, a skin tone, or VS16."""
    return _emoji(char) or char == VS16 or "\U0001f3fb" <= char <= "\U0001f3ff"
