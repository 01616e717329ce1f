"""The shapes of Teams' own identifiers, for settings and plan files. Only the Teams door (and the
entry that asks it) knows them; the core treats every account id and channel as opaque text."""

import re

PLATFORM = "teams"
PLATFORM_NAME = "Teams"
# A person is their Microsoft Entra (AAD) object id, a GUID: the same in every team and chat.
USER_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
USER_ID_EXAMPLE = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
# A team's channels (and the team itself, whose General channel has its id): 19:…@thread.tacv2,
# or @thread.skype in teams made before 2020.
CHANNEL_ID = re.compile(r"19:[0-9A-Za-z_.-]{1,100}@thread\.(tacv2|skype)", re.ASCII)


def is_user_id(text: str) -> bool:
    return USER_ID.fullmatch(text) is not None


def is_channel_id(text: str) -> bool:
    return CHANNEL_ID.fullmatch(text) is not None
