"""`python -m bot chat`: the real dispatcher and handlers, driven from the terminal.

Each input line is a message from one user. Replies print as text; buttons print as numbered
options, and typing a number presses that button (`#2` presses button 2 even where a number is an
answer). `/file PATH` sends a local file as a document (a survey's document question, a form for
coordinators to publish). End of input ends the chat. Pictures and files the bot sends are saved to a
folder (`chat-files/` in the current directory unless `--files-dir` says otherwise) and their path is
printed; `--open` also opens each with the system viewer, when there is one.

Update ids start from the clock, so a survey started in one run takes answers in the next (drafts
take each update id once), and the reminder sender runs on the in-process API: "Send now" delivers,
and what goes to other members prints with their chat id. The buttons a number presses are kept per
console user in the bot's conversation storage (a destiny of their own), so after a restart the numbers
still press the buttons of the last message that had some; the chat shows them again on start.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from aiogram import Bot
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import InlineKeyboardButton, Message, User

from bot.app import build_bot, build_dispatcher, build_i18n, enable_sender, open_storage
from bot.config import Settings
from bot.local_api import DOWNLOAD_LIMIT, Call, LocalBotAPI, UpdateFactory

_TAG = re.compile(r"<[^>]+>")
LOCAL_TOKEN = "1000:local-console"  # the in-process API checks nothing; aiogram wants the shape
# The FSM storage destiny under which the console keeps a user's last buttons (apart from the bot's own steps).
CONSOLE_DESTINY = "console"


FILES_DIR = Path("chat-files")
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
_NAME_CHARS = 100


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(_TAG.sub("", text))


def open_with_viewer(path: Path) -> str | None:
    """Open `path` with the system's viewer, without waiting; None when it started, else why not (never raises)."""
    if sys.platform.startswith("win"):
        try:
            os.startfile(str(path))  # type: ignore[attr-defined]  # Windows only
            return None
        except OSError as error:
            return error.strerror or str(error)
    opener = shutil.which("open" if sys.platform == "darwin" else "xdg-open")
    if opener is None:
        return "no system viewer (xdg-open) found"
    try:
        subprocess.Popen(
            [opener, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        return error.strerror or str(error)
    return None


def _picture_suffix(content: bytes) -> str:
    if content.startswith(b"\x89PNG"):
        return ".png"
    if content.startswith(b"\xff\xd8"):
        return ".jpg"
    return ".bin"


class ConsolePrinter:
    """Prints what the bot sends, saves the pictures and files it sends, and remembers the buttons a number can press."""

    def __init__(
        self,
        out: TextIO,
        user_id: int | None = None,
        files_dir: Path | None = FILES_DIR,
        open_files: bool = False,
        opener: Callable[[Path], str | None] = open_with_viewer,
    ) -> None:
        self.out = out
        self.user_id = user_id
        self.files_dir = files_dir
        self.open_files = open_files
        self.opener = opener
        self.buttons: list[tuple[Message, InlineKeyboardButton]] = []
        self._batch_buttons: list[tuple[Message, InlineKeyboardButton]] = []
        self._batch_had_output = False
        # The row of each button (for showing restored buttons as they were laid out), the newest message id.
        self._rows: list[int] = []
        self._batch_rows: list[int] = []
        self._row = 0
        self.last_message_id = 0

    def begin_turn(self) -> None:
        self._batch_buttons = []
        self._batch_rows = []
        self._batch_had_output = False

    def end_turn(self) -> bool:
        """Close a turn; whether the buttons a number presses changed (to be kept for the next run)."""
        # The buttons of the latest replies are the ones a number presses.
        changed = self._batch_had_output
        if changed:
            self.buttons, self._rows = self._batch_buttons, self._batch_rows
        self.out.flush()
        return changed

    def saved(self) -> dict[str, Any]:
        """The buttons a number presses, as JSON-able data for the next run."""
        messages: list[Message] = []
        for message, _button in self.buttons:
            if all(known is not message for known in messages):
                messages.append(message)
        return {
            "messages": [message.model_dump(mode="json", exclude_none=True) for message in messages],
            "buttons": [
                {
                    "message": next(index for index, known in enumerate(messages) if known is message),
                    "row": row,
                    "button": button.model_dump(mode="json", exclude_none=True),
                }
                for (message, button), row in zip(self.buttons, self._rows, strict=True)
            ],
            "last_message_id": self.last_message_id,
        }

    def restore(self, saved: dict[str, Any]) -> list[Message]:
        """Take back the buttons of an earlier run (see `saved`) and show them; the messages they are under."""
        try:
            messages = [Message.model_validate(message) for message in saved.get("messages") or []]
            buttons = [
                (messages[item["message"]], InlineKeyboardButton.model_validate(item["button"]), int(item["row"]))
                for item in saved.get("buttons") or []
            ]
            self.last_message_id = int(saved.get("last_message_id") or 0)
        except (ValueError, TypeError, KeyError, IndexError):
            return []  # kept by another version of the console: start without them
        if not buttons:
            return []
        self.buttons = [(message, button) for message, button, _row in buttons]
        self._rows = [row for _message, _button, row in buttons]
        self.out.write("(the last message with buttons, from your previous chat)\n")
        for message in messages:
            text = message.text or message.caption
            if text:
                self.out.write(plain(text).rstrip() + "\n")
        lines: dict[int, list[str]] = {}
        for number, (_message, button, row) in enumerate(buttons, 1):
            lines.setdefault(row, []).append(f"[{number}] {button.text}")
        self.out.write("\n".join("  ".join(cells) for cells in lines.values()) + "\n\n")
        self.out.flush()
        return messages

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
            content = call.files.get("photo", b"")
            self._show_file("picture", "picture" + _picture_suffix(content), content)
        elif call.method == "sendDocument":
            name = getattr(call.params.get("document"), "filename", None) or "file"
            self._show_file(f"file {name}", name, call.files.get("document", b""))
        if call.method == "editMessageText":
            self.out.write("(edited) ")
        if call.text:
            self.out.write(plain(call.text).rstrip() + "\n")
        message = call.result if isinstance(call.result, Message) else None
        if message is not None:
            self.last_message_id = max(self.last_message_id, message.message_id)
        if call.keyboard is not None and message is not None:
            for row in call.keyboard.inline_keyboard:
                cells = []
                self._row += 1
                for button in row:
                    self._batch_buttons.append((message, button))
                    self._batch_rows.append(self._row)
                    cells.append(f"[{len(self._batch_buttons)}] {button.text}")
                self.out.write("  ".join(cells) + "\n")
        self.out.write("\n")

    def _show_file(self, what: str, name: str, content: bytes) -> None:
        """Save what the bot sent and print where; a file that cannot be saved is still announced."""
        path = self._save(name, content) if content and self.files_dir is not None else None
        if path is None:
            self.out.write(f"[{what}, {len(content)} bytes]\n")
            return
        self.out.write(f"[{what}, {len(content)} bytes, saved to {path}]\n")
        if self.open_files:
            problem = self.opener(path)
            if problem:
                self.out.write(f"(!) cannot open {path}: {problem}\n")

    def _save(self, name: str, content: bytes) -> Path | None:
        # The bot names the file: keep the last path part, harmless characters only, a bounded length.
        stem_and_suffix = _UNSAFE_NAME.sub("_", Path(name).name).strip("._") or "file"
        base = Path(stem_and_suffix[-_NAME_CHARS:])
        try:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            for number in range(1, 10_000):
                candidate = self.files_dir / (base.name if number == 1 else f"{base.stem}-{number}{base.suffix}")
                try:
                    # "x": never overwrite a file an earlier reply (or run) saved.
                    with candidate.open("xb") as handle:
                        handle.write(content)
                    return candidate
                except FileExistsError:
                    continue
        except OSError as error:
            self.out.write(f"(!) cannot save {base.name} in {self.files_dir}: {error.strerror or error}\n")
        return None

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


def _buttons_key(bot: Bot, user_id: int) -> StorageKey:
    return StorageKey(bot_id=bot.id, chat_id=user_id, user_id=user_id, destiny=CONSOLE_DESTINY)


async def restore_buttons(storage: BaseStorage, bot: Bot, api: LocalBotAPI, printer: ConsolePrinter) -> None:
    """The buttons of the user's last message with buttons in an earlier run: shown, and pressed by number."""
    if printer.user_id is None:
        return
    messages = printer.restore(await storage.get_data(_buttons_key(bot, printer.user_id)))
    if messages:
        api.restore(messages, printer.last_message_id)


async def keep_buttons(storage: BaseStorage, bot: Bot, printer: ConsolePrinter) -> None:
    """Remember the buttons a number presses now, for the next run."""
    if printer.user_id is not None:
        await storage.set_data(_buttons_key(bot, printer.user_id), printer.saved())


async def run_chat(
    settings: Settings,
    stdin: TextIO,
    stdout: TextIO,
    user_id: int,
    language: str | None,
    name: str,
    files_dir: Path = FILES_DIR,
    open_files: bool = False,
) -> None:
    """Talk to the bot as one Telegram user until end of input; pictures and files it sends go to `files_dir`."""
    storage = await open_storage(settings)
    i18n = build_i18n(settings)
    dispatcher = build_dispatcher(settings, storage, i18n)
    printer = ConsolePrinter(stdout, user_id, files_dir=files_dir, open_files=open_files)
    api = LocalBotAPI(listener=printer)
    bot = build_bot(LOCAL_TOKEN, settings, session=api)
    user = User(id=user_id, is_bot=False, first_name=name, language_code=language)
    enable_sender(dispatcher, settings, storage, i18n)
    # Ids from the clock (milliseconds) keep growing across runs, as Telegram's do.
    updates = UpdateFactory(start=time.time_ns() // 1_000_000)
    interactive = stdin.isatty()
    try:
        await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher)
        await restore_buttons(dispatcher.storage, bot, api, printer)
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
                update = send_file(api, updates, user, text[len(FILE_COMMAND) :].strip(), stdout)
                if update is None:
                    continue
            else:
                update = updates.message(user, text)
            await dispatcher.feed_update(bot, update)
            if printer.end_turn():
                await keep_buttons(dispatcher.storage, bot, printer)
        sender = dispatcher.workflow_data.get("sender")
        if sender is not None:
            # End of a scripted chat right after "Send now": deliver what is due before stopping.
            await asyncio.wait_for(sender.deliver_due(), timeout=30)
    finally:
        await dispatcher.emit_shutdown(bot=bot, dispatcher=dispatcher)
        await dispatcher.storage.close()
        await storage.engine.dispose()
