"""Coordinator tools, one module and one Router per tool.

The role check is a filter on the parent router `tools` (`coordinator_only`), so no tool handler runs
for anyone else; the refusal router after it answers every non-coordinator who reaches a coordinator
command, button or typed step. /mute and /unmute sit beside them for every member. Every message these
routers take is a command, typed input for a coordinator step or a file (a form to publish): the guard
`coordinator_input` on the package's router lets other messages (a lookup) pass at one check.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

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
from bot.handlers.coordinator.common import CoordinatorStates, coordinator_only, is_coordinator
from bot.handlers.coordinator.menu import coordinator_help
from bot.handlers.guards import is_command

__all__ = ["build_router", "coordinator_help", "is_coordinator"]


def coordinator_input(message: Message, raw_state: str | None = None) -> bool:
    """Router guard: a command, typed input for a coordinator step, or a file."""
    return message.document is not None or raw_state in CoordinatorStates.__state_names__ or is_command(message)


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
    router.message.filter(coordinator_input)
    router.include_routers(muting.build_router(), tools, refusal.build_router())
    return router
