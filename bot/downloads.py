"""Downloading a file a user sent, bounded: the download stops once a limit is passed, whatever size
Telegram declared."""

from __future__ import annotations

import contextlib
import io

from aiogram import Bot


class FileTooLarge(Exception):
    """The file is larger than the limit (counted while downloading it)."""


class CappedBuffer(io.BytesIO):
    """A download destination that stops the download once `limit` bytes have arrived."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data) -> int:
        if self.tell() + len(data) > self.limit:
            raise FileTooLarge(self.limit)
        return super().write(data)


async def download_capped(bot: Bot, file_id: str, limit: int) -> bytes:
    """The file's bytes from the Bot API, at most `limit` of them (FileTooLarge beyond)."""
    file = await bot.get_file(file_id)
    if file.file_size and file.file_size > limit:
        raise FileTooLarge(limit)
    buffer = CappedBuffer(limit)
    if bot.session.api.is_local:  # a local Bot API server: the file is on this machine
        await bot.download_file(file.file_path, destination=buffer)
        return buffer.getvalue()
    url = bot.session.api.file_url(bot.token, file.file_path)
    # Closed as soon as the limit is passed: the rest of the body is never read.
    async with contextlib.aclosing(bot.session.stream_content(url=url, timeout=60, raise_for_status=True)) as stream:
        async for chunk in stream:
            buffer.write(chunk)
    return buffer.getvalue()
