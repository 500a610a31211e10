"""FakeBotAPI: an in-process / standalone fake of api.telegram.org (loopback only).

An unmodified aiogram 3 bot talks to it over real HTTP::

    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = Bot(fake.token, session=session)       # or simply fake.make_bot()

Bot API side (``/bot{token}/{method}``, GET or POST, JSON / urlencoded /
multipart bodies, method names case-insensitive) answers with the same
``{"ok": ..., "result"|"error_code"/"description"/"parameters"}`` envelopes and
HTTP status codes as Telegram.  Wrong token -> 401 ``Unauthorized``; unknown
method -> 404 ``Not Found``.  Uploaded files can be downloaded again from
``/file/bot{token}/{file_path}`` after ``getFile``.

Test side: Python control methods on the object (``inject_message``,
``inject_command``, ``press_button``, ``inject_callback_query``,
``inject_inline_query``, ``inject_update``, ``calls``, ``sent_messages``,
``wait_for``, ``last_inline_keyboard``, ``fail_next``, ``set_blocked``,
``configure``, ``reset``, ``stats``...) mirrored as HTTP endpoints under
``/_fake/...`` for tests living in another process (see ``_setup_routes``).

Time scale
----------
``time_scale`` (default 1.0) is how many *fake* seconds pass per wall-clock
second.  Every duration the server measures is in fake seconds and therefore
runs ``time_scale`` times faster on the wall clock: getUpdates ``timeout``,
rate-limit windows, the lock-out after a 429, webhook retry back-off and
``latency``.  With ``time_scale=10``: ``getUpdates(timeout=30)`` returns empty
after 3 wall seconds, a per-chat limit of 1 msg/s admits 10 msg per wall
second, and a 429 with ``retry_after=1`` lets the chat send again after 0.1
wall second.  Numbers reported to the client (``retry_after``) stay integer
*fake* seconds as Telegram's contract requires, so a client that sleeps exactly
``retry_after`` wall seconds is merely slower than necessary.  Message
``date`` fields always use the real unix time.

Rate limiting
-------------
Sliding windows counted over ``rate_limited_methods`` (sendMessage,
sendPhoto, sendDocument, edit* ...): a global one (``rate_limit`` msgs per
second, e.g. 30) and a per-chat one (``per_chat_rate_limit``, e.g. 1;
``group_rate_limit`` replaces it for chats with negative ids).  Rates >= 1 are
counted over a 1 s window (``rate`` messages per any 1 s), rates below 1 over a
60 s window (``group_rate_limit=20/60``: 20 messages per any 60 s).
Exceeding answers 429 ``Too Many Requests: retry after N`` with
``parameters.retry_after = N``; N is ``retry_after`` if configured, otherwise
the (ceil) time until the window admits a message again, and at least 1.  With
``penalize=True`` (default, like Telegram's flood wait) the key then stays
locked for those N seconds.  Rejected calls do not consume quota.  Counters:
``fake.stats``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import hashlib
import ipaddress
import itertools
import json
import logging
import math
import mimetypes
import re
import struct
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout, MultipartReader, web

from .formatting import EntityParseError, format_text, utf16_len

log = logging.getLogger("tests.fakeapi")

DEFAULT_TOKEN = "123456789:AAF-fake-token-for-tests_only"
DEFAULT_USER_ID = 1000001

CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"

DEFAULT_RATE_LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)
# Methods that target a chat and fail with 403 when the user blocked the bot.
_BLOCKABLE_METHODS = DEFAULT_RATE_LIMITED_METHODS | {"sendChatAction"}

DEFAULT_ALLOWED_UPDATES = None  # None = everything except the opt-in types below
_OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}

CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}

# --- parameter decoding ------------------------------------------------------

_JSON_KEYS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "results",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
    "button",
    "media",
    "permissions",
    "rights",
    "menu_button",
    "message_ids",
    "reaction",
    "options",
    "prices",
}
_TEXT_KEYS = {
    "text",
    "caption",
    "description",
    "short_description",
    "name",
    "query",
    "data",
    "title",
    "url",
    "secret_token",
    "next_offset",
    "callback_query_id",
    "inline_query_id",
    "inline_message_id",
    "language_code",
    "file_id",
    "photo",
    "document",
    "parse_mode",
    "action",
}
_INT_KEYS = {
    "chat_id",
    "message_id",
    "from_chat_id",
    "user_id",
    "offset",
    "limit",
    "timeout",
    "cache_time",
    "max_connections",
    "message_thread_id",
    "reply_to_message_id",
}
_INT_RE = re.compile(r"-?\d+")
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _decode_value(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in _JSON_KEYS or (key not in _TEXT_KEYS and value[:1] in ("{", "[")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if key in _INT_KEYS and _INT_RE.fullmatch(value):
        return int(value)
    if key not in _TEXT_KEYS and value in ("true", "false", "True", "False"):
        return value.lower() == "true"
    return value


# --- data classes --------------------------------------------------------------


class ApiError(Exception):
    """An error answer of the Bot API: raised inside method handlers."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclasses.dataclass
class UploadedFile:
    """A file received in a multipart upload (or by file_id re-use)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes
    file_id: str = ""
    file_unique_id: str = ""
    file_path: str = ""
    method: str = ""
    chat_id: Any = None

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def to_dict(self, with_data: bool = False) -> dict[str, Any]:
        d = {
            "field": self.field,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "method": self.method,
            "chat_id": self.chat_id,
        }
        if with_data:
            d["data_b64"] = base64.b64encode(self.data).decode()
        return d


@dataclasses.dataclass
class Call:
    """One Bot API request the bot made (recorded after it was answered)."""

    seq: int
    method: str  # canonical name, e.g. "sendMessage" (raw name if unknown)
    params: dict[str, Any]
    time: float  # time.time() when the request arrived
    files: dict[str, UploadedFile] = dataclasses.field(default_factory=dict)
    status: int = 200
    ok: bool = True
    result: Any = None
    error: str | None = None
    via: str = "http"  # "http" or "webhook_reply"
    duration: float = 0.0

    def to_dict(self, with_data: bool = False) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "method": self.method,
            "params": self.params,
            "time": self.time,
            "files": {k: f.to_dict(with_data) for k, f in self.files.items()},
            "status": self.status,
            "ok": self.ok,
            "result": self.result,
            "error": self.error,
            "via": self.via,
            "duration": self.duration,
        }


@dataclasses.dataclass
class _Fault:
    code: int
    description: str
    retry_after: int | None
    remaining: int


# --- image header sniffing (for PhotoSize width/height) -----------------------


def _image_size(data: bytes) -> tuple[int, int] | None:
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
            w, h = struct.unpack(">II", data[16:24])
            return int(w), int(h)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            w, h = struct.unpack("<HH", data[6:10])
            return int(w), int(h)
        if data[:2] == b"\xff\xd8":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                    i += 2
                    continue
                seg_len = struct.unpack(">H", data[i + 2 : i + 4])[0]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                    return int(w), int(h)
                i += 2 + seg_len
    except (struct.error, IndexError):
        return None
    return None


def _is_loopback_host(host: str) -> bool:
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _update_type(update: dict[str, Any]) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""


def _subset_match(params: dict[str, Any], expected: dict[str, Any]) -> bool:
    for key, value in expected.items():
        if key not in params:
            return False
        actual = params[key]
        if actual != value and str(actual) != str(value):
            return False
    return True


# --- the server ---------------------------------------------------------------


class FakeBotAPI:
    """Fake Telegram Bot API.  ``fake.app`` is the aiohttp application.

    Constructor options (all keyword, all can be changed later via
    :meth:`configure` except token/username):

    token                bot token accepted (others get 401); bot id = digits before ':'
    username, first_name the bot user returned by getMe and used as message ``from``
    rate_limit           global sends per (fake) second, None = off (Telegram: ~30)
    per_chat_rate_limit  sends per (fake) second per chat, None = off (Telegram: ~1)
    group_rate_limit     per-chat limit for group/channel chats (id < 0) instead of
                         per_chat_rate_limit, e.g. 20/60 (Telegram: 20 msgs/minute)
    retry_after          fixed retry_after to report on 429 (None = computed, >= 1)
    penalize             keep a rate-limited key locked for retry_after (default True)
    rate_limited_methods methods counted by the rate limiter
    time_scale           fake seconds per wall second (see module doc)
    blocked              iterable of chat ids that blocked the bot (403 on sends)
    latency              fake seconds added before answering every API call
    parse_html           emulate parse_mode=HTML (strip tags, build entities, 400 on bad markup)
    strict_chats         400 "chat not found" for chats that never wrote to the bot
    webhook_max_attempts delivery attempts per update before it is dropped (default 3)
    webhook_retry_delay  first back-off between attempts (fake s, doubled each time)
    webhook_timeout      wall seconds to wait for the webhook receiver
    allow_external_webhooks  permit non-loopback webhook URLs (default False)
    record_calls         keep ``calls`` (disable for long load tests)
    max_calls            trim ``calls`` to this many (oldest half dropped)
    first_update_id      id of the first injected update
    deliver_all_kinds    deliver updates of kinds the bot did not subscribe to (``allowed_updates``),
                         as a misbehaving or newer server might: for robustness tests
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        username: str = "insop_test_bot",
        first_name: str = "INSOP Test Bot",
        rate_limit: float | None = None,
        per_chat_rate_limit: float | None = None,
        group_rate_limit: float | None = None,
        retry_after: int | None = None,
        penalize: bool = True,
        rate_limited_methods: Iterable[str] = DEFAULT_RATE_LIMITED_METHODS,
        time_scale: float = 1.0,
        blocked: Iterable[int] = (),
        latency: float = 0.0,
        parse_html: bool = True,
        strict_chats: bool = False,
        webhook_max_attempts: int = 3,
        webhook_retry_delay: float = 0.5,
        webhook_timeout: float = 10.0,
        allow_external_webhooks: bool = False,
        deliver_all_kinds: bool = False,
        record_calls: bool = True,
        max_calls: int | None = 200_000,
        first_update_id: int = 100_000_001,
    ) -> None:
        left, sep, right = token.partition(":")
        if not sep or not left.isdigit() or not right:
            raise ValueError("token must look like '<digits>:<secret>'")
        self.token = token
        self.bot_id = int(left)
        self.username = username
        self.first_name = first_name
        self.rate_limit = rate_limit
        self.per_chat_rate_limit = per_chat_rate_limit
        self.group_rate_limit = group_rate_limit
        self.retry_after = retry_after
        self.penalize = penalize
        self.rate_limited_methods = set(rate_limited_methods)
        self.time_scale = float(time_scale)
        self.blocked: set[int] = set(blocked)
        self.latency = latency
        self.parse_html = parse_html
        self.strict_chats = strict_chats
        self.webhook_max_attempts = webhook_max_attempts
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.allow_external_webhooks = allow_external_webhooks
        self.deliver_all_kinds = deliver_all_kinds
        self.record_calls = record_calls
        self.max_calls = max_calls
        self._first_update_id = first_update_id

        self._handlers: dict[str, Callable[..., Any]] = {}
        for attr in dir(type(self)):
            if attr.startswith("_m_"):
                self._handlers[attr[3:]] = getattr(self, attr)
        self._methods = {name.lower(): name for name in self._handlers}

        self.host: str | None = None
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._webhook_task: asyncio.Task[None] | None = None
        self._reset_state()
        self.app = self._make_app()

    # ------------------------------------------------------------------ state
    def _reset_state(self) -> None:
        self.calls: list[Call] = []
        self._seq = itertools.count(1)
        self._consumed: set[int] = set()
        self._call_event = asyncio.Event()
        self.updates: list[dict[str, Any]] = []  # pending (unconfirmed) updates
        self.all_updates: list[dict[str, Any]] = []  # every injected update
        self._next_update_id = self._first_update_id
        self._update_event = asyncio.Event()
        self._poll_generation = 0
        self.allowed_updates: list[str] | None = DEFAULT_ALLOWED_UPDATES
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self._chat_by_username: dict[str, int] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._outgoing: list[tuple[int, int]] = []  # keys of messages the bot sent, in order
        self._deleted: set[tuple[int, int]] = set()
        self._next_message_id: dict[int, int] = defaultdict(lambda: 1)
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.inline_queries: dict[str, dict[str, Any]] = {}
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.descriptions: dict[str, dict[str, str]] = {"description": {}, "short_description": {}, "name": {}}
        self.menu_buttons: dict[Any, dict[str, Any]] = {}
        self.chat_members: dict[tuple[int, int], str] = {}
        self.files: dict[str, UploadedFile] = {}
        self.uploads: list[UploadedFile] = []
        self._file_counter = itertools.count(1)
        self.webhook: dict[str, Any] = {"url": ""}
        self.webhook_deliveries: list[dict[str, Any]] = []
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._windows: dict[Any, deque[float]] = defaultdict(deque)
        self._locked_until: dict[Any, float] = {}
        self._stats: dict[str, Any] = {
            "calls": 0,
            "sends_accepted": 0,
            "sends_rejected": 0,  # 429 from the rate limiter
            "rejected_global": 0,
            "rejected_per_chat": 0,
            "blocked_403": 0,
            "faults_injected": 0,
            "errors": 0,
            "by_method": defaultdict(int),
        }

    def reset(self) -> None:
        """Forget everything (calls, updates, messages, webhook, faults, counters); keep config."""
        old_updates, old_calls = self._update_event, self._call_event
        generation = self._poll_generation
        self._reset_state()
        self._poll_generation = generation  # a long poll in flight just returns (empty)
        old_updates.set()
        old_calls.set()

    def configure(self, **options: Any) -> None:
        """Change options at run time, e.g. ``fake.configure(rate_limit=30, retry_after=2)``."""
        allowed = {
            "rate_limit",
            "per_chat_rate_limit",
            "group_rate_limit",
            "retry_after",
            "penalize",
            "rate_limited_methods",
            "time_scale",
            "blocked",
            "latency",
            "parse_html",
            "strict_chats",
            "webhook_max_attempts",
            "webhook_retry_delay",
            "webhook_timeout",
            "allow_external_webhooks",
            "deliver_all_kinds",
            "record_calls",
            "max_calls",
        }
        for key, value in options.items():
            if key not in allowed:
                raise ValueError(f"unknown option {key!r}")
            if key in ("blocked", "rate_limited_methods"):
                value = set(value)
            if key == "time_scale":
                value = float(value)
            setattr(self, key, value)
        if {"rate_limit", "per_chat_rate_limit", "group_rate_limit", "time_scale"} & options.keys():
            self._windows.clear()
            self._locked_until.clear()

    @property
    def stats(self) -> dict[str, Any]:
        s = dict(self._stats)
        s["by_method"] = dict(self._stats["by_method"])
        return s

    # ------------------------------------------------------------- time utils
    def _now(self) -> float:
        """Fake monotonic seconds."""
        return time.monotonic() * self.time_scale

    def _wall(self, fake_seconds: float) -> float:
        return fake_seconds / self.time_scale

    # -------------------------------------------------------- running/serving
    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("server is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def make_bot(self, **bot_kwargs: Any) -> Any:
        """An aiogram ``Bot`` with an ``AiohttpSession`` pointed at this server."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **bot_kwargs)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if not _is_loopback_host(host):
            raise ValueError(f"FakeBotAPI only listens on loopback, not {host!r}")
        self._closing = False
        self._runner = web.AppRunner(self.app, handle_signals=False, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host if ":" not in host else f"[{host}]"
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._closing = True
        self._wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, *, host: str = "127.0.0.1", port: int = 0, **options: Any) -> AsyncIterator[FakeBotAPI]:
        """``async with FakeBotAPI.running(port=0) as fake:`` -- serve on a free loopback port."""
        fake = cls(**options)
        await fake.start(host, port)
        try:
            yield fake
        finally:
            await fake.stop()

    def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.on_startup.append(self._on_startup)
        app.on_shutdown.append(self._on_shutdown)
        app.on_cleanup.append(self._on_cleanup)
        self._setup_routes(app)
        return app

    async def _on_startup(self, app: web.Application) -> None:
        self._webhook_task = asyncio.create_task(self._webhook_loop(), name="fakeapi-webhook")

    async def _on_shutdown(self, app: web.Application) -> None:
        self._closing = True
        self._wake()

    async def _on_cleanup(self, app: web.Application) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._webhook_task
            self._webhook_task = None

    def _setup_routes(self, app: web.Application) -> None:
        r = app.router
        r.add_route("*", "/bot{token}/{method}", self._handle_api)
        r.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        c = "/_fake"
        app.middlewares.append(self._control_errors)
        r.add_post(f"{c}/message", self._h_message)  # {text, user_id?, first_name?, language_code?, chat_id?, ...}
        r.add_post(f"{c}/command", self._h_command)  # {command, args?, user_id?, ...}
        r.add_post(f"{c}/callback", self._h_callback)  # {chat_id, message_id, data, user_id?}
        r.add_post(f"{c}/press", self._h_press)  # {chat_id, index? | text? | data?, message_id?, user_id?}
        r.add_post(f"{c}/inline_query", self._h_inline_query)  # {query, user_id?, offset?}
        r.add_post(f"{c}/update", self._h_update)  # raw Update body without update_id
        r.add_post(f"{c}/document", self._h_document)  # {filename, data_b64, caption?, mime_type?, user_id?}
        r.add_post(f"{c}/chat_member", self._h_chat_member)  # {chat_id, user_id, status}
        r.add_get(f"{c}/calls", self._h_calls)  # ?method=&since=&data=1
        r.add_get(f"{c}/sent_messages", self._h_sent_messages)  # ?chat_id=
        r.add_get(f"{c}/keyboard", self._h_keyboard)  # ?chat_id=
        r.add_post(f"{c}/wait_for", self._h_wait_for)  # {method, params?: {...subset}, timeout?, since?}
        r.add_post(f"{c}/config", self._h_config)  # any configure() option
        r.add_post(f"{c}/block", self._h_block)  # {chat_id, blocked?: true}
        r.add_post(f"{c}/fail", self._h_fail)  # {method, times?, error_code?, description?, retry_after?}
        r.add_get(f"{c}/stats", self._h_stats)
        r.add_get(f"{c}/state", self._h_state)  # webhook, pending updates, commands, config
        r.add_get(f"{c}/uploads", self._h_uploads)  # ?data=1 adds base64 bytes
        r.add_post(f"{c}/reset", self._h_reset)

    # --------------------------------------------------------- API dispatch
    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.method == "POST" and request.body_exists:
            ctype = request.content_type
            if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(
                            field=key,
                            filename=value.filename,
                            content_type=value.content_type,
                            data=value.file.read(),
                        )
                    else:
                        raw[key] = value
            else:
                body = await request.read()
                if body.strip():
                    try:
                        decoded = json.loads(body)
                    except ValueError:
                        raise ApiError(400, "Bad Request: can't parse JSON request body") from None
                    if not isinstance(decoded, dict):
                        raise ApiError(400, "Bad Request: request body must be a JSON object")
                    raw.update(decoded)
        params = {key: _decode_value(key, value) for key, value in raw.items()}
        return params, files

    async def _handle_api(self, request: web.Request) -> web.Response:
        started = time.time()
        token = request.match_info["token"]
        raw_method = request.match_info["method"]
        method = self._methods.get(raw_method.lower(), raw_method)
        try:
            params, files = await self._read_params(request)
        except ApiError as e:
            params, files = {}, {}
            status, body = e.code, e.payload()
        else:
            if token != self.token:
                status, body = 401, ApiError(401, "Unauthorized").payload()
            else:
                status, body = await self._dispatch(method, params, files)
        self._record(method, params, files, status, body, started, "http")
        return web.json_response(body, status=status)

    async def _dispatch(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> tuple[int, dict[str, Any]]:
        """Run one API method; returns (http status, response body)."""
        self._stats["calls"] += 1
        self._stats["by_method"][method] += 1
        handler = self._handlers.get(method)
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            if self.latency:
                await asyncio.sleep(self._wall(self.latency))
            self._check_fault(method)
            chat_id = params.get("chat_id")
            if method in _BLOCKABLE_METHODS and isinstance(chat_id, int) and chat_id in self.blocked:
                self._stats["blocked_403"] += 1
                raise ApiError(403, BLOCKED)
            counted = method in self.rate_limited_methods
            if counted:
                self._check_rate(chat_id if isinstance(chat_id, (int, str)) else None)
            result = handler(params, files)
            if asyncio.iscoroutine(result):
                result = await result
            if counted:
                self._stats["sends_accepted"] += 1
            extra = {}
            if isinstance(result, tuple):  # (result, description)
                result, extra["description"] = result
            return 200, {"ok": True, "result": result, **extra}
        except ApiError as e:
            self._stats["errors"] += 1
            return e.code, e.payload()
        except EntityParseError as e:
            self._stats["errors"] += 1
            return 400, ApiError(400, str(e)).payload()

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        status: int,
        body: dict[str, Any],
        started: float,
        via: str,
    ) -> None:
        if not self.record_calls:
            return
        call = Call(
            seq=next(self._seq),
            method=method,
            params=params,
            time=started,
            files=files,
            status=status,
            ok=bool(body.get("ok")),
            result=body.get("result"),
            error=body.get("description") if not body.get("ok") else None,
            via=via,
            duration=time.time() - started,
        )
        self.calls.append(call)
        if self.max_calls and len(self.calls) > self.max_calls:
            del self.calls[: len(self.calls) // 2]
        self._call_event.set()
        self._call_event = asyncio.Event()

    # ------------------------------------------------------ faults / limits
    def fail_next(
        self,
        method: str,
        times: int = 1,
        error_code: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any method) fail with ``error_code``."""
        if description is None:
            description = {
                400: "Bad Request: injected failure",
                401: "Unauthorized",
                403: "Forbidden: injected failure",
                404: "Not Found",
                409: "Conflict: injected failure",
                429: f"Too Many Requests: retry after {retry_after or 1}",
                502: "Bad Gateway",
            }.get(error_code, "Internal Server Error")
        if error_code == 429 and retry_after is None:
            retry_after = 1
        key = "*" if method == "*" else self._methods.get(method.lower(), method)
        self._faults[key].append(_Fault(error_code, description, retry_after, times))

    def clear_faults(self) -> None:
        self._faults.clear()

    def _check_fault(self, method: str) -> None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                self._stats["faults_injected"] += 1
                raise ApiError(fault.code, fault.description, fault.retry_after)

    def set_blocked(self, chat_id: int, blocked: bool = True, *, notify: bool = False) -> dict[str, Any] | None:
        """Mark a user as having blocked (or unblocked) the bot.

        With ``notify=True`` also injects the ``my_chat_member`` update Telegram sends.
        """
        if blocked:
            self.blocked.add(chat_id)
        else:
            self.blocked.discard(chat_id)
        if not notify:
            return None
        user = self._user(chat_id)
        member = {"user": self.bot_user}
        old = {"status": "member", **member} if blocked else {"status": "kicked", "until_date": 0, **member}
        new = {"status": "kicked", "until_date": 0, **member} if blocked else {"status": "member", **member}
        return self.inject_update(
            {
                "my_chat_member": {
                    "chat": self._chat(chat_id),
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": old,
                    "new_chat_member": new,
                }
            }
        )

    @staticmethod
    def _window(rate: float) -> tuple[int, float]:
        """(capacity, window seconds): rate >= 1 -> per 1 s window, else per 60 s window."""
        window = 1.0 if rate >= 1 else 60.0
        return max(1, int(round(rate * window))), window

    def _check_rate(self, chat_id: int | str | None) -> None:
        keys: list[tuple[Any, float, str]] = []
        if self.rate_limit:
            keys.append(("global", float(self.rate_limit), "rejected_global"))
        per_chat = self.per_chat_rate_limit
        if self.group_rate_limit and isinstance(chat_id, int) and chat_id < 0:
            per_chat = self.group_rate_limit
        if per_chat and chat_id is not None:
            keys.append((("chat", chat_id), float(per_chat), "rejected_per_chat"))
        if not keys:
            return
        now = self._now()
        for key, _rate, counter in keys:
            until = self._locked_until.get(key)
            if until is not None and now < until:
                self._reject(counter, max(1, math.ceil(until - now)))
        for key, rate, counter in keys:
            capacity, window = self._window(rate)
            stamps = self._windows[key]
            while stamps and stamps[0] <= now - window:
                stamps.popleft()
            if len(stamps) >= capacity:
                ra = self.retry_after if self.retry_after is not None else math.ceil(stamps[0] + window - now)
                ra = max(1, int(ra))
                if self.penalize:
                    self._locked_until[key] = now + ra
                self._reject(counter, ra)
        for key, _rate, _counter in keys:
            self._windows[key].append(now)

    def _reject(self, counter: str, retry_after: int) -> None:
        self._stats["sends_rejected"] += 1
        self._stats[counter] += 1
        raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    # ------------------------------------------------------ users and chats
    def _user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        user = self.users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        user = dict(user)
        if first_name is not None:
            user["first_name"] = first_name
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self.users[user_id] = user
        return dict(user)

    def _chat(self, chat_id: Any, *, create: bool = True) -> dict[str, Any]:
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                cid = self._chat_by_username.get(chat_id[1:].lower())
                if cid is None:
                    raise ApiError(400, "Bad Request: chat not found")
                chat_id = cid
            elif _INT_RE.fullmatch(chat_id):
                chat_id = int(chat_id)
            else:
                raise ApiError(400, "Bad Request: chat not found")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool) or chat_id == 0:
            raise ApiError(400, "Bad Request: chat_id is empty")
        if chat_id in self.chats:
            return dict(self.chats[chat_id])
        if self.strict_chats or not create:
            raise ApiError(400, "Bad Request: chat not found")
        return self.register_chat(chat_id)

    def register_chat(
        self, chat_id: int, type: str | None = None, title: str | None = None, username: str | None = None
    ) -> dict[str, Any]:
        """Create/overwrite a chat (private chats mirror the user's names)."""
        if type is None:
            type = "private" if chat_id > 0 else ("supergroup" if chat_id <= -1_000_000_000_000 else "group")
        chat: dict[str, Any] = {"id": chat_id, "type": type}
        if type == "private":
            user = self.users.get(chat_id) or self._user(chat_id)
            for key in ("first_name", "last_name", "username"):
                if key in user:
                    chat[key] = user[key]
        else:
            chat["title"] = title or f"Chat {chat_id}"
            if username:
                chat["username"] = username
        if username:
            self._chat_by_username[username.lower()] = chat_id
        self.chats[chat_id] = chat
        return dict(chat)

    def _alloc_message_id(self, chat_id: int) -> int:
        mid = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = mid + 1
        return mid

    # ------------------------------------------------------- update queue
    def _wake(self) -> None:
        self._update_event.set()
        self._update_event = asyncio.Event()

    def inject_update(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (``{"message": {...}}``); update_id is assigned. Returns the Update dict."""
        body = {k: v for k, v in body.items() if k != "update_id"}
        update = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        self.updates.append(update)
        self.all_updates.append(update)
        self._wake()
        return update

    def _confirm(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        else:
            self.updates = self.updates[offset:]

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = self.allowed_updates
        keep = []
        for upd in self.updates:
            kind = _update_type(upd)
            unwanted = (allowed and kind not in allowed) or (not allowed and kind in _OPT_IN_UPDATES)
            if unwanted and not self.deliver_all_kinds:
                continue  # dropped: the bot did not subscribe to it
            keep.append(upd)
        self.updates = keep
        return keep[:limit]

    # ----------------------------------------------------- test-side injection
    def inject_message(
        self,
        text: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user sends ``text`` (private chat with ``user_id`` unless ``chat_id``).

        ``/commands`` in the text get ``bot_command`` entities like Telegram adds.
        Returns the Update dict (``update["message"]["message_id"]`` etc.).
        """
        if first_name is None and user_id not in self.users:
            first_name = "Tester"
        user = self._user(user_id, first_name, last_name=last_name, username=username, language_code=language_code)
        cid = user_id if chat_id is None else chat_id
        if cid in self.chats and self.chats[cid]["type"] == "private":
            self.register_chat(cid)  # refresh names
        chat = self._chat(cid) if cid in self.chats else self.register_chat(cid)
        message: dict[str, Any] = {
            "message_id": self._alloc_message_id(cid),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        entities = []
        for m in _COMMAND_RE.finditer(text):
            entities.append(
                {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
            )
        if entities:
            message["entities"] = entities
        if reply_to_message_id is not None:
            replied = self.messages.get((cid, reply_to_message_id))
            if replied is not None:
                message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        if extra:
            message.update(extra)
        self.messages[(cid, message["message_id"])] = message
        return self.inject_update({"message": message})

    def inject_command(self, command: str, args: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """``inject_command("start", "payload")`` sends ``/start payload``."""
        text = "/" + command.lstrip("/")
        if args:
            text += " " + args
        return self.inject_message(text, **kwargs)

    def inject_callback_query(
        self,
        chat_id: int,
        message_id: int,
        data: str | None,
        *,
        user_id: int | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """A user presses an inline button with callback ``data`` under message ``message_id``."""
        key = (chat_id, message_id)
        if key not in self.messages or key in self._deleted:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        if user_id is None:
            user_id = chat_id if chat_id > 0 else DEFAULT_USER_ID
        user = self._user(user_id, first_name, language_code=language_code)
        query_id = str(next(self._query_ids))
        callback: dict[str, Any] = {
            "id": query_id,
            "from": user,
            "message": json.loads(json.dumps(self.messages[key])),
            "chat_instance": str(
                (chat_id * 2654435761 + self.bot_id) % 9_000_000_000_000_000_000 - 4_500_000_000_000_000_000
            ),
        }
        if data is not None:
            callback["data"] = data
        self.callback_queries[query_id] = {"query": callback, "answered": False, "answer": None}
        return self.inject_update({"callback_query": callback})

    def last_inline_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """``{"message_id": id, "inline_keyboard": rows}`` of the newest live bot message with one."""
        for key in reversed(self._outgoing):
            if key[0] != chat_id or key in self._deleted:
                continue
            markup = self.messages[key].get("reply_markup")
            if markup and markup.get("inline_keyboard"):
                return {"message_id": key[1], "inline_keyboard": markup["inline_keyboard"]}
        return None

    def press_button(
        self,
        chat_id: int,
        index: int | tuple[int, int] | None = None,
        *,
        text: str | None = None,
        data: str | None = None,
        message_id: int | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Press a callback button: by flat ``index`` (or ``(row, col)``), by button ``text``
        (exact, else substring) or by callback ``data``; in message ``message_id`` or the
        chat's last inline keyboard.  Returns the callback_query Update."""
        if message_id is None:
            kb = self.last_inline_keyboard(chat_id)
            if kb is None:
                raise LookupError(f"no inline keyboard in chat {chat_id}")
            message_id, rows = kb["message_id"], kb["inline_keyboard"]
        else:
            markup = self.messages.get((chat_id, message_id), {}).get("reply_markup") or {}
            rows = markup.get("inline_keyboard") or []
        flat = [b for row in rows for b in row]
        button = None
        if isinstance(index, tuple):
            button = rows[index[0]][index[1]]
        elif index is not None:
            button = flat[index]
        elif text is not None:
            button = next((b for b in flat if b.get("text") == text), None) or next(
                (b for b in flat if text in b.get("text", "")), None
            )
        elif data is not None:
            button = next((b for b in flat if b.get("callback_data") == data), None)
        if button is None:
            raise LookupError(f"button not found (index={index}, text={text!r}, data={data!r}) in {rows}")
        if "callback_data" not in button:
            raise ValueError(f"button {button!r} has no callback_data; it cannot be pressed")
        return self.inject_callback_query(chat_id, message_id, button["callback_data"], user_id=user_id)

    def inject_inline_query(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        first_name: str | None = None,
        language_code: str | None = None,
        offset: str = "",
        chat_type: str | None = "sender",
    ) -> dict[str, Any]:
        user = self._user(user_id, first_name, language_code=language_code)
        query_id = str(next(self._query_ids))
        inline: dict[str, Any] = {"id": query_id, "from": user, "query": query, "offset": offset}
        if chat_type:
            inline["chat_type"] = chat_type
        self.inline_queries[query_id] = {"query": inline, "answered": False, "answer": None}
        return self.inject_update({"inline_query": inline})

    # ------------------------------------------------------------- reading
    def calls_of(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        canonical = None if method in (None, "*") else self._methods.get(method.lower(), method)
        return [c for c in self.calls if (canonical is None or c.method == canonical) and (ok is None or c.ok == ok)]

    def sent_messages(self, chat_id: int | None = None, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Current state (after edits) of messages the bot sent, oldest first."""
        return [
            self.messages[key]
            for key in self._outgoing
            if (chat_id is None or key[0] == chat_id) and (include_deleted or key not in self._deleted)
        ]

    def mark(self) -> int:
        """Sequence number of the newest call; pass as ``since=`` to only wait for later calls."""
        return self.calls[-1].seq if self.calls else 0

    async def wait_for(
        self,
        method: str = "*",
        predicate: Callable[[Call], bool] | dict[str, Any] | None = None,
        timeout: float = 5.0,
        *,
        since: int | None = None,
        consume: bool = True,
    ) -> Call:
        """Return the earliest call of ``method`` matching ``predicate`` (a callable on
        :class:`Call` or a dict that must be a subset of ``call.params``), waiting up to
        ``timeout`` wall seconds.  Already recorded calls count too; each call is returned
        by at most one consuming ``wait_for`` so successive waits see successive calls.
        Raises ``asyncio.TimeoutError``."""
        canonical = None if method == "*" else self._methods.get(method.lower(), method)
        if isinstance(predicate, dict):
            expected = predicate
            predicate = lambda call: _subset_match(call.params, expected)  # noqa: E731
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for call in self.calls:
                if since is not None and call.seq <= since:
                    continue
                if consume and call.seq in self._consumed:
                    continue
                if canonical is not None and call.method != canonical:
                    continue
                if predicate is not None and not predicate(call):
                    continue
                if consume:
                    self._consumed.add(call.seq)
                return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [(c.method, c.status) for c in self.calls[-10:]]
                raise TimeoutError(f"no matching {method} call within {timeout}s; recent: {recent}")
            event = self._call_event
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def wait_for_message(
        self, chat_id: int, predicate: Callable[[Call], bool] | None = None, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Wait for a successful sendMessage/sendPhoto/sendDocument to ``chat_id``; returns the Message."""
        call = await self.wait_for(
            "*",
            lambda c: (
                c.ok
                and c.method in ("sendMessage", "sendPhoto", "sendDocument")
                and c.params.get("chat_id") == chat_id
                and (predicate is None or predicate(c))
            ),
            timeout,
        )
        return call.result

    # ---------------------------------------------------------- messages
    def _reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None  # reply keyboards / remove / force_reply are not echoed by Telegram
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        # Telegram's undocumented caps: 100 buttons in all, 8 in a row.
        if sum(len(row) for row in rows) > 100 or any(len(row) > 8 for row in rows):
            raise ApiError(400, "Bad Request: reply markup is too long")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text must be non-empty")
                actions = set(button) - {"text", "style", "icon_custom_emoji_id"}
                if not actions:
                    raise ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard",
                    )
                data = button.get("callback_data")
                if data is not None and not (1 <= len(str(data).encode()) <= 64):
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        if not rows:
            return None
        return {"inline_keyboard": rows}

    def _format(self, params: dict[str, Any], text_key: str, entities_key: str) -> tuple[str, list | None]:
        text = params.get(text_key)
        text = "" if text is None else str(text)
        parse_mode = params.get("parse_mode") if self.parse_html else None
        return format_text(text, parse_mode, params.get(entities_key))

    def _new_outgoing(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        cid = chat["id"]
        message: dict[str, Any] = {"message_id": self._alloc_message_id(cid)}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = self.bot_user
        message["chat"] = chat
        message["date"] = int(time.time())
        thread = params.get("message_thread_id")
        if isinstance(thread, int) and chat["type"] == "supergroup":
            message["message_thread_id"] = thread
        reply_to = params.get("reply_to_message_id")
        rp = params.get("reply_parameters")
        if isinstance(rp, dict):
            reply_to = rp.get("message_id")
        if isinstance(reply_to, int):
            replied = self.messages.get((cid, reply_to))
            if replied is None or (cid, reply_to) in self._deleted:
                if not (isinstance(rp, dict) and rp.get("allow_sending_without_reply")):
                    raise ApiError(400, "Bad Request: message to be replied not found")
            else:
                message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        message.update(content)
        markup = self._reply_markup(params)
        if markup:
            message["reply_markup"] = markup
        if params.get("protect_content") is True:
            message["has_protected_content"] = True
        key = (cid, message["message_id"])
        self.messages[key] = message
        self._outgoing.append(key)
        return message

    def _text_content(self, params: dict[str, Any]) -> dict[str, Any]:
        text, entities = self._format(params, "text", "entities")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return content

    def _caption_content(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("caption") in (None, ""):
            return {}
        caption, entities = self._format(params, "caption", "caption_entities")
        if utf16_len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        content: dict[str, Any] = {"caption": caption}
        if entities:
            content["caption_entities"] = entities
        return content

    def _m_sendMessage(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        content = self._text_content(p)
        lpo = p.get("link_preview_options")
        if isinstance(lpo, dict) and lpo:
            content["link_preview_options"] = lpo
        return self._new_outgoing(p, content)

    def _find_editable(self, p: dict[str, Any]) -> tuple[tuple[int, int] | None, dict[str, Any] | None]:
        if p.get("inline_message_id"):
            return None, None
        chat = self._chat(p.get("chat_id"), create=False) if p.get("chat_id") is not None else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        mid = p.get("message_id")
        key = (chat["id"], mid)
        message = self.messages.get(key)
        if not isinstance(mid, int) or message is None or key in self._deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if key not in self._outgoing:
            raise ApiError(400, "Bad Request: message can't be edited")
        return key, message

    def _apply_edit(
        self,
        key: tuple[int, int],
        message: dict[str, Any],
        changes: dict[str, Any],
        markup: dict[str, Any] | None,
        drop: Iterable[str] = (),
    ) -> dict[str, Any]:
        new = {k: v for k, v in message.items() if k not in drop and k != "reply_markup"}
        new.update(changes)
        if markup:
            new["reply_markup"] = markup
        comparable = ("text", "entities", "caption", "caption_entities", "reply_markup")
        if all(new.get(k) == message.get(k) for k in comparable):
            raise ApiError(400, NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        self.messages[key] = new
        return new

    def _m_editMessageText(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        content = self._text_content(p)
        markup = self._reply_markup(p)
        key, message = self._find_editable(p)
        if key is None or message is None:
            return True
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._apply_edit(key, message, content, markup, drop=("entities",))

    def _m_editMessageCaption(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        content = self._caption_content(p)
        markup = self._reply_markup(p)
        key, message = self._find_editable(p)
        if key is None or message is None:
            return True
        if "text" in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._apply_edit(key, message, content, markup, drop=("caption", "caption_entities"))

    def _m_editMessageReplyMarkup(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        markup = self._reply_markup(p)
        key, message = self._find_editable(p)
        if key is None or message is None:
            return True
        return self._apply_edit(key, message, {}, markup)

    def _m_deleteMessage(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(p.get("chat_id"), create=False)
        key = (chat["id"], p.get("message_id"))
        if key not in self.messages or key in self._deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        self._deleted.add(key)
        return True

    def _m_deleteMessages(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(p.get("chat_id"), create=False)
        for mid in p.get("message_ids") or []:
            if (chat["id"], mid) in self.messages:
                self._deleted.add((chat["id"], mid))
        return True

    def _m_sendChatAction(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        self._chat(p.get("chat_id"))
        if p.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _m_answerCallbackQuery(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        entry = self.callback_queries.get(str(p.get("callback_query_id")))
        if entry is None or entry["answered"]:
            raise ApiError(400, QUERY_TOO_OLD)
        if utf16_len(str(p.get("text") or "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        entry["answered"] = True
        entry["answer"] = p
        return True

    def _m_answerInlineQuery(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        entry = self.inline_queries.get(str(p.get("inline_query_id")))
        if entry is None or entry["answered"]:
            raise ApiError(400, QUERY_TOO_OLD)
        results = p.get("results")
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [r.get("id") for r in results if isinstance(r, dict)]
        if len(ids) != len(set(ids)) or any(not i for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        entry["answered"] = True
        entry["answer"] = p
        return True

    # ------------------------------------------------------------- files
    def _new_file_ids(self, prefix: str) -> tuple[str, str]:
        n = next(self._file_counter)
        digest = hashlib.sha256(f"{self.bot_id}:{n}".encode()).digest()
        file_id = prefix + base64.urlsafe_b64encode(digest + n.to_bytes(4, "big")).decode().rstrip("=")
        unique = "AQAD" + base64.urlsafe_b64encode(digest[:9]).decode().rstrip("=")
        return file_id, unique

    def _take_file(
        self, p: dict[str, Any], files: dict[str, UploadedFile], field: str, method: str
    ) -> tuple[UploadedFile, bool]:
        """Return (file, is_new_upload) for a photo/document parameter."""
        value = p.get(field)
        upload = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        elif field in files:
            upload = files[field]
        elif isinstance(value, str) and value:
            if value in self.files:
                return self.files[value], False
            if value.startswith(("http://", "https://")):
                upload = UploadedFile(
                    field=field, filename=value.rsplit("/", 1)[-1] or None, content_type=None, data=b""
                )
            else:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if upload is None:
            raise ApiError(400, f"Bad Request: there is no {field} in the request")
        upload.field = field
        upload.method = method
        upload.chat_id = p.get("chat_id")
        return upload, True

    def _store_file(self, upload: UploadedFile, prefix: str, folder: str, record: bool = True) -> None:
        upload.file_id, upload.file_unique_id = self._new_file_ids(prefix)
        ext = ""
        if upload.filename and "." in upload.filename:
            ext = "." + upload.filename.rsplit(".", 1)[-1]
        elif folder == "photos":
            ext = ".jpg"
        upload.file_path = f"{folder}/file_{len(self.files)}{ext}"
        self.files[upload.file_id] = upload
        if record:
            self.uploads.append(upload)

    def _m_sendPhoto(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        upload, new = self._take_file(p, files, "photo", "sendPhoto")
        content = self._caption_content(p)
        if new:
            if (
                upload.data
                and _image_size(upload.data) is None
                and upload.content_type not in (None, "application/octet-stream")
                and not upload.content_type.startswith("image/")
            ):
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            self._store_file(upload, "AgACAgIAAxkDAAI", "photos")
        w, h = _image_size(upload.data) or (800, 600)
        sizes = []
        if max(w, h) > 90:
            k = 90 / max(w, h)
            thumb_id, thumb_unique = upload.file_id + "_t", upload.file_unique_id + "t"
            sizes.append(
                {
                    "file_id": thumb_id,
                    "file_unique_id": thumb_unique,
                    "file_size": max(1, upload.size // 20),
                    "width": max(1, round(w * k)),
                    "height": max(1, round(h * k)),
                }
            )
        sizes.append(
            {
                "file_id": upload.file_id,
                "file_unique_id": upload.file_unique_id,
                "file_size": upload.size,
                "width": w,
                "height": h,
            }
        )
        return self._new_outgoing(p, {"photo": sizes, **content})

    def _m_sendDocument(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        upload, new = self._take_file(p, files, "document", "sendDocument")
        content = self._caption_content(p)
        if new:
            self._store_file(upload, "BQACAgIAAxkDAAI", "documents")
        document: dict[str, Any] = {}
        if upload.filename:
            document["file_name"] = upload.filename
        mime = (mimetypes.guess_type(upload.filename)[0] if upload.filename else None) or upload.content_type
        if mime:
            document["mime_type"] = mime
        document.update(file_id=upload.file_id, file_unique_id=upload.file_unique_id, file_size=upload.size)
        return self._new_outgoing(p, {"document": document, **content})

    def _m_getFile(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        file_id = str(p.get("file_id") or "")
        upload = self.files.get(file_id)
        if upload is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": upload.file_unique_id,
            "file_size": upload.size,
            "file_path": upload.file_path,
        }

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        path = request.match_info["path"]
        for upload in self.files.values():
            if upload.file_path == path:
                return web.Response(body=upload.data, content_type=upload.content_type or "application/octet-stream")
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    # ------------------------------------------------ user-sent files, chats
    def inject_document(
        self,
        filename: str,
        data: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        user_id: int = DEFAULT_USER_ID,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A user sends a file; the bot can ``getFile`` + download it. Returns the Update."""
        upload = UploadedFile("document", filename, mime_type, bytes(data))
        self._store_file(upload, "BQACAgIAAxkBAAI", "documents", record=False)
        document: dict[str, Any] = {"file_name": filename}
        mime = mime_type or mimetypes.guess_type(filename)[0]
        if mime:
            document["mime_type"] = mime
        document.update(file_id=upload.file_id, file_unique_id=upload.file_unique_id, file_size=upload.size)
        extra: dict[str, Any] = {"document": document}
        if caption:
            extra["caption"] = caption
        return self._inject_media(extra, user_id=user_id, **kwargs)

    def inject_photo(
        self, data: bytes, *, caption: str | None = None, user_id: int = DEFAULT_USER_ID, **kwargs: Any
    ) -> dict[str, Any]:
        """A user sends a photo (PNG/JPEG/GIF bytes). Returns the Update."""
        upload = UploadedFile("photo", "photo.jpg", "image/jpeg", bytes(data))
        self._store_file(upload, "AgACAgIAAxkBAAI", "photos", record=False)
        w, h = _image_size(upload.data) or (800, 600)
        extra: dict[str, Any] = {
            "photo": [
                {
                    "file_id": upload.file_id,
                    "file_unique_id": upload.file_unique_id,
                    "file_size": upload.size,
                    "width": w,
                    "height": h,
                }
            ]
        }
        if caption:
            extra["caption"] = caption
        return self._inject_media(extra, user_id=user_id, **kwargs)

    def _inject_media(self, extra: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        update = self.inject_message("", extra=extra, **kwargs)
        message = update["message"]
        message.pop("text", None)
        return update

    def set_chat_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Status getChatMember reports: creator, administrator, member, left or kicked."""
        if status not in ("creator", "administrator", "member", "left", "kicked"):
            raise ValueError(f"unsupported status {status!r}")
        self.chat_members[(chat_id, user_id)] = status

    def _m_getChat(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        chat = self._chat(p.get("chat_id"), create=False)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _m_getChatMember(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        chat = self._chat(p.get("chat_id"), create=False)
        user_id = p.get("user_id")
        if not isinstance(user_id, int):
            raise ApiError(400, "Bad Request: invalid user_id specified")
        if user_id == self.bot_id:
            user = self._m_getMe({}, {})
        elif user_id in self.users:
            user = dict(self.users[user_id])
        else:
            raise ApiError(400, "Bad Request: user not found")
        default = "member" if chat["type"] == "private" or user_id == self.bot_id else "left"
        status = self.chat_members.get((chat["id"], user_id), default)
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                **{
                    k: True
                    for k in (
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_promote_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                        "can_send_welcome_messages",
                    )
                },
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member

    # ------------------------------------------------------------ bot meta
    def _m_getMe(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_logOut(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        return True

    def _m_close(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        return True

    @staticmethod
    def _scope_key(scope: Any, language_code: Any) -> str:
        if not isinstance(scope, dict) or not scope:
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True) + "|" + str(language_code or "")

    def _check_lang(self, language_code: Any) -> None:
        if language_code not in (None, "") and not re.fullmatch(r"[a-z]{2}", str(language_code)):
            raise ApiError(400, "Bad Request: invalid language code specified")

    def _m_setMyCommands(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands specified")
        self._check_lang(p.get("language_code"))
        clean = []
        for cmd in commands:
            name = str(cmd.get("command", "")) if isinstance(cmd, dict) else ""
            desc = str(cmd.get("description", "")) if isinstance(cmd, dict) else ""
            if not _BOT_COMMAND_RE.fullmatch(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(desc) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({**cmd, "command": name, "description": desc})
        key = self._scope_key(p.get("scope"), p.get("language_code"))
        if clean:
            self.commands[key] = clean
        else:
            self.commands.pop(key, None)
        return True

    def _m_getMyCommands(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> list[dict[str, Any]]:
        self._check_lang(p.get("language_code"))
        return self.commands.get(self._scope_key(p.get("scope"), p.get("language_code")), [])

    def _m_deleteMyCommands(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        self.commands.pop(self._scope_key(p.get("scope"), p.get("language_code")), None)
        return True

    def get_commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        """Commands stored for a scope (default scope if None) and language."""
        return self.commands.get(self._scope_key(scope, language_code), [])

    def _set_text_setting(self, kind: str, p: dict[str, Any], limit: int) -> bool:
        self._check_lang(p.get("language_code"))
        value = str(p.get(kind) or "")
        if len(value) > limit:
            raise ApiError(400, f"Bad Request: {kind} is too long")
        lang = str(p.get("language_code") or "")
        if value:
            self.descriptions[kind][lang] = value
        else:
            self.descriptions[kind].pop(lang, None)
        return True

    def _get_text_setting(self, kind: str, p: dict[str, Any]) -> dict[str, str]:
        lang = str(p.get("language_code") or "")
        store = self.descriptions[kind]
        default = self.first_name if kind == "name" else ""
        return {kind: store.get(lang, store.get("", default))}

    def _m_setMyDescription(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        return self._set_text_setting("description", p, 512)

    def _m_getMyDescription(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, str]:
        return self._get_text_setting("description", p)

    def _m_setMyShortDescription(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        return self._set_text_setting("short_description", p, 120)

    def _m_getMyShortDescription(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, str]:
        return self._get_text_setting("short_description", p)

    def _m_setMyName(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        return self._set_text_setting("name", p, 64)

    def _m_getMyName(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, str]:
        return self._get_text_setting("name", p)

    def _m_setChatMenuButton(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> bool:
        button = p.get("menu_button")
        self.menu_buttons[p.get("chat_id")] = button if isinstance(button, dict) else {"type": "default"}
        return True

    def _m_getChatMenuButton(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        return self.menu_buttons.get(p.get("chat_id"), self.menu_buttons.get(None, {"type": "commands"}))

    # ------------------------------------------------------ getUpdates / webhook
    async def _m_getUpdates(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> list[dict[str, Any]]:
        if self.webhook["url"]:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = p.get("offset")
        limit = p.get("limit")
        limit = 100 if not isinstance(limit, int) else min(100, max(1, limit))
        timeout = p.get("timeout")
        if isinstance(timeout, str):
            try:
                timeout = float(timeout)
            except ValueError:
                timeout = 0
        timeout = max(0.0, float(timeout)) if isinstance(timeout, (int, float)) else 0.0
        if "allowed_updates" in p:
            allowed = p["allowed_updates"]
            if isinstance(allowed, list):
                self.allowed_updates = [str(a) for a in allowed] or None
        self._confirm(offset if isinstance(offset, int) else None)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # a previous long poll is terminated with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wall(timeout)
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_OTHER_POLL)
            if self.webhook["url"]:
                raise ApiError(409, CONFLICT_WEBHOOK)
            batch = self._deliverable(limit)
            if batch or self._closing:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            event = self._update_event
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _m_setWebhook(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        url = str(p.get("url") or "")
        if not url:
            self._m_deleteWebhook(p, files)
            return True, "Webhook is already deleted"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiError(400, "Bad Request: bad webhook: Wrong URL host")
        if not self.allow_external_webhooks and not _is_loopback_host(parts.hostname):
            raise ApiError(400, "Bad Request: bad webhook: the fake API only delivers to loopback addresses")
        secret = p.get("secret_token")
        if secret not in (None, "") and not _SECRET_RE.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if p.get("drop_pending_updates") is True:
            self.updates.clear()
        if isinstance(p.get("allowed_updates"), list):
            self.allowed_updates = [str(a) for a in p["allowed_updates"]] or None
        was_set = self.webhook.get("url") == url
        max_conn = p.get("max_connections")
        self.webhook = {
            "url": url,
            "secret_token": str(secret) if secret else None,
            "max_connections": max_conn if isinstance(max_conn, int) else 40,
            "ip_address": "127.0.0.1",
            "last_error_date": None,
            "last_error_message": None,
        }
        self._wake()
        return True, ("Webhook is already set" if was_set else "Webhook was set")

    def _m_deleteWebhook(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        was_set = bool(self.webhook.get("url"))
        self.webhook = {"url": ""}
        if p.get("drop_pending_updates") is True:
            self.updates.clear()
        self._wake()
        return True, ("Webhook was deleted" if was_set else "Webhook is already deleted")

    def _m_getWebhookInfo(self, p: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if info["url"]:
            info["ip_address"] = self.webhook["ip_address"]
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook.get("last_error_date"):
                info["last_error_date"] = self.webhook["last_error_date"]
                info["last_error_message"] = self.webhook["last_error_message"]
            if self.allowed_updates:
                info["allowed_updates"] = self.allowed_updates
        return info

    async def _webhook_loop(self) -> None:
        async with ClientSession() as session:
            while not self._closing:
                url = self.webhook.get("url")
                batch = self._deliverable(1) if url else []
                if not batch:
                    event = self._update_event
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(event.wait(), 1.0)
                    continue
                update = batch[0]
                try:
                    await self._deliver(session, update)
                except asyncio.CancelledError:
                    raise
                except Exception:  # pragma: no cover - keep the loop alive
                    log.exception("webhook delivery crashed")
                if update in self.updates:
                    self.updates.remove(update)

    async def _deliver(self, session: ClientSession, update: dict[str, Any]) -> bool:
        webhook = self.webhook
        headers = {}
        if webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
        for attempt in range(1, max(1, self.webhook_max_attempts) + 1):
            if self._closing or self.webhook is not webhook:
                return False
            record: dict[str, Any] = {
                "update_id": update["update_id"],
                "attempt": attempt,
                "url": webhook["url"],
                "time": time.time(),
                "headers": dict(headers),
            }
            try:
                async with session.post(
                    webhook["url"], json=update, headers=headers, timeout=ClientTimeout(total=self.webhook_timeout)
                ) as resp:
                    record["status"] = resp.status
                    if 200 <= resp.status < 300:
                        await self._webhook_reply(resp)
                        record["ok"] = True
                        self.webhook_deliveries.append(record)
                        return True
                    error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except (TimeoutError, ClientError, OSError) as e:
                record["status"] = None
                if isinstance(e, asyncio.TimeoutError):
                    error = "Connection timed out"
                elif isinstance(e, (ConnectionRefusedError,)) or "ConnectorError" in type(e).__name__:
                    error = "Connection refused"
                else:
                    error = f"{type(e).__name__}: {e}"
            record["ok"] = False
            record["error"] = error
            self.webhook_deliveries.append(record)
            webhook["last_error_date"] = int(time.time())
            webhook["last_error_message"] = error
            if attempt < self.webhook_max_attempts:
                await asyncio.sleep(self._wall(self.webhook_retry_delay * 2 ** (attempt - 1)))
        return False

    async def _webhook_reply(self, resp: Any) -> None:
        """Telegram executes a method returned in the webhook response body."""
        params: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        if resp.content_type == "multipart/form-data":
            reader = MultipartReader.from_response(resp)
            async for part in reader:
                if part is None or part.name is None:
                    continue
                data = await part.read(decode=True)
                if part.filename:
                    files[part.name] = UploadedFile(
                        part.name, part.filename, part.headers.get("Content-Type"), bytes(data)
                    )
                else:
                    params[part.name] = bytes(data).decode()
        elif resp.content_type == "application/json":
            try:
                body = await resp.json()
            except ValueError:
                return
            if isinstance(body, dict):
                params = body
        method_name = params.pop("method", None)
        if not method_name:
            return
        params = {k: _decode_value(k, v) for k, v in params.items()}
        method = self._methods.get(str(method_name).lower(), str(method_name))
        started = time.time()
        status, body = await self._dispatch(method, params, files)
        self._record(method, params, files, status, body, started, "webhook_reply")

    # --------------------------------------------------------- HTTP control
    @web.middleware
    async def _control_errors(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/_fake/"):
            return await handler(request)
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except (KeyError, LookupError, TypeError, ValueError) as e:
            return self._ctl_error(f"{type(e).__name__}: {e}")

    @staticmethod
    async def _json(request: web.Request) -> dict[str, Any]:
        if not request.body_exists:
            return {}
        body = await request.json()
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="JSON object expected")
        return body

    @staticmethod
    def _ctl(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _ctl_error(message: str, status: int = 400) -> web.Response:
        return web.json_response({"ok": False, "description": message}, status=status)

    async def _h_message(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        text = b.pop("text", None)
        if text is None:
            return self._ctl_error("text is required")
        return self._ctl(self.inject_message(text, **b))

    async def _h_command(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        command = b.pop("command", None)
        if not command:
            return self._ctl_error("command is required")
        return self._ctl(self.inject_command(command, b.pop("args", None), **b))

    async def _h_callback(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        try:
            return self._ctl(
                self.inject_callback_query(b.pop("chat_id"), b.pop("message_id"), b.pop("data", None), **b)
            )
        except (KeyError, TypeError) as e:
            return self._ctl_error(str(e))

    async def _h_press(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        index = b.pop("index", None)
        if isinstance(index, list):
            index = tuple(index)
        try:
            return self._ctl(self.press_button(b.pop("chat_id"), index, **b))
        except (LookupError, ValueError, TypeError) as e:
            return self._ctl_error(str(e))

    async def _h_inline_query(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        return self._ctl(self.inject_inline_query(b.pop("query", ""), **b))

    async def _h_update(self, request: web.Request) -> web.Response:
        return self._ctl(self.inject_update(await self._json(request)))

    async def _h_document(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        data = base64.b64decode(b.pop("data_b64", ""))
        return self._ctl(self.inject_document(b.pop("filename"), data, **b))

    async def _h_chat_member(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        self.set_chat_member(int(b["chat_id"]), int(b["user_id"]), str(b["status"]))
        return self._ctl(True)

    async def _h_calls(self, request: web.Request) -> web.Response:
        q = request.query
        since = int(q.get("since", 0))
        with_data = q.get("data") in ("1", "true")
        calls = [c for c in self.calls_of(q.get("method")) if c.seq > since]
        return self._ctl([c.to_dict(with_data) for c in calls])

    async def _h_sent_messages(self, request: web.Request) -> web.Response:
        chat = request.query.get("chat_id")
        return self._ctl(self.sent_messages(int(chat) if chat else None))

    async def _h_keyboard(self, request: web.Request) -> web.Response:
        return self._ctl(self.last_inline_keyboard(int(request.query["chat_id"])))

    async def _h_wait_for(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        try:
            call = await self.wait_for(
                b.get("method", "*"),
                b.get("params") or None,
                float(b.get("timeout", 5.0)),
                since=b.get("since"),
                consume=bool(b.get("consume", True)),
            )
        except TimeoutError as e:
            return self._ctl_error(str(e), status=408)
        return self._ctl(call.to_dict())

    async def _h_config(self, request: web.Request) -> web.Response:
        try:
            self.configure(**await self._json(request))
        except ValueError as e:
            return self._ctl_error(str(e))
        return self._ctl(self._config_dict())

    async def _h_block(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        return self._ctl(
            self.set_blocked(int(b["chat_id"]), bool(b.get("blocked", True)), notify=bool(b.get("notify")))
        )

    async def _h_fail(self, request: web.Request) -> web.Response:
        b = await self._json(request)
        self.fail_next(b.pop("method", "*"), **b)
        return self._ctl(True)

    async def _h_stats(self, request: web.Request) -> web.Response:
        return self._ctl(self.stats)

    def _config_dict(self) -> dict[str, Any]:
        return {
            "rate_limit": self.rate_limit,
            "per_chat_rate_limit": self.per_chat_rate_limit,
            "group_rate_limit": self.group_rate_limit,
            "retry_after": self.retry_after,
            "penalize": self.penalize,
            "time_scale": self.time_scale,
            "blocked": sorted(self.blocked),
            "latency": self.latency,
            "rate_limited_methods": sorted(self.rate_limited_methods),
        }

    async def _h_state(self, request: web.Request) -> web.Response:
        return self._ctl(
            {
                "token_bot_id": self.bot_id,
                "username": self.username,
                "webhook": self.webhook,
                "webhook_deliveries": self.webhook_deliveries[-100:],
                "pending_updates": len(self.updates),
                "allowed_updates": self.allowed_updates,
                "commands": self.commands,
                "config": self._config_dict(),
            }
        )

    async def _h_uploads(self, request: web.Request) -> web.Response:
        with_data = request.query.get("data") in ("1", "true")
        return self._ctl([u.to_dict(with_data) for u in self.uploads])

    async def _h_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return self._ctl(True)
