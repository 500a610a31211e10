"""Log line formats: readable text, or one JSON object per line (`LOG_FORMAT=json`) for log collectors.

Both formats replace the bot token and webhook secret wherever they would appear, exception text
included (aiohttp errors quote the request URL, which carries the token). Personal data is kept out
at the source: INFO lines name update ids and counts, never message texts or names.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import UTC, datetime
from urllib.parse import quote

# Attributes every LogRecord has; anything else was passed with `extra=` and goes into the JSON.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, exception, extras."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [secret for secret in (secrets or []) if secret]

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        return _redact(json.dumps(entry, ensure_ascii=False, default=str), self.secrets)


class RedactingFormatter(logging.Formatter):
    """The usual text line, secrets replaced in the message and in tracebacks."""

    def __init__(self, fmt: str, secrets: list[str] | None = None) -> None:
        super().__init__(fmt)
        self.secrets = [secret for secret in (secrets or []) if secret]

    def format(self, record: logging.LogRecord) -> str:
        return _redact(super().format(record), self.secrets)


def build_formatter(log_format: str, secrets: list[str]) -> logging.Formatter:
    """`json` or `text` (anything else is refused by Settings)."""
    if log_format == "json":
        return JsonFormatter(secrets)
    return RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)


def secret_forms(secrets: list[str]) -> list[str]:
    """Each secret as written and as it appears percent-encoded in a URL (the token's ":" as %3A)."""
    forms: list[str] = []
    for secret in secrets:
        for form in (secret, quote(secret, safe="")):
            if form and form not in forms:
                forms.append(form)
    # Longest first, so a longer form is replaced before a shorter one inside it.
    return sorted(forms, key=len, reverse=True)


def route_uncaught_to_logging(logger_name: str = "bot") -> None:
    """Uncaught exceptions (main thread, other threads, ignored ones) and warnings go through logging,
    so they are redacted and, with LOG_FORMAT=json, one JSON object like every other line.

    The event loop's own handler already logs through the "asyncio" logger.
    """
    logger = logging.getLogger(logger_name)

    def uncaught(kind, value, traceback) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, traceback)
            return
        logger.critical("uncaught exception, the process stops", exc_info=(kind, value, traceback))

    def uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        logger.error(
            "uncaught exception in thread %s", name, exc_info=(args.exc_type, args.exc_value, args.exc_traceback)
        )

    def unraisable(args) -> None:
        logger.warning(
            "exception ignored (%s)",
            args.err_msg or "unraisable",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )

    sys.excepthook = uncaught
    threading.excepthook = uncaught_in_thread
    sys.unraisablehook = unraisable
    logging.captureWarnings(True)
