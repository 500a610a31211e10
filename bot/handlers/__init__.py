"""aiogram routers, one module per feature, built fresh for every dispatcher.

aiogram attaches a Router to one dispatcher only; tests and benchmarks build several dispatchers
in one process, so each module records its handlers in a `Handlers` registry and the app asks it
for a new Router (`handlers.router()`), keeping the familiar decorator style.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router


class Handlers:
    """Decorators like a Router's; `router()` builds a Router with everything registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: list[tuple[str, Callable[..., Any], tuple[Any, ...]]] = []

    def _register(self, event: str, filters: tuple[Any, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(callback: Callable[..., Any]) -> Callable[..., Any]:
            self._entries.append((event, callback, filters))
            return callback

        return decorator

    def message(self, *filters: Any):
        return self._register("message", filters)

    def callback_query(self, *filters: Any):
        return self._register("callback_query", filters)

    def inline_query(self, *filters: Any):
        return self._register("inline_query", filters)

    def router(self) -> Router:
        """A new Router with every handler of this module, in definition order."""
        router = Router(name=self.name)
        for event, callback, filters in self._entries:
            getattr(router, event).register(callback, *filters)
        return router
