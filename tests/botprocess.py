"""Level 3 helpers: the bot as a separate process (`python -m bot run`) against the fake Bot API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.conftest import ROOT
from tests.fakeapi.server import FakeBotAPI


class BotProcess:
    """`python -m bot run` pointed at a FakeBotAPI; can be killed with SIGKILL and started again."""

    def __init__(
        self,
        fake: FakeBotAPI,
        database_url: str,
        extra_env: dict[str, str] | None = None,
        command: list[str] | None = None,
    ) -> None:
        self.fake = fake
        self.database_url = database_url
        self.extra_env = extra_env or {}
        # What starts the bot (`python -m bot run` unless a test needs a wrapper around the same entry point).
        self.command = command or [sys.executable, "-m", "bot", "run"]
        self.process: subprocess.Popen | None = None
        self.log_path = None

    def environment(self) -> dict[str, str]:
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "WEBHOOK_"))}
        environment.update(
            BOT_TOKEN=self.fake.token,
            TELEGRAM_API_BASE=self.fake.base_url,
            DATABASE_URL=self.database_url,
            COORDINATOR_IDS="900",
            LOG_LEVEL="WARNING",
            **self.extra_env,
        )
        return environment

    async def start(self, timeout: float = 60) -> None:
        """Start the process and wait until it has registered its commands and is polling."""
        since = self.fake.mark()
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            # getMe is the last call before polling begins (a getUpdates call is recorded only when it returns).
            await self.fake.wait_for("getMe", since=since, timeout=timeout, consume=False)
        except TimeoutError:
            self.kill()
            raise AssertionError("the bot process did not start polling: " + self.stderr()) from None

    def kill(self) -> None:
        """SIGKILL: no chance to clean up, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGINT, as an operator's Ctrl-C; SIGKILL if it does not stop in time."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def stderr(self) -> str:
        if self.process is None or self.process.stderr is None or self.process.poll() is None:
            return ""
        return self.process.stderr.read().decode(errors="replace")


def sent_to(user: int, fragment: str | None = None):
    """A wait_for predicate: a call to `user`'s chat whose text contains `fragment`."""
    return lambda call: (
        call.params.get("chat_id") == user and (fragment is None or fragment in (call.params.get("text") or ""))
    )


async def open_threshold_survey(fake: FakeBotAPI, user: int, first_name: str, since: int) -> None:
    """Over HTTP: onboard `user` as Kenya's focal point and open the threshold survey at its country question."""
    fake.inject_command("start", user_id=user, language_code="en", first_name=first_name)
    await fake.wait_for("sendMessage", sent_to(user, "Which country"), since=since, timeout=20)
    fake.inject_message("Kenya", user_id=user, language_code="en")  # a name typed exactly: no "Did you mean"
    await fake.wait_for("sendMessage", sent_to(user, "What is your role"), since=since, timeout=20)
    fake.press_button(user, text="INSOP member / other")  # focal points are appointed, not chosen
    await fake.wait_for("editMessageText", sent_to(user, "profile is complete"), since=since, timeout=20)
    fake.inject_command("survey", user_id=user, language_code="en")
    await fake.wait_for("sendMessage", sent_to(user, "Which survey"), since=since, timeout=20)
    fake.press_button(user, text="INSOP soil threshold values")
    await fake.wait_for("sendMessage", sent_to(user, "Which country are you answering about?"), since=since, timeout=20)
