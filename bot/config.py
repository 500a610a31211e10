"""Settings read from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///insop.db"


class ConfigError(Exception):
    """A setting is missing or unusable; the message is one line for the operator."""


# The secret_token Telegram accepts in setWebhook.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    """Every knob of the bot; nothing else reads the environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    telegram_api_base: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_path: str = "/webhook"
    port: int = 8080
    coordinator_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: str = "en"
    log_level: str = "INFO"
    # "text" for people, "json" for log collectors (one object per line).
    log_format: Literal["text", "json"] = "text"
    # Reminder sender (bot/sender.py): messages per second overall, seconds before a dead sender's
    # claims are taken over, concurrent requests.
    send_rate: float = Field(default=25.0, gt=0)
    send_lease: float = Field(default=120.0, gt=0)
    send_workers: int = Field(default=4, ge=1, le=32)
    # The span Telegram counts SEND_RATE over, in seconds (1; a test against a time-scaled fake uses less).
    send_window: float = Field(default=1.0, gt=0)
    # Processes drawing charts and writing exports (bot/heavy.py), also the number of such jobs at once;
    # 0 runs them in a thread of the bot process instead (no extra process, but members wait longer).
    heavy_workers: int = Field(default=1, ge=0, le=8)

    @field_validator("coordinator_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # Operators write "123, 456" in a Procfile or .env, not JSON.
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("bot_token", "webhook_secret", mode="before")
    @classmethod
    def _strip_secret(cls, value: object) -> object:
        # A Kubernetes secret or a .env line often ends in a newline. The token is used stripped,
        # so it must be stored stripped: the log redaction looks for exactly the value in use.
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's setWebhook refuses any other secret_token: better one line now than a traceback
        # from the webhook server's startup. The value itself is never repeated in the message.
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(
                "Telegram allows 1 to 256 characters A-Z, a-z, 0-9, _ and - "
                "(for example the output of `openssl rand -hex 32`)"
            )
        return value

    @field_validator("database_url", mode="before")
    @classmethod
    def _async_driver(cls, value: object) -> object:
        return async_database_url(value) if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("default_language")
    @classmethod
    def _lower_language(cls, value: str) -> str:
        return value.strip().lower() or "en"

    def require_token(self) -> str:
        """The bot token, or a ConfigError saying how to provide it."""
        if self.bot_token is None or not self.bot_token.get_secret_value():
            raise ConfigError(
                "BOT_TOKEN is not set: put the token from @BotFather in the environment or in .env "
                "(or use `python -m bot chat` to try the bot without Telegram)"
            )
        return self.bot_token.get_secret_value()


def async_database_url(url: str) -> str:
    """Map the URLs people usually write to SQLAlchemy's async drivers."""
    url = url.strip()
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url
