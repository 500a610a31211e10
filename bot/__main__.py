"""Command line: `python -m bot run|webhook|chat|db upgrade`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.config import ConfigError, Settings
from storage.db import DatabaseUnavailable

log = logging.getLogger("bot")


class RedactingFilter(logging.Filter):
    """Replaces secrets (the bot token, the webhook secret) wherever a log line would carry them."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(secret in message for secret in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "[redacted]")
                record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings, quiet: bool = False) -> None:
    """Log lines (text or JSON) to stderr, secrets redacted; `quiet` keeps the console chat readable.

    Uncaught exceptions and warnings are routed through the same handler (redacted, JSON if asked).
    """
    from bot.logging_setup import build_formatter, route_uncaught_to_logging, secret_forms

    handler = logging.StreamHandler(sys.stderr)
    # The values in use (Settings strips them), also as they appear percent-encoded in URLs.
    secrets = secret_forms(
        [
            settings.bot_token.get_secret_value() if settings.bot_token else "",
            settings.webhook_secret.get_secret_value() if settings.webhook_secret else "",
        ]
    )
    # LOG_FORMAT=json: one JSON object per line; both formats redact secrets in tracebacks too.
    handler.setFormatter(build_formatter(settings.log_format, secrets))
    handler.addFilter(RedactingFilter(secrets))
    level = "WARNING" if quiet and "LOG_LEVEL" not in os.environ else settings.log_level.upper()
    logging.basicConfig(level=level, handlers=[handler], force=True)
    route_uncaught_to_logging()


def _telegram_user_id(text: str) -> int:
    """A user id as Telegram gives them: positive, at most 52 bits (a negative id would be a group chat)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 1 <= value <= 2**52:
        raise argparse.ArgumentTypeError(f"{text} is not a Telegram user id (1 to 2**52)")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line, one sub-command per entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="INSOP soil pollution bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="long polling against Telegram (or TELEGRAM_API_BASE)")
    commands.add_parser("webhook", help="aiohttp webhook server for production (also serves the web site)")
    web = commands.add_parser("web", help="the public web site alone (http://127.0.0.1:PORT)")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    chat = commands.add_parser("chat", help="talk to the bot in the terminal, no token, no network")
    chat.add_argument("--user-id", type=_telegram_user_id, default=1, help="Telegram user id to pose as (default 1)")
    chat.add_argument("--lang", default=None, help="the Telegram client's language code, e.g. fr")
    chat.add_argument("--name", default="Console", help="the user's first name")
    chat.add_argument(
        "--files-dir",
        default="chat-files",
        type=Path,
        help="folder for the pictures and files the bot sends (default: chat-files/ here)",
    )
    chat.add_argument("--open", action="store_true", help="also open each picture or file with the system viewer")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    lookup = commands.add_parser("lookup", help="answer threshold questions from the database")
    lookup.add_argument("query", nargs="*", help="the question; without it, one question per line from stdin")
    lookup.add_argument("--lang", default="en", help="language of the answer (default en)")
    lookup.add_argument("--json", action="store_true", help="one JSON object per answer")
    lookup.add_argument("--country", default=None, help="the asking member's country (ISO code)")
    data = commands.add_parser("data", help="threshold data in and out")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    data_import = data_commands.add_parser("import", help="add threshold values from a CSV (same columns as the seed)")
    data_import.add_argument("file")
    data_export = data_commands.add_parser("export", help="write the approved threshold values as CSV")
    data_export.add_argument("--out", default="-", help="file to write (default: standard output)")
    data_coverage = data_commands.add_parser(
        "coverage", help="jurisdictions x pollutant families x land uses: counts and instruments"
    )
    data_coverage.add_argument("--json", action="store_true", help="one JSON document")
    form = commands.add_parser("form", help="check or dry-run an XLSForm survey")
    form_commands = form.add_subparsers(dest="form_command", required=True)
    check = form_commands.add_parser("check", help="questions, languages, choice lists, unsupported features")
    check.add_argument("file")
    dry_run = form_commands.add_parser("run", help="answer a form from a JSON list of inputs, without Telegram")
    dry_run.add_argument("file")
    dry_run.add_argument("--answers", required=True, help="JSON file: a list of what the user sends, in order")
    dry_run.add_argument("--lang", default=None, help="language code of the run, e.g. fr")
    export = commands.add_parser("export", help="write a survey's submitted answers to an XLSX or CSV file")
    export.add_argument("--form", required=True, help="the form id, e.g. insop_thresholds")
    export.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    export.add_argument("--out", required=True, help="the file to write")
    export.add_argument("--telegram-ids", action="store_true", help="add the members' Telegram ids (confidential)")
    export.add_argument(
        "--documents", metavar="ZIP", help="also write the documents sent as answers, with manifest.csv"
    )
    send = commands.add_parser("send-reminders", help="run the reminder sender without polling for updates")
    send.add_argument("--until-idle", action="store_true", help="stop when nothing is queued or due any more")
    return parser


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import open_storage
    from bot.services import documents
    from bot.services.coordination import NotFound, export_form

    storage = await open_storage(settings)
    sent = []
    try:
        async with storage.sessionmaker() as session:
            stored, files, count = await export_form(session, args.form, include_telegram_ids=args.telegram_ids)
            if getattr(args, "documents", None):
                sent = await documents.export_documents(session, stored.form_id)
    except NotFound:
        print(f"error: no survey with form id {args.form!r}", file=sys.stderr)
        return 2
    finally:
        await storage.engine.dispose()
    with open(args.out, "wb") as handle:
        handle.write(files.xlsx if args.format == "xlsx" else files.csv)
    print(f"{count} submissions of {stored.form_id} written to {args.out}")
    if getattr(args, "documents", None):
        # One zip on disk (no upload limit to split it for), laid out as the bot's export.
        with open(args.documents, "wb") as handle:
            handle.write(documents.build_archive(sent))
        print(f"{len(sent)} documents written to {args.documents}")
    return 0


async def _send_reminders(settings: Settings, until_idle: bool) -> None:
    from bot.app import build_bot, build_i18n, open_storage
    from bot.sender import Sender

    token = settings.require_token()
    storage = await open_storage(settings)
    bot = build_bot(token, settings)
    sender = Sender(
        bot,
        storage.sessionmaker,
        build_i18n(settings),
        settings.default_language,
        rate=settings.send_rate,
        lease=settings.send_lease,
        workers=settings.send_workers,
        window=settings.send_window,
    )
    try:
        await sender.run(until_idle=until_idle)
    finally:
        await bot.session.close()
        await storage.engine.dispose()


def form_command(args: argparse.Namespace) -> int:
    """`form check` and `form run`: exit 0 when fine, 2 for a broken form or answers file."""
    import json

    from bot.survey.cli import check_form, dry_run

    if args.form_command == "check":
        status, text = check_form(args.file)
        print(text, file=sys.stdout if status == 0 else sys.stderr)
        return status
    try:
        with open(args.answers, encoding="utf-8") as handle:
            answers = json.load(handle)
    except (OSError, ValueError) as error:
        print(f"error: {args.answers}: {error}", file=sys.stderr)
        return 2
    if not isinstance(answers, list):
        print(f"error: {args.answers}: expected a JSON list of inputs", file=sys.stderr)
        return 2
    from bot.survey import FormError

    try:
        result = dry_run(args.file, answers, args.lang)
    except FormError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


async def _upgrade(settings: Settings) -> None:
    from bot.app import open_storage

    storage = await open_storage(settings)
    await storage.engine.dispose()
    print("database is at the newest schema")


def main(argv: list[str] | None = None) -> int:
    """Run one command; configuration problems end with one line and exit status 2."""
    args = build_parser().parse_args(argv)
    if args.command == "form":
        return form_command(args)  # works on files only: no settings, no database
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        print(f"error: setting {'.'.join(map(str, first['loc'])).upper()}: {first['msg']}", file=sys.stderr)
        return 2
    configure_logging(settings, quiet=args.command in {"chat", "db", "lookup", "data"})
    try:
        if args.command == "chat":
            from bot.console import run_chat

            asyncio.run(
                run_chat(
                    settings,
                    sys.stdin,
                    sys.stdout,
                    args.user_id,
                    args.lang,
                    args.name,
                    files_dir=args.files_dir,
                    open_files=args.open,
                )
            )
        elif args.command == "run":
            from bot.server import run_polling

            asyncio.run(run_polling(settings))
        elif args.command == "webhook":
            from bot.server import run_webhook

            asyncio.run(run_webhook(settings))
        elif args.command == "web":
            from bot.web import run_web

            asyncio.run(run_web(settings, args.host))
        elif args.command == "db":
            asyncio.run(_upgrade(settings))
        elif args.command == "export":
            return asyncio.run(_export(settings, args))
        elif args.command == "send-reminders":
            asyncio.run(_send_reminders(settings, args.until_idle))
        elif args.command == "lookup":
            from bot.cli_data import run_lookup

            asyncio.run(run_lookup(settings, args))
        elif args.command == "data":
            from bot.cli_data import DataFileError, coverage_report, export_thresholds, import_thresholds

            try:
                if args.data_command == "import":
                    asyncio.run(import_thresholds(settings, args.file))
                elif args.data_command == "coverage":
                    asyncio.run(coverage_report(settings, args.json))
                else:
                    asyncio.run(export_thresholds(settings, args.out))
            except DataFileError as error:
                print(f"error: {error}", file=sys.stderr)
                return 2
    except (ConfigError, DatabaseUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
