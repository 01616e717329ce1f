"""Upload URLs for the file consent flow, answering as OneDrive upload sessions do.

When a user accepts a FileConsentCard, Teams hands the bot a OneDrive upload session URL. The bot
PUTs the bytes there with ``Content-Range: bytes {first}-{last}/{total}`` (one or more chunks,
in order) and no Authorization header: the URL itself is the credential, and Microsoft Graph warns
that sending a bearer token to it may be refused with 401, which is what this stand-in does.
"""

from __future__ import annotations

import dataclasses
import mimetypes
import re
from dataclasses import dataclass

from teams_standin.errors import Reply

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


@dataclass
class Upload:
    upload_id: str
    name: str
    content: bytes
    complete: bool = False
    total: int | None = None


def _graph_error(status: int, code: str, message: str) -> Reply:
    return status, {}, {"error": {"code": code, "message": message}}


class Uploads:
    def __init__(self) -> None:
        self._sessions: dict[str, Upload] = {}
        self._order: list[str] = []  # completion order

    def reset(self) -> None:
        self._sessions.clear()
        self._order.clear()

    def expect(self, upload_id: str, name: str) -> None:
        self._sessions[upload_id] = Upload(upload_id, name, b"")

    def completed(self) -> list[Upload]:
        return [dataclasses.replace(self._sessions[i]) for i in self._order]

    def receive(
        self, upload_id: str, chunk: bytes, content_range: str | None, authorization: str | None
    ) -> Reply:
        session = self._sessions.get(upload_id)
        if session is None or session.complete:
            return _graph_error(404, "itemNotFound", "The upload session was not found.")
        if authorization:
            return _graph_error(401, "unauthenticated", "Upload URLs take no Authorization.")
        match = _CONTENT_RANGE.fullmatch((content_range or "").strip())
        if match is None:
            return _graph_error(400, "invalidRequest", "Content-Range is missing or malformed.")
        first, last, total = (int(group) for group in match.groups())
        expected = len(session.content)
        if first != expected or last - first + 1 != len(chunk) or last >= total:
            return _graph_error(
                416, "invalidRange", f"Expected bytes {expected}- of {session.total or total}."
            )
        if session.total not in (None, total):
            return _graph_error(400, "invalidRequest", "The total size changed between chunks.")
        session.total = total
        session.content += chunk
        if len(session.content) < total:
            return 202, {}, {"nextExpectedRanges": [f"{len(session.content)}-"]}
        session.complete = True
        self._order.append(upload_id)
        mime = mimetypes.guess_type(session.name)[0] or "application/octet-stream"
        drive_item = {
            "id": f"01STANDIN{upload_id.upper()}",
            "name": session.name,
            "size": total,
            "file": {"mimeType": mime},
            "webUrl": f"https://standin.sharepoint.test/personal/Documents/{session.name}",
        }
        return 201, {}, drive_item
