"""What several routers' guards share.

A router-level filter (`router.message.filter(...)`) is checked once for the whole router and its
sub-routers: when it fails, aiogram skips every handler below it. Each feature router's guard states what
the router can take at all (a command, typed input for one of its steps, a file), so a plain question on
its way to the lookup passes the routers before it at one check each instead of one per handler.
"""

from __future__ import annotations

from aiogram.filters import Command
from aiogram.types import Message


def is_command(message: Message) -> bool:
    """Text or a caption that aiogram's `Command` filters would read as a command (`/help`, ` /help@bot`).

    `Command` splits the text on whitespace first, so leading spaces do not hide a command from it.
    """
    text = message.text or message.caption
    return bool(text) and text.lstrip().startswith("/")


def typed_text(message: Message) -> bool:
    """Typed text that is not a command (" /cancel" with a leading space is still /cancel)."""
    return bool(message.text) and not is_command(message)


def command(*names: str) -> Command:
    """The filter of the commands `names` in any case: a phone's keyboard capitalises the first letter, and
    "/Help" or "/HELP" is still /help."""
    return Command(*names, ignore_case=True)
