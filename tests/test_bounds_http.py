"""Real HTTP: emoji-heavy survey answers through the bot process and the fake Bot API, which refuses a
message over 4096 UTF-16 units after HTML parsing as Telegram does. The review screen must arrive whole
and with its Submit button; before the fix it was refused as "message is too long"."""

from __future__ import annotations

import pytest

from tests.botprocess import BotProcess

# A bot process against the fake Bot API, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

USER = 7311
EMOJI_ANSWER = "🌱🧪" * 700  # 1,400 code points but 2,800 UTF-16 units: one typed message


def sent_to(user: int, fragment: str):
    return lambda call: call.params.get("chat_id") == user and fragment in (call.params.get("text") or "")


async def test_emoji_answers_reach_a_review_with_submit_over_real_http(fake, database_url):
    bot = BotProcess(fake, database_url)
    await bot.start()
    try:
        since = fake.mark()

        async def say(text: str, expect: str) -> None:
            fake.inject_message(text, user_id=USER, language_code="en")
            await fake.wait_for("sendMessage", sent_to(USER, expect), since=since, timeout=20)

        async def press(label: str, expect: str) -> None:
            fake.press_button(USER, text=label)
            await fake.wait_for("sendMessage", sent_to(USER, expect), since=since, timeout=20)

        fake.inject_command("start", user_id=USER, language_code="en", first_name="Wanjiku")
        await fake.wait_for("sendMessage", sent_to(USER, "Which country"), since=since, timeout=20)
        await say("Kenya", "What is your role")  # a name typed exactly: no "Did you mean"
        await press("INSOP member / other", "What I can do")  # focal points are appointed
        await say("/survey", "Which survey")
        await press("INSOP soil threshold values", "Which country are you answering about?")
        await press("Kenya", "In what capacity are you answering?")
        await press("Official GSP national focal point", "Your full name")
        await say(EMOJI_ANSWER, "Your work e-mail")
        await say("wanjiku@example.org", "Which institution")
        await say(EMOJI_ANSWER, "checked with the authority")
        await press("Yes", "Does your country have national soil threshold values")
        await press("No", "Do states or provinces")
        await press("No", "Which other values are used in practice")
        fake.press_button(USER, text="None")
        await fake.wait_for("editMessageReplyMarkup", since=since, timeout=20)
        await press("Done", "Which stage best describes")
        await press("Being considered", "In the last two years")
        await press("No", "What most hinders")
        fake.press_button(USER, text="Other")
        await fake.wait_for("editMessageReplyMarkup", since=since, timeout=20)
        await press("Done", "Please say which.")
        await say(EMOJI_ANSWER, "Which support would help most?")
        mark = fake.mark()
        fake.press_button(USER, text="Training")
        await fake.wait_for("editMessageReplyMarkup", since=mark, timeout=20)
        await press("Done", "How may INSOP use your country")
        await press("Publish them", "May INSOP contact you")
        await press("Yes", "Any comments")
        await say("/skip", "Please check your answers")
        keyboard = fake.last_inline_keyboard(USER)
        assert keyboard is not None
        assert any("Submit" in button["text"] for row in keyboard["inline_keyboard"] for button in row)
        too_long = [call for call in fake.calls_of("sendMessage", ok=False) if call.params.get("chat_id") == USER]
        assert too_long == [], [call.error for call in too_long]
        await press("Submit", "Thank you! Your answers have been submitted.")
    finally:
        bot.stop()
