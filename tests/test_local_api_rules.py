"""The in-process Bot API (bot/local_api.py, under every dispatcher test) refuses what the fake HTTP Bot API
(tests/fakeapi) refuses, and a handler whose call Telegram would refuse fails its test even when the bot's
error handling hides the refusal."""

from __future__ import annotations

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.local_api import LocalBotAPI, html_problem, keyboard_problem, visible_text
from tests.fakeapi.formatting import EntityParseError, format_text
from tests.fakeapi.server import ApiError, FakeBotAPI
from tests.harness import BotHarness

HTML_CASES = [
    "plain",
    "a < b and c > d",
    "AT&T",
    "&lt;b&gt;",
    "<b>bold</b>",
    "<B>upper</B>",
    "<b>open",
    "closed</b>",
    "<b><i>crossed</b></i>",
    "<script>x</script>",
    "<Kenya>",
    "<br>",
    "<br/>",
    "line<br/>break",
    "<b/>",
    '<span class="tg-spoiler">s</span>',
    "<span>no class</span>",
    "<tg-spoiler>s</tg-spoiler>",
    '<a href="https://fao.org">FAO</a>',
    "<a>no link</a>",
    '<pre><code class="language-py">x</code></pre>',
    "<blockquote expandable>q</blockquote>",
    "<!-- comment -->text",
    "<u><s>both</s></u>",
    "</>",
    "<>",
    "<1>",
    "x <b",
    "🌱 <i>é</i>",
    '<tg-emoji emoji-id="1">👍</tg-emoji>',
    "<p>paragraph</p>",
    "<em>e</em><strong>s</strong>",
]


@pytest.mark.parametrize("text", HTML_CASES)
def test_both_bot_apis_parse_telegram_html_alike(text):
    try:
        fake_plain, _entities = format_text(text, "HTML", None)
        fake_refuses = False
    except EntityParseError:
        fake_refuses = True
    assert (html_problem(text) is not None) == fake_refuses, html_problem(text)
    if not fake_refuses:
        assert visible_text(text, "HTML") == fake_plain


def button(**fields) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=fields.pop("text", "OK"), **fields)


KEYBOARDS = {
    "one button": [[button(callback_data="a")]],
    "64 bytes of data": [[button(callback_data="é" * 32)]],
    "65 bytes of data": [[button(callback_data="a" * 65)]],
    "65 bytes in two-byte letters": [[button(callback_data="a" + "é" * 32)]],
    "a link": [[button(url="https://fao.org")]],
    "a label without an action": [[button()]],
    "an empty label": [[button(text="", callback_data="a")]],
    "8 in a row": [[button(callback_data=str(index)) for index in range(8)]],
    "9 in a row": [[button(callback_data=str(index)) for index in range(9)]],
    "100 buttons": [[button(callback_data=f"{row}.{column}") for column in range(5)] for row in range(20)],
    "101 buttons": [[button(callback_data=f"{row}.{column}") for column in range(5)] for row in range(20)]
    + [[button(callback_data="last")]],
}


@pytest.mark.parametrize("name", KEYBOARDS)
def test_both_bot_apis_refuse_the_same_keyboards(name):
    markup = InlineKeyboardMarkup(inline_keyboard=KEYBOARDS[name])
    try:
        FakeBotAPI()._reply_markup({"reply_markup": markup.model_dump(exclude_none=True)})
        fake_refusal = None
    except ApiError as error:
        fake_refusal = error.description
    assert keyboard_problem(markup) == fake_refusal


async def test_the_local_bot_api_refuses_a_65_byte_callback_and_counts_utf16():
    bot = Bot("1000:test", session=LocalBotAPI(), default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(
            7, "Pick", reply_markup=InlineKeyboardMarkup(inline_keyboard=KEYBOARDS["65 bytes of data"])
        )
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.send_message(7, "Pick", reply_markup=InlineKeyboardMarkup(inline_keyboard=KEYBOARDS["9 in a row"]))
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(7, "<b>" + "🌱" * 2048 + "!</b>")  # 4097 UTF-16 units once the tags are gone
    await bot.send_message(7, "<b>" + "🌱" * 2048 + "</b>")
    assert [call.result for call in bot.session.refused] == [
        "Bad Request: BUTTON_DATA_INVALID",
        "Bad Request: reply markup is too long",
        "Bad Request: message is too long",
    ]


def careless_dispatcher() -> Dispatcher:
    """A bot with the mistakes the harness must catch, and an error handler that hides them as the app's does."""
    router = Router()

    @router.message(F.text.startswith("echo "))
    async def echo(message: Message) -> None:
        await message.answer(f"You wrote: {message.text[5:]}")  # not escaped

    @router.message(F.text == "menu")
    async def menu(message: Message) -> None:
        await message.answer(
            "Choose",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="Kenya", callback_data="pick:" + "k" * 60)]]
            ),
        )

    dispatcher = Dispatcher()
    dispatcher.include_router(router)

    @dispatcher.errors()
    async def swallow(_event) -> bool:
        return True

    return dispatcher


@pytest.fixture
def careless():
    api = LocalBotAPI()
    bot = Bot("1000:test", session=api, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return BotHarness(careless_dispatcher(), bot, api, storage=None)


async def test_a_handler_sending_unescaped_markup_fails_its_test(careless):
    user = BotHarness.user(4242)
    assert careless.texts(await careless.send(user, "echo cadmium")) == ["You wrote: cadmium"]
    with pytest.raises(AssertionError, match="can't parse entities.*<Kenya>"):
        await careless.send(user, "echo <Kenya>")
    with pytest.raises(AssertionError, match="can't parse entities"):
        await careless.send(user, "echo a </b> b")


async def test_a_handler_sending_a_65_byte_callback_fails_its_test(careless):
    with pytest.raises(AssertionError, match="BUTTON_DATA_INVALID"):
        await careless.send(BotHarness.user(4243), "menu")


async def test_a_test_about_refusals_can_allow_them(careless):
    with careless.refusals_allowed():
        assert await careless.send(BotHarness.user(4244), "echo <Kenya>") == []
    assert careless.api.refused[-1].result.startswith("Bad Request: can't parse entities")
