"""Log line formats: readable text, or one JSON object per line (`LOG_FORMAT=json`) for log collectors.

Both formats replace the bot token and webhook secret wherever they would appear, exception text
included (aiohttp errors quote the request URL, which carries the token). Personal data is kept out
at the source: INFO lines name update ids and counts, never message texts or names.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

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
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
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
