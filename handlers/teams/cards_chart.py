"""The BRAG chart on Teams: the picture inline in a card, and what it shows in words.

An Adaptive Card's Image takes a `data:` URL and alternative text; a bare image attachment has
no alternative text, so the card is the one a screen reader can tell about.
"""

import base64

from bot.delivery import OutgoingFile
from handlers.teams.cards_kit import card, heading, inert

# Teams shows a picture inline only within 1024 pixels each side and under 1 MB.
MAX_PICTURE_PX = 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def is_picture(file: OutgoingFile) -> bool:
    return file.content.startswith(PNG_SIGNATURE)


def chart_card(file: OutgoingFile) -> dict:
    png = file.redraw(MAX_PICTURE_PX) if file.redraw is not None else file.content
    image = {
        "type": "Image",
        "url": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        "altText": file.alt_text or file.title,
        "size": "Stretch",
    }
    return card([heading(inert(file.title)), image])
