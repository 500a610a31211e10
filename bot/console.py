"""`python -m bot chat`: the real dispatcher and handlers, driven from the terminal.

Each input line is a message from one user. Replies print as text; buttons print as numbered
options, and typing a number presses that button (`#2` presses button 2 even where a number is an
answer). `/file PATH` sends a local file as a document (a survey's document question, a form for
coordinators to publish). End of input ends the chat.

Update ids start from the clock, so a survey started in one run takes answers in the next (drafts
take each update id once), and the reminder sender runs on the in-process API: "Send now" delivers,
and what goes to other members prints with their chat id.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
from pathlib import Path
from typing import TextIO

from aiogram.types import InlineKeyboardButton, Message, User

from bot.app import build_bot, build_dispatcher, build_i18n, enable_sender, open_storage
from bot.config import Settings
from bot.local_api import DOWNLOAD_LIMIT, Call, LocalBotAPI, UpdateFactory

_TAG = re.compile(r"<[^>]+>")
LOCAL_TOKEN = "1000:local-console"  # the in-process API checks nothing; aiogram wants the shape


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(_TAG.sub("", text))


class ConsolePrinter:
    """Prints what the bot sends and remembers the buttons a number can press."""

    def __init__(self, out: TextIO, user_id: int | None = None) -> None:
        self.out = out
        self.user_id = user_id
        self.buttons: list[tuple[Message, InlineKeyboardButton]] = []
        self._batch_buttons: list[tuple[Message, InlineKeyboardButton]] = []
        self._batch_had_output = False

    def begin_turn(self) -> None:
        self._batch_buttons = []
        self._batch_had_output = False

    def end_turn(self) -> None:
        # The buttons of the latest replies are the ones a number presses.
        if self._batch_had_output:
            self.buttons = self._batch_buttons
        self.out.flush()

    def __call__(self, call: Call) -> None:
        if call.method in {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto", "sendDocument"}:
            self._print_message(call)
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            self.out.write(f"(!) {call.params['text']}\n\n")

    def _print_message(self, call: Call) -> None:
        if call.method == "editMessageReplyMarkup" and call.keyboard is None:
            return  # buttons removed from an answered question: nothing new to read
        if self.user_id is not None and call.chat_id is not None and call.chat_id != self.user_id:
            # The reminder sender delivering to another member: shown, but its buttons are not ours.
            self.out.write(f"(to chat {call.chat_id}) {plain(call.text or '').rstrip()}\n\n")
            self.out.flush()
            return
        self._batch_had_output = True
        if call.method == "sendPhoto":
            self.out.write(f"[picture, {len(call.files.get('photo', b''))} bytes]\n")
        elif call.method == "sendDocument":
            name = getattr(call.params.get("document"), "filename", "file")
            self.out.write(f"[file {name}, {len(call.files.get('document', b''))} bytes]\n")
        if call.method == "editMessageText":
            self.out.write("(edited) ")
        if call.text:
            self.out.write(plain(call.text).rstrip() + "\n")
        message = call.result if isinstance(call.result, Message) else None
        if call.keyboard is not None and message is not None:
            for row in call.keyboard.inline_keyboard:
                cells = []
                for button in row:
                    self._batch_buttons.append((message, button))
                    cells.append(f"[{len(self._batch_buttons)}] {button.text}")
                self.out.write("  ".join(cells) + "\n")
        self.out.write("\n")

    def button(self, text: str) -> tuple[Message, InlineKeyboardButton] | None:
        """The button a typed number stands for, if any.

        Under a question answered by typing (its only buttons are Back, Skip, Keep), a bare number is
        the answer; `#n` presses button n anywhere.
        """
        forced = text.startswith("#")
        number = text[1:] if forced else text
        if not (number.isdigit() and 1 <= int(number) <= len(self.buttons)):
            return None
        if not forced and all(_is_navigation(button) for _message, button in self.buttons):
            return None
        return self.buttons[int(number) - 1]


# Survey buttons that move around a typed question (back, skip, keep) rather than answer it.
_NAVIGATION = re.compile(r"^svs:[^:]*:[^:]*:[bsk](:|$)")


def _is_navigation(button: InlineKeyboardButton) -> bool:
    return bool(button.callback_data and _NAVIGATION.match(button.callback_data))


FILE_COMMAND = "/file"


def send_file(api: LocalBotAPI, updates: UpdateFactory, user: User, path_text: str, out: TextIO):
    """The update of `user` sending the local file at `path_text` as a document, or None (said why on `out`).

    Like Telegram, the Bot API declares the file's size and refuses to hand over more than 20 MB;
    more than that is never read into memory.
    """
    path = Path(path_text).expanduser()
    if not path_text:
        out.write("(!) usage: /file PATH\n\n")
        return None
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            content = handle.read(DOWNLOAD_LIMIT + 1)
    except OSError as error:
        out.write(f"(!) cannot read {path_text}: {error.strerror or error}\n\n")
        return None
    out.write(f"[you sent {path.name}, {size} bytes]\n")
    file_id = api.add_file(content, declared_size=size)
    return updates.document(user, file_id, path.name, size)


async def run_chat(settings: Settings, stdin: TextIO, stdout: TextIO, user_id: int, language: str | None, name: str) -> None:
    """Talk to the bot as one Telegram user until end of input."""
    storage = await open_storage(settings)
    i18n = build_i18n(settings)
    dispatcher = build_dispatcher(settings, storage, i18n)
    printer = ConsolePrinter(stdout, user_id)
    api = LocalBotAPI(listener=printer)
    bot = build_bot(LOCAL_TOKEN, settings, session=api)
    user = User(id=user_id, is_bot=False, first_name=name, language_code=language)
    enable_sender(dispatcher, settings, storage, i18n)
    # Ids from the clock (milliseconds) keep growing across runs, as Telegram's do.
    updates = UpdateFactory(start=time.time_ns() // 1_000_000)
    interactive = stdin.isatty()
    try:
        await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher)
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            pressed = printer.button(text.strip())
            printer.begin_turn()
            if pressed is not None and pressed[1].callback_data:
                message, button = pressed
                update = updates.press(user, message, button.callback_data)
            elif text.startswith(FILE_COMMAND + " ") or text.strip() == FILE_COMMAND:
                update = send_file(api, updates, user, text[len(FILE_COMMAND):].strip(), stdout)
                if update is None:
                    continue
            else:
                update = updates.message(user, text)
            await dispatcher.feed_update(bot, update)
            printer.end_turn()
        sender = dispatcher.workflow_data.get("sender")
        if sender is not None:
            # End of a scripted chat right after "Send now": deliver what is due before stopping.
            await asyncio.wait_for(sender.deliver_due(), timeout=30)
    finally:
        await dispatcher.emit_shutdown(bot=bot, dispatcher=dispatcher)
        await dispatcher.storage.close()
        await storage.engine.dispose()
