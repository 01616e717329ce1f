"""`sendbot teams-package`: the zip a Teams admin uploads (Teams admin centre, or Apps › Manage
your apps › Upload an app): manifest.json and its two icons.

The manifest follows Microsoft's app manifest schema 1.29. The bot's app id is the Azure Bot's
(TEAMS_APP_ID), which is also the app's own id, as Microsoft suggests for a bot-only app.
"""

import io
import json
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageDraw

MANIFEST_VERSION = "1.29"
SCHEMA_URL = "https://developer.microsoft.com/json-schemas/teams/v1.29/MicrosoftTeams.schema.json"
ACCENT = "#1D70B8"  # GOV.UK blue
COLOR_ICON, OUTLINE_ICON = "color.png", "outline.png"
# Listed in Teams' command menu; a list may hold 12. The same commands work typed in full.
COMMANDS = (
    ("action mine", "Your open actions, with what is due"),
    ("action list", "Every open action; add wg N, owner @person or a status to narrow it"),
    ("action show", "One action and its history, e.g. action show 1.1"),
    ("action update", "Change an action's status with a note, e.g. action update 1.1 green"),
    ("action note", "Add a note to an action, e.g. action note 1.1 Met the SENCO network"),
    ("risk list", "The risk register"),
    ("risk log", "Log a new risk"),
    ("summary", "The plan at a glance: BRAG by working group, overdue and due soon"),
    ("deadline list", "Monitoring visits, board meetings and other deadlines"),
    ("home", "Your actions, risks and the next deadlines"),
    ("help", "What the bot can do"),
)


@dataclass(frozen=True)
class Publisher:
    """Who publishes the app in the tenant, as Teams shows it: usually the council."""

    name: str
    website: str
    privacy: str
    terms: str


def manifest(app_id: str, publisher: Publisher, version: str) -> dict:
    commands = [{"title": title, "description": words} for title, words in COMMANDS]
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": publisher.name[:32],
            "websiteUrl": publisher.website,
            "privacyUrl": publisher.privacy,
            "termsOfUseUrl": publisher.terms,
        },
        "name": {"short": "SEND bot", "full": "SEND Improvement Board bot"},
        "description": {
            "short": "Keeps the SEND improvement plan: actions, reminders, risks, summaries.",
            "full": (
                "Keeps the local area's SEND improvement plan (the Written Statement of Action or "
                "Priority Action Plan) up to date from Teams. Owners see and update their "
                "actions and are reminded before deadlines; working group leads see their "
                "group's; the board chair sees the whole plan, its risks and the readiness for "
                "the next monitoring visit. It stores no data about individual children."
            ),
        },
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team", "groupChat"],
                "supportsFiles": True,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal", "team", "groupChat"], "commands": commands[:12]}
                ],
            }
        ],
        "validDomains": [],
    }


def package(app_id: str, publisher: Publisher, version: str = "1.0.0") -> bytes:
    """The app package as the bytes of a zip file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "manifest.json", json.dumps(manifest(app_id, publisher, version), indent=2)
        )
        archive.writestr(COLOR_ICON, _color_icon())
        archive.writestr(OUTLINE_ICON, _outline_icon())
    return out.getvalue()


def _color_icon() -> bytes:
    """192 × 192, full colour: a white tick on the accent colour."""
    image = Image.new("RGB", (192, 192), ACCENT)
    ImageDraw.Draw(image).line([(48, 100), (82, 134), (146, 62)], fill="white", width=18)
    return _png(image)


def _outline_icon() -> bytes:
    """32 × 32, white on transparent, as Teams requires of the outline icon."""
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(7, 16), (13, 22), (25, 9)], fill=(255, 255, 255, 255), width=3)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
