"""Requests aiohttp refuses before the site sees them: a request line over WEB_LINE_BYTES, a header over
aiohttp's 8190-byte field limit, a garbled request line.

aiohttp's HTTP parser raises these while reading the bytes, and its `RequestHandler.handle_error` answers
at once with its own plain text ("Got more than 65536 bytes when reading: …", echoing the start of the
input); no middleware, signal or route of the app runs (aio-libs/aiohttp#3287, still open, asks for a
hook). `SiteRunner` is the one place that changes this: its connections use a `RequestHandler` whose
`handle_error` answers such a 4xx with the site's short error page, in the site's default language (the
request's own `?lang=` and `Accept-Language` were never read).
"""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from bot.web.guards import SECURITY_HEADERS
from bot.web.keys import SETTINGS
from bot.web.language import translations


def unreadable_response(app: web.Application, status: int) -> web.Response:
    """The site's error page (or one plain sentence where the app has no site) for a request it could not read."""
    settings = app.get(SETTINGS)
    language = settings.default_language if settings is not None else "en"
    message = translations(language).gettext("This request is too long or malformed, so it could not be read.")
    if aiohttp_jinja2.APP_KEY in app:
        from bot.web.views import site_context

        page = (
            aiohttp_jinja2.get_env(app)
            .get_template("error.html")
            .render(site_context(language, "/", {}, message=message))
        )
        response = web.Response(status=status, text=page, content_type="text/html", headers=SECURITY_HEADERS)
    else:
        response = web.Response(status=status, text=message, content_type="text/plain")
    response.force_close()
    return response


class _PoliteRequestHandler(RequestHandler):
    __slots__ = ()

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        """aiohttp's answer (and its log line) for a server error; the site's page for a request it could not read."""
        response = super().handle_error(request, status, exc, message)  # logs, and refuses once output started
        app = getattr(self._manager, "site_app", None)
        if app is None or status >= 500 or not isinstance(exc, HttpProcessingError):
            return response
        return unreadable_response(app, status)


class _PoliteServer(web.Server):
    site_app: web.Application | None = None

    def __call__(self) -> RequestHandler:
        return _PoliteRequestHandler(self, loop=self._loop, **self._kwargs)


class SiteRunner(web.AppRunner):
    """An `AppRunner` whose connections answer requests aiohttp cannot read with the site's error page."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _PoliteServer  # the app's own server, only its connections' handler class differs
        server.site_app = self.app  # type: ignore[attr-defined]
        return server
