"""Run the fake Bot API standalone: ``python -m tests.fakeapi --port 8081 [--rate 30] ...``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from .server import DEFAULT_TOKEN, FakeBotAPI


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tests.fakeapi", description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8081, help="port (0 = pick a free one)")
    p.add_argument("--token", default=DEFAULT_TOKEN, help="the only bot token accepted")
    p.add_argument("--username", default="insop_test_bot", help="bot username returned by getMe")
    p.add_argument("--first-name", default="INSOP Test Bot")
    p.add_argument("--rate", type=float, default=None, help="global sends per second (off by default)")
    p.add_argument("--per-chat-rate", type=float, default=None, help="sends per second per chat (off by default)")
    p.add_argument(
        "--group-rate",
        type=float,
        default=None,
        help="sends per MINUTE per group chat (id < 0), e.g. 20; overrides --per-chat-rate there",
    )
    p.add_argument("--retry-after", type=int, default=None, help="fixed retry_after reported on 429")
    p.add_argument("--no-penalize", action="store_true", help="do not lock a key for retry_after after a 429")
    p.add_argument("--time-scale", type=float, default=1.0, help="fake seconds per wall second")
    p.add_argument("--latency", type=float, default=0.0, help="fake seconds added to every API answer")
    p.add_argument("--blocked", default="", help="comma-separated chat ids that blocked the bot")
    p.add_argument("--no-parse-html", action="store_true", help="keep HTML text verbatim")
    p.add_argument("--webhook-attempts", type=int, default=3)
    p.add_argument("--no-record-calls", action="store_true", help="do not keep the call log (long load tests)")
    p.add_argument("-v", "--verbose", action="store_true")
    return p


async def _main(args: argparse.Namespace) -> None:
    blocked = [int(x) for x in args.blocked.split(",") if x.strip()]
    fake = FakeBotAPI(
        token=args.token,
        username=args.username,
        first_name=args.first_name,
        rate_limit=args.rate,
        per_chat_rate_limit=args.per_chat_rate,
        group_rate_limit=args.group_rate / 60 if args.group_rate else None,
        retry_after=args.retry_after,
        penalize=not args.no_penalize,
        time_scale=args.time_scale,
        latency=args.latency,
        blocked=blocked,
        parse_html=not args.no_parse_html,
        webhook_max_attempts=args.webhook_attempts,
        record_calls=not args.no_record_calls,
    )
    await fake.start(args.host, args.port)
    print(f"fake Bot API listening on {fake.base_url} token={fake.token}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    asyncio.run(_main(args))


if __name__ == "__main__":
    main()
