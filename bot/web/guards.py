"""What every public page gets: security headers, ETags, a body-size limit and the API's rate limit."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.limits import WEB_API_RATE, WEB_API_WINDOW, WEB_BODY_BYTES, WEB_RATE_CLIENTS

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Nothing from elsewhere: styles from this site, no script on the public pages, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class RateLimiter:
    """A token bucket per client: `rate` requests per `window` seconds, bursts up to `rate`."""

    def __init__(
        self,
        rate: int = WEB_API_RATE,
        window: float = WEB_API_WINDOW,
        max_clients: int = WEB_RATE_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.window, self.max_clients, self.clock = rate, window, max_clients, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def retry_after(self, client: str) -> float:
        """0 when the client may go ahead (and a token is taken), else the seconds until it may."""
        now = self.clock()
        tokens, stamp = self._buckets.pop(client, (float(self.rate), now))
        tokens = min(float(self.rate), tokens + (now - stamp) * self.rate / self.window)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) * self.window / self.rate
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)  # memory stays bounded whatever the number of clients
        return wait


def web_middlewares(skip_paths: frozenset[str], limiter: RateLimiter) -> list:
    """The middlewares of the public site; `skip_paths` (the Telegram webhook) are left as they are."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in skip_paths:
            return await handler(request)
        if request.content_length is not None and request.content_length > WEB_BODY_BYTES:
            raise web.HTTPRequestEntityTooLarge(max_size=WEB_BODY_BYTES, actual_size=request.content_length)
        if request.path.startswith("/api/"):
            wait = limiter.retry_after(request.remote or "?")
            if wait:
                return web.json_response(
                    {"error": "too many requests"},
                    status=429,
                    headers={"Retry-After": str(max(1, round(wait)))} | SECURITY_HEADERS,
                )
        response = await handler(request)
        response.headers.update({key: value for key, value in SECURITY_HEADERS.items() if key not in response.headers})
        if (
            request.method in ("GET", "HEAD")
            and response.status == 200
            and isinstance(response, web.Response)
            and isinstance(response.body, bytes)
            and "ETag" not in response.headers
        ):
            body = response.body
            tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            response.headers["ETag"] = tag
            if tag in [value.strip() for value in request.headers.get("If-None-Match", "").split(",")]:
                return web.Response(
                    status=304,
                    headers={
                        key: value
                        for key, value in response.headers.items()
                        if key.lower() not in ("content-length", "content-type")
                    },
                )
        return response

    return [guard]
