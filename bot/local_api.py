"""An in-process Bot API: the real dispatcher talks to it instead of Telegram.

Used by `python -m bot chat` (the console) and by dispatcher-level tests. Every call is recorded;
results are built as Telegram would return them, so aiogram's own validation applies.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import (
    CallbackQuery,
    Chat,
    Document,
    File,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    MessageEntity,
    PhotoSize,
    Update,
    User,
)

from bot.limits import (
    ALERT_LIMIT,
    CAPTION_LIMIT,
    INLINE_KEYBOARD_BUTTONS,
    INLINE_KEYBOARD_ROW,
    MESSAGE_LIMIT,
    fits_callback_data,
    utf16_len,
)

BOT_USER = User(id=1000, is_bot=True, first_name="INSOP", username="insop_bot")
# Telegram's getFile refuses files over 20 MB ("file is too big"): a bot cannot download them.
DOWNLOAD_LIMIT = 20 * 1024 * 1024
_CHUNK = 65536


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    result: Any = None
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if isinstance(value, (int, str)) and str(value).lstrip("-").isdigit() else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def keyboard(self) -> InlineKeyboardMarkup | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, InlineKeyboardMarkup) else None


class LocalBotAPI(BaseSession):
    """A Bot API that lives in this process and remembers everything it was asked."""

    def __init__(self, listener: Callable[[Call], None] | None = None) -> None:
        super().__init__()
        self.calls: list[Call] = []
        # Calls Telegram would refuse for breaking its rules (markup, sizes, keyboards); `result` is the refusal.
        self.refused: list[Call] = []
        self.listener = listener
        self._message_ids: dict[int, itertools.count] = {}
        self._messages: dict[tuple[int, int], Message] = {}
        # Files users sent (console /file, tests): file id -> (file path, bytes, size getFile declares).
        self._files: dict[str, tuple[str, bytes, int | None]] = {}

    async def close(self) -> None:
        """Nothing to close: no connections."""

    def add_file(self, content: bytes, declared_size: int | None = -1) -> str:
        """Keep a file a user sends; its file id. getFile declares `declared_size` (default: the real size;
        None: no size, as Telegram may answer), so tests can check a download is bounded by what arrives."""
        file_id = f"upload-{len(self._files) + 1}"
        size = len(content) if declared_size == -1 else declared_size
        self._files[file_id] = (f"documents/file_{len(self._files) + 1}", content, size)
        return file_id

    async def stream_content(
        self, url: str, headers=None, timeout: int = 30, chunk_size: int = _CHUNK, raise_for_status: bool = True
    ) -> AsyncGenerator[bytes, None]:
        """A file a user sent, in chunks as over HTTP (the reader may stop early)."""
        for path, content, _size in self._files.values():
            if url.endswith("/" + path):
                for start in range(0, len(content), chunk_size):
                    yield content[start : start + chunk_size]
                return
        raise TelegramBadRequest(method=None, message="Not Found: file not found")  # type: ignore[arg-type]

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        """Record the call and answer as Telegram would."""
        name = method.__api_method__
        params = {key: value for key, value in method if value is not None}
        files = {key: await _read(value, bot) for key, value in params.items() if isinstance(value, InputFile)}
        problem = _over_limit(name, params, bot)
        if problem:
            # Kept: the bot's error handling may swallow the refusal, but a test must still see it.
            self.refused.append(Call(method=name, params=params, result=problem))
            raise TelegramBadRequest(method=method, message=problem)
        result = self._answer(name, params, files)
        call = Call(method=name, params=params, result=result, files=files)
        self.calls.append(call)
        if self.listener is not None:
            self.listener(call)
        return result

    def message(self, chat_id: int, message_id: int) -> Message | None:
        """A message the bot sent, as it is now (after edits)."""
        return self._messages.get((chat_id, message_id))

    def restore(self, messages: list[Message], last_message_id: int = 0) -> None:
        """Messages sent in an earlier run (the console's last buttons): known again, so pressing one of their
        buttons edits them as Telegram would, and each chat's next message ids follow the earlier ones."""
        for message in messages:
            self._messages[(message.chat.id, message.message_id)] = message
        for chat_id in {message.chat.id for message in messages}:
            known = max(message_id for (chat, message_id) in self._messages if chat == chat_id)
            self._message_ids[chat_id] = itertools.count(max(known, last_message_id) + 1)

    def _answer(self, name: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name in {"sendMessage", "sendPhoto", "sendDocument"}:
            return self._send(name, params, files)
        if name in {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}:
            return self._edit(name, params)
        if name == "getFile":
            return self._get_file(str(params.get("file_id") or ""))
        if name in {"getMyCommands", "getUpdates"}:
            return []
        if name in {
            "answerCallbackQuery",
            "sendChatAction",
            "setMyCommands",
            "deleteMyCommands",
            "deleteMessage",
            "answerInlineQuery",
            "setWebhook",
            "deleteWebhook",
            "setMyDescription",
            "setMyShortDescription",
        }:
            return True
        raise NotImplementedError(f"the local Bot API does not implement {name}")

    def _get_file(self, file_id: str) -> File:
        if file_id not in self._files:
            raise TelegramBadRequest(method=None, message="Bad Request: invalid file_id")  # type: ignore[arg-type]
        path, content, size = self._files[file_id]
        if len(content) > DOWNLOAD_LIMIT:
            raise TelegramBadRequest(method=None, message="Bad Request: file is too big")  # type: ignore[arg-type]
        return File(file_id=file_id, file_unique_id=file_id, file_size=size, file_path=path)

    def _send(self, name: str, params: dict[str, Any], files: dict[str, bytes]) -> Message:
        chat_id = int(params["chat_id"])
        message_id = next(self._message_ids.setdefault(chat_id, itertools.count(1)))
        content: dict[str, Any] = {}
        if name == "sendMessage":
            content["text"] = params["text"]
        else:
            content["caption"] = params.get("caption")
            blob = files.get("photo") or files.get("document") or b""
            file_id = f"local-{chat_id}-{message_id}"
            if name == "sendPhoto":
                content["photo"] = [
                    PhotoSize(file_id=file_id, file_unique_id=file_id, width=1, height=1, file_size=len(blob))
                ]
            else:
                filename = getattr(params.get("document"), "filename", None) or "file"
                content["document"] = Document(
                    file_id=file_id, file_unique_id=file_id, file_name=filename, file_size=len(blob)
                )
        message = Message(
            message_id=message_id,
            date=int(time.time()),
            chat=_chat(chat_id),
            from_user=BOT_USER,
            reply_markup=params.get("reply_markup")
            if isinstance(params.get("reply_markup"), InlineKeyboardMarkup)
            else None,
            **content,
        )
        self._messages[(chat_id, message_id)] = message
        return message

    def _edit(self, name: str, params: dict[str, Any]) -> Message | bool:
        if "inline_message_id" in params:
            return True
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self._messages.get(key)
        if message is None:
            from aiogram.exceptions import TelegramBadRequest

            raise TelegramBadRequest(method=None, message="Bad Request: message to edit not found")  # type: ignore[arg-type]
        changes: dict[str, Any] = {"reply_markup": params.get("reply_markup"), "edit_date": int(time.time())}
        if name == "editMessageText":
            changes["text"] = params["text"]
        elif name == "editMessageCaption":
            changes["caption"] = params.get("caption")
        edited = message.model_copy(update=changes)
        self._messages[key] = edited
        return edited


async def _read(value: InputFile, bot: Bot) -> bytes:
    chunks = [chunk async for chunk in value.read(bot)]
    return b"".join(chunks)


class UpdateFactory:
    """Builds the updates a Telegram client would send, with increasing update ids."""

    def __init__(self, start: int = 1) -> None:
        self._ids = itertools.count(start)

    def message(self, user: User, text: str, chat_id: int | None = None) -> Update:
        """A text message in the private chat (or in group `chat_id`, a negative id); a leading
        /command gets its bot_command entity."""
        entities = None
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            entities = [MessageEntity(type="bot_command", offset=0, length=_utf16_len(text[:length]))]
        chat = _chat(chat_id or user.id, user.first_name)
        update_id = next(self._ids)
        message = Message(
            message_id=update_id, date=int(time.time()), chat=chat, from_user=user, text=text, entities=entities
        )
        return Update(update_id=update_id, message=message)

    def document(self, user: User, file_id: str, filename: str | None, size: int | None, photo: bool = False) -> Update:
        """The user sent a file (kept with LocalBotAPI.add_file) as a document, or as a compressed picture."""
        update_id = next(self._ids)
        if photo:
            content = {"photo": [PhotoSize(file_id=file_id, file_unique_id=file_id, width=1, height=1, file_size=size)]}
        else:
            content = {
                "document": Document(file_id=file_id, file_unique_id=file_id, file_name=filename, file_size=size)
            }
        message = Message(
            message_id=update_id, date=int(time.time()), chat=_chat(user.id, user.first_name), from_user=user, **content
        )
        return Update(update_id=update_id, message=message)

    def press(self, user: User, message: Message, data: str) -> Update:
        """The user pressed the button carrying `data` under `message`."""
        update_id = next(self._ids)
        query = CallbackQuery(
            id=str(update_id), from_user=user, chat_instance=str(message.chat.id), message=message, data=data
        )
        return Update(update_id=update_id, callback_query=query)


def _chat(chat_id: int, first_name: str | None = None) -> Chat:
    # Telegram's ids: users (private chats) positive, groups negative (supergroups from -100...).
    if chat_id > 0:
        return Chat(id=chat_id, type="private", first_name=first_name)
    return Chat(id=chat_id, type="supergroup" if chat_id <= -1_000_000_000_000 else "group", title=f"Group {chat_id}")


def _utf16_len(text: str) -> int:
    # Telegram measures entity offsets in UTF-16 code units.
    return utf16_len(text)


class _VisibleText(HTMLParser):
    """The text of Telegram HTML as the reader sees it: tags dropped, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(text: str, parse_mode: str | None) -> str:
    """What Telegram counts against its limits: the text after entities parsing."""
    if (parse_mode or "").upper() != "HTML":
        return text
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


# The tags of Telegram's HTML parse mode; an unknown, unclosed or stray one makes Telegram refuse the message.
_TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}


class _HtmlRefused(ValueError):
    """Markup Telegram would refuse; str() is Telegram's description."""


class _TelegramHtml(HTMLParser):
    """Telegram's HTML parse mode as far as its refusals go (the fake HTTP Bot API applies the same rules)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open_tags: list[str] = []

    def _refuse(self, problem: str) -> None:
        raise _HtmlRefused(f"Bad Request: can't parse entities: {problem}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TELEGRAM_TAGS:
            self._refuse(f'Unsupported start tag "{tag}"')
        if tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self._refuse('Tag "span" must have class "tg-spoiler"')
        self.open_tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags:
            self._refuse(f'Unexpected end tag "{tag}"')
        if self.open_tags.pop() != tag:
            self._refuse(f'Unmatched end tag "{tag}"')


def html_problem(text: str) -> str | None:
    """Telegram's refusal of `text` in HTML parse mode (unknown tags, tags not closed in order), or None."""
    parser = _TelegramHtml()
    try:
        parser.feed(text)
        parser.close()
    except _HtmlRefused as refusal:
        return str(refusal)
    if parser.open_tags:
        return f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{parser.open_tags[-1]}\""
    return None


def keyboard_problem(markup: InlineKeyboardMarkup) -> str | None:
    """Telegram's refusal of an inline keyboard, or None: labels, callback data and button counts."""
    rows = markup.inline_keyboard
    if (
        len(rows) > INLINE_KEYBOARD_BUTTONS
        or sum(len(row) for row in rows) > INLINE_KEYBOARD_BUTTONS
        or any(len(row) > INLINE_KEYBOARD_ROW for row in rows)
    ):
        return "Bad Request: reply markup is too long"
    for row in rows:
        for button in row:
            if not button.text:
                return "Bad Request: can't parse inline keyboard button: Text must be non-empty"
            if not any(value is not None for key, value in button if key not in _NOT_ACTIONS):
                return (
                    "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if button.callback_data is not None and not fits_callback_data(button.callback_data):
                return "Bad Request: BUTTON_DATA_INVALID"
    return None


# A button's fields that are not what it does when pressed.
_NOT_ACTIONS = {"text", "style", "icon_custom_emoji_id"}


def _over_limit(name: str, params: dict[str, Any], bot: Bot) -> str | None:
    """Telegram's answer to a request over its size limits, or None: the same limits as the real API."""
    parse_mode = params.get("parse_mode")
    if isinstance(parse_mode, Default):
        parse_mode = bot.default[parse_mode.name]
    if (parse_mode or "").upper() == "HTML":
        problem = html_problem(str(params.get("text") or params.get("caption") or ""))
        if problem:
            return problem
    if name in {"sendMessage", "editMessageText"}:
        text = visible_text(str(params.get("text") or ""), parse_mode)
        if not text.strip():
            return "Bad Request: message text is empty"
        if utf16_len(text) > MESSAGE_LIMIT:
            return "Bad Request: message is too long"
    if name in {"sendPhoto", "sendDocument", "editMessageCaption"} and params.get("caption"):
        if utf16_len(visible_text(str(params["caption"]), parse_mode)) > CAPTION_LIMIT:
            return "Bad Request: message caption is too long"
    if name == "answerCallbackQuery" and utf16_len(str(params.get("text") or "")) > ALERT_LIMIT:
        return "Bad Request: MESSAGE_TOO_LONG"
    markup = params.get("reply_markup")
    if isinstance(markup, InlineKeyboardMarkup):
        return keyboard_problem(markup)
    return None
