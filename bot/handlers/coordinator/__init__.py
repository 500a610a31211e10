"""Coordinator tools, one module and one Router per tool.

The role check is a filter on the parent router `tools` (`coordinator_only`), so no tool handler runs
for anyone else; the refusal router after it answers every non-coordinator who reaches a coordinator
command, button or typed step. /mute and /unmute sit beside them for every member.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers.coordinator import (
    dashboard,
    export,
    invites,
    menu,
    muting,
    publish,
    refusal,
    reminders,
    review,
    roles,
    stats,
)
from bot.handlers.coordinator.common import coordinator_only, is_coordinator
from bot.handlers.coordinator.menu import coordinator_help

__all__ = ["build_router", "coordinator_help", "is_coordinator"]


def build_router() -> Router:
    """A new Router with every coordinator tool behind the role filter, the refusals, and /mute, /unmute."""
    tools = Router(name="coordinator tools")
    tools.message.filter(coordinator_only)
    tools.callback_query.filter(coordinator_only)
    tools.include_routers(
        menu.build_router(),
        roles.build_router(),
        invites.build_router(),
        dashboard.build_router(),
        stats.build_router(),
        export.build_router(),
        review.build_router(),
        publish.build_router(),
        reminders.build_router(),
    )
    router = Router(name="coordinator")
    router.include_routers(muting.build_router(), tools, refusal.build_router())
    return router
