"""Callback data is bounded before it reaches SQL (issue 11, part 3).

Every factory's integer fields are range-checked (PostgreSQL's `integer` overflows beyond 2**31 - 1)
and its text fields have a bounded length and no control characters, so aiogram's filter refuses
forged data instead of passing it to a handler; refusing never raises out of the filter.
"""

from __future__ import annotations

import typing
from enum import Enum

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, User

from bot import callbacks
from bot.handlers.privacy import ForgetConfirm

FACTORIES = [
    value
    for value in vars(callbacks).values()
    if isinstance(value, type) and issubclass(value, CallbackData) and value is not CallbackData
] + [ForgetConfirm]
GOOD = {int: "1", bool: "1", str: "ok"}


def _kind(annotation) -> type:
    base = typing.get_origin(annotation) is typing.Annotated and typing.get_args(annotation)[0] or annotation
    if isinstance(base, type) and issubclass(base, Enum):
        return base  # an action: one of its values
    return base if base in GOOD else str


def _good(kind: type) -> str:
    return next(iter(kind)).value if issubclass(kind, Enum) else GOOD[kind]


def _fields(factory) -> list[tuple[str, type]]:
    return [(name, _kind(field.annotation)) for name, field in factory.model_fields.items()]


def _just_too_big(factory, name: str) -> list[str]:
    limits = [constraint.le for constraint in factory.model_fields[name].metadata if hasattr(constraint, "le")]
    return [str(limits[0] + 1)] if limits else []


async def _accepted(factory, data: str) -> bool:
    query = CallbackQuery(id="1", from_user=User(id=1, is_bot=False, first_name="A"), chat_instance="1", data=data)
    return bool(await factory.filter()(query))


def test_every_factory_is_checked():
    assert {factory.__prefix__ for factory in FACTORIES} == {
        "lang",
        "ctry",
        "role",
        "prf",
        "svo",
        "sva",
        "svs",
        "cmp",
        "lkp",
        "crm",
        "crx",
        "crv",
        "cex",
        "cpb",
        "civ",
        "forget",
        "doc",
    }


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__prefix__)
async def test_forged_values_are_refused_by_the_filter(factory):
    fields = _fields(factory)
    good = [_good(kind) for _name, kind in fields]
    assert await _accepted(factory, ":".join([factory.__prefix__, *good]))
    assert not await _accepted(factory, ":".join([factory.__prefix__, *good, "1"]))  # an extra field
    assert not await _accepted(factory, factory.__prefix__)  # no fields
    for position, (name, kind) in enumerate(fields):
        bad_values = {
            int: ["99999999999999999999", "-1", "x", "1.5", *_just_too_big(factory, name)],
            bool: ["2", "maybe"],
            str: ["\x00", "a\nb", "x" * 65],
        }.get(kind, ["\x00", "not-an-action"])
        for bad in bad_values:
            data = ":".join([factory.__prefix__, *good[:position], bad, *good[position + 1 :]])
            assert not await _accepted(factory, data), (name, data)


def test_ids_fit_postgresql_integer():
    """Row ids stop at int4's maximum; a Telegram user id may be larger."""
    assert _just_too_big(callbacks.SurveyStep, "sub") == [str(2**31)]
    assert int(_just_too_big(ForgetConfirm, "user")[0]) > 2**31


def test_the_largest_row_id_still_fits():
    assert callbacks.SurveyStep.unpack("svs:2147483647:abcd1234:c:0").sub == 2**31 - 1
    assert callbacks.SurveyStep(sub=5, step="74bd1687", action="c", arg=3).pack() == "svs:5:74bd1687:c:3"


async def test_a_button_under_an_old_message_is_refused_politely(settings, storage, user_id):
    """Telegram sends a press under an old or deleted message with an InaccessibleMessage (chat and id,
    date 0, no text and no edit methods). Before: the language, country, role, survey and /forget
    handlers called `edit_text` on it, failed, and the member got "Sorry, something went wrong" (the
    language already switched). Now: "This button is no longer active.", nothing changed."""
    from aiogram.types import Chat, InaccessibleMessage, Update
    from sqlalchemy import select

    from storage.models import Member
    from tests.harness import BotHarness

    harness = await BotHarness.start(settings, storage)
    try:
        member = harness.user(user_id, language="en")
        await harness.onboard(member, "Kenya", "National focal point")
        old = InaccessibleMessage(chat=Chat(id=user_id, type="private"), message_id=1, date=0)
        for data in ("lang:fr", "ctry:KE", "role:member", "svo:1", "svs:1:74bd1687:c:0", f"forget:{user_id}:1"):
            update_id = next(harness.updates._ids)
            query = CallbackQuery(id=str(update_id), from_user=member, chat_instance="1", message=old, data=data)
            calls = await harness.feed(Update(update_id=update_id, callback_query=query))
            assert harness.texts(calls) == ["This button is no longer active."], (data, harness.texts(calls))
        async with harness.storage.sessionmaker() as session:
            stored = await session.scalar(select(Member).where(Member.telegram_id == user_id))
        assert stored is not None and stored.language in (None, "en") and stored.role == "focal_point"
    finally:
        await harness.close()
