"""Private chats only (issue 11, part 6): in a group the bot answers lookups and nothing personal.

Through the real dispatcher: /stats, /mydata, /invite, /export and the other commands post nothing
into a group (the first one gets a single note pointing to the private chat), a member's group
message is never a survey answer, buttons pressed in a group are refused, channels are ignored.
"""

from __future__ import annotations

import itertools
import time

from aiogram.types import Chat, Message, Update
from sqlalchemy import func, select

from storage.models import Member, Submission, SurveyAnswer
from tests.harness import BotHarness

COORDINATOR = 900
NOTE = "In groups I only answer threshold lookups"
_groups = itertools.count(-1_000_000_000_101, -1)


def group_id() -> int:
    """A supergroup no other test uses."""
    return next(_groups)


def sent_into(calls, chat_id: int) -> list:
    return [call for call in calls if call.method.startswith("send") and call.chat_id == chat_id]


def group_message(chat_id: int, user, text: str = "hello") -> Message:
    return Message(
        message_id=1,
        date=int(time.time()),
        chat=Chat(id=chat_id, type="supergroup", title="Soil people"),
        from_user=user,
        text=text,
    )


async def answers_of(harness: BotHarness, telegram_id: int) -> int:
    async with harness.storage.sessionmaker() as session:
        return await session.scalar(
            select(func.count(SurveyAnswer.id))
            .join(Submission, Submission.id == SurveyAnswer.submission_id)
            .join(Member, Member.id == Submission.member_id)
            .where(Member.telegram_id == telegram_id)
        )


async def test_personal_and_coordinator_commands_in_a_group_get_one_note(harness):
    coordinator = harness.user(COORDINATOR, name="Coordinator")
    await harness.send(coordinator, "/start")  # a known member with personal data to leak
    group = group_id()
    everything = []
    for command in (
        "/stats",
        "/mydata",
        "/invite focal_point KE",
        "/export ids",
        "/survey",
        "/reminders",
        "/review",
        "/start",
        "/help",
        "/forget",
        "/promote 12345",
        "/setrole 12345 focal_point Kenya",
    ):
        everything += await harness.feed(harness.updates.message(coordinator, command, chat_id=group))
    into_group = sent_into(everything, group)
    # One short note, the first time only; no statistics, no chart, no files, no personal data.
    assert len(into_group) == 1 and into_group[0].method == "sendMessage", [c.method for c in into_group]
    note = into_group[0].text
    assert NOTE in note and "https://t.me/insop_bot" in note
    assert str(COORDINATOR) not in note
    assert not [call for call in everything if call.method in ("sendPhoto", "sendDocument")]
    assert not [call for call in everything if call.chat_id not in (None, group)]  # nothing sent elsewhere either

    # Another group gets its own note, once.
    other = group_id()
    calls = await harness.feed(harness.updates.message(coordinator, "/stats", chat_id=other))
    calls += await harness.feed(harness.updates.message(coordinator, "/stats", chat_id=other))
    assert [call.text for call in sent_into(calls, other)] == [note]


async def test_the_note_is_in_the_senders_language_and_commands_for_other_bots_are_ignored(harness, user_id):
    user = harness.user(user_id, language="fr")
    group = group_id()
    calls = await harness.feed(harness.updates.message(user, "/stats@some_other_bot", chat_id=group))
    assert not sent_into(calls, group)
    calls = await harness.feed(harness.updates.message(user, "/mydata@insop_bot", chat_id=group))
    [note] = sent_into(calls, group)
    assert "Dans les groupes" in note.text


async def test_a_group_message_is_never_a_survey_answer(harness, user_id):
    user = harness.user(user_id)
    await harness.onboard(user, "Kenya", "National focal point")
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP soil threshold values")
    await harness.press(user, "Kenya")  # the survey now waits for typed text
    before = await answers_of(harness, user_id)
    group = group_id()
    calls = await harness.feed(harness.updates.message(user, "My private answer", chat_id=group))
    calls += await harness.feed(harness.updates.message(user, "cadmium Kenya", chat_id=group))
    assert await answers_of(harness, user_id) == before
    assert not [call for call in calls if call.method.startswith(("send", "edit"))]
    # The private chat still takes the answer.
    await harness.send(user, "Head of soil unit")
    assert await answers_of(harness, user_id) == before + 1


async def test_strangers_chatting_in_a_group_are_not_registered(harness, user_id):
    stranger = harness.user(user_id, name="Passer-by")
    calls = await harness.feed(harness.updates.message(stranger, "Kenya", chat_id=group_id()))
    assert not calls
    async with harness.storage.sessionmaker() as session:
        assert await session.scalar(select(Member).where(Member.telegram_id == user_id)) is None


async def test_lookups_work_in_a_group(harness, user_id):
    user = harness.user(user_id)
    group = group_id()
    calls = await harness.feed(harness.updates.message(user, "/lookup cadmium agricultural Netherlands", chat_id=group))
    [answer] = sent_into(calls, group)
    assert "Cadmium" in answer.text and "Netherlands" in answer.text
    assert answer.keyboard is not None  # the Compare button, which works in the group too
    compare = answer.keyboard.inline_keyboard[0][0].callback_data
    message = harness.api.message(group, answer.result.message_id)
    calls = await harness.feed(harness.updates.press(user, message, compare))
    assert sent_into(calls, group), [call.method for call in calls]


async def test_buttons_pressed_in_a_group_are_refused(harness, user_id):
    group = group_id()
    for presser, data in (
        (harness.user(user_id), "svs:1:abcdef12:c:0"),
        (harness.user(user_id), "svo:1"),
        (harness.user(user_id), f"forget:{user_id}:1"),
        (harness.user(user_id), "lang:fr"),
        (harness.user(COORDINATOR), "crv:1:ok:"),
        (harness.user(COORDINATOR), "cex:1:1"),
    ):
        calls = await harness.feed(harness.updates.press(presser, group_message(group, presser), data))
        assert [call.method for call in calls] == ["answerCallbackQuery"], (data, [call.method for call in calls])
        assert calls[0].params["text"] == "This works only in a private chat with me." and calls[0].params["show_alert"]
    async with harness.storage.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == user_id))
    assert member is None or member.language is None  # "lang:fr" changed nothing


async def test_channel_posts_are_ignored(harness):
    channel = Chat(id=-1_009_999_999_999, type="channel", title="News")
    post = Message(message_id=5, date=int(time.time()), chat=channel, text="/stats")
    calls = await harness.feed(Update(update_id=next(harness.updates._ids), channel_post=post))
    assert not calls
    # A member's message forwarded from the channel's discussion, sent as the channel: nothing either.
    message = Message(message_id=6, date=int(time.time()), chat=channel, sender_chat=channel, text="/mydata")
    calls = await harness.feed(Update(update_id=next(harness.updates._ids), message=message))
    assert not calls


async def test_private_chats_are_unchanged(harness, user_id):
    user = harness.user(user_id)
    calls = await harness.send(user, "/mydata")
    assert harness.texts(calls) == ["I store nothing about you."]
    message = group_message(user_id, user)
    message = message.model_copy(update={"chat": Chat(id=user_id, type="private")})
    calls = await harness.feed(harness.updates.press(user, message, "svs:99999999999999999999:ab:c:0"))
    assert [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"] == [
        "This button is no longer active."
    ]
