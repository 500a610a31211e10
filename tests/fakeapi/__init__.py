"""A fake Telegram Bot API server for real-HTTP tests, load tests and benchmarks.

Usage from pytest-asyncio::

    from tests.fakeapi import FakeBotAPI

    async with FakeBotAPI.running(port=0) as fake:
        bot = fake.make_bot()          # aiogram Bot pointed at fake.base_url
        fake.inject_command("start")
        call = await fake.wait_for("sendMessage", timeout=5)

Standalone (another process)::

    python -m tests.fakeapi --port 8081 --rate 30 --per-chat-rate 1

See ``tests/fakeapi/server.py`` for the full description.
"""

from .server import (
    DEFAULT_TOKEN,
    ApiError,
    Call,
    FakeBotAPI,
    UploadedFile,
)

__all__ = ["DEFAULT_TOKEN", "ApiError", "Call", "FakeBotAPI", "UploadedFile"]
