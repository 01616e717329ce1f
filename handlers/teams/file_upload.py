"""Saving a file where Teams said, once its person accepted it: the upload URL is a OneDrive
upload session. The bytes go in order, each piece with its `Content-Range`, and without an
Authorization header: the URL is the credential, and OneDrive may refuse a token sent to it."""

import httpx

# OneDrive takes pieces in multiples of 320 KiB, at most 60 MiB each; 5 MiB needs no tuning.
PIECE_BYTES = 16 * 320 * 1024
TIMEOUT_SECONDS = 30
UPLOAD_INFO_FIELDS = ("uploadUrl", "contentUrl", "name", "uniqueId", "fileType")


def upload_info(value: object) -> dict | None:
    """The `uploadInfo` of an accepted file consent, or None when Teams did not say where."""
    info = value.get("uploadInfo") if isinstance(value, dict) else None
    if not isinstance(info, dict):
        return None
    if not all(isinstance(info.get(key), str) for key in UPLOAD_INFO_FIELDS):
        return None
    return info


async def upload(url: str, content: bytes) -> None:
    """PUT the whole file; raises httpx.HTTPError when any piece is refused."""
    total = len(content)
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
        for first in range(0, total, PIECE_BYTES):
            piece = content[first : first + PIECE_BYTES]
            last = first + len(piece) - 1
            response = await client.put(
                url, content=piece, headers={"Content-Range": f"bytes {first}-{last}/{total}"}
            )
            response.raise_for_status()
