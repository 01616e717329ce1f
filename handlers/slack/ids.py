"""The shapes of Slack's own identifiers. Only the Slack door (and the entry that asks it) knows
them; the core treats every account id and channel address as opaque text."""

import re

PLATFORM = "slack"
PLATFORM_NAME = "Slack"

# Enterprise Grid user IDs start with W instead of U.
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}", re.ASCII)
# A bare ID typed by hand must hold a digit, so words like "URGENT" are not taken for people.
TYPED_USER_ID = re.compile(r"[UW](?=[A-Z]*[0-9])[A-Z0-9]{2,}", re.ASCII)
# Private channels in older workspaces have G ids; direct messages D.
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}", re.ASCII)


def is_user_id(text: str) -> bool:
    return USER_ID.fullmatch(text) is not None


def is_channel_id(text: str) -> bool:
    return CHANNEL_ID.fullmatch(text) is not None
