"""kill -9 at 20+ random moments of the threshold survey: nothing given is lost, nothing is stored twice.

The bot runs as `python -m bot run` against the fake Bot API. A seeded random picks, every 2-3
answers, a moment to SIGKILL the process: right after the answer is injected (before the bot read
it), a few milliseconds later (while it is being handled), or after the reply was sent (before the
offset is confirmed, so Telegram delivers it again). The process is restarted and the member goes on.
The expected answers come from the pure survey engine fed the same inputs.
"""

from __future__ import annotations

import asyncio
import random
import time

import pytest
from sqlalchemy import func, select

from bot.survey import answer as engine_answer
from bot.survey import current_prompt, load_form
from bot.survey import start as engine_start
from storage.db import create_engine
from storage.models import Member, Submission, SurveyAnswer
from tests.botprocess import BotProcess, open_threshold_survey
from tests.conftest import ROOT

# Bot processes killed with SIGKILL, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

USER = 7117
SEED = 20240607
REPEATS = 4  # threshold values entered: ~58 answers in all


def survey_plan(repeats: int = REPEATS) -> tuple[list[str], dict, str]:
    """What the member types at each question, the answers the engine stores, and the next question's label."""
    form = load_form(ROOT / "storage" / "forms" / "threshold_survey.xlsx")
    state = engine_start(form, "en")
    inputs: list[str] = []
    entered = 0
    for _ in range(200):
        prompt = current_prompt(form, state, "en")
        if prompt.kind == "note":
            state = engine_answer(form, state, None).state
            continue
        if prompt.kind not in ("question", "add_another") or (entered >= repeats and prompt.path.endswith("/val_unit")):
            break  # stop inside the last repeat, so resuming has a question to resume at
        number = len(inputs)
        if prompt.path == "respondent/country":
            text = "Kenya"
        elif prompt.kind == "add_another":
            entered += 1
            text = "Yes"
        elif prompt.path == "status/has_thresholds":
            text = "Yes, in force"
        elif prompt.path.endswith(("/instr_type_values", "/unit_confirm")):
            text = "Yes"  # type key values; confirm an unusual unit
        elif prompt.path.endswith("resp_email"):
            text = f"member{number}@example.org"
        elif prompt.path.endswith("expected_year"):
            text = "2030"
        elif prompt.path.endswith(("/pollutant_cas", "/ph_min", "/ph_max", "/instr_amended")):
            # Optional answers with a format of their own.
            text = {"pollutant_cas": "7440-43-9", "ph_min": "5", "ph_max": "7", "instr_amended": "2024"}[
                prompt.path.rsplit("/", 1)[1]
            ]
        elif prompt.type == "select_one":
            text = prompt.choices[number % len(prompt.choices)][1]
        elif prompt.type == "select_multiple":
            text = prompt.choices[1][1]  # the first may be "None", which stands alone; labels may hold commas
        elif prompt.type == "integer":
            text = str(1990 + number % 30)
        elif prompt.type == "decimal":
            text = f"{number}.5"
        elif prompt.path.endswith("link"):
            text = f"https://example.org/doc/{number}"
        elif prompt.type == "file":
            text = "/skip"  # the instrument's document is optional; the link stands for it
        else:
            text = f"answer {number} ‫نص‬ 🌱"
        result = engine_answer(form, state, None if text == "/skip" else text)
        assert result.accepted, (prompt.path, text, result.error)
        state = result.state
        inputs.append(text)
    return inputs, state["answers"], current_prompt(form, state, "en").label


def to_user(fragment: str):
    return lambda call: call.params.get("chat_id") == USER and fragment in (call.params.get("text") or "")


async def trail(engine) -> tuple[dict | None, int, int, int]:
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(Submission.id, Submission.state)
                .join(Member, Member.id == Submission.member_id)
                .where(Member.telegram_id == USER)
            )
        ).first()
        if row is None:
            return None, 0, 0, 0
        # One statement, one snapshot: the bot keeps writing while we count.
        count, distinct, accepted = (
            await connection.execute(
                select(
                    func.count(SurveyAnswer.id),
                    func.count(func.distinct(SurveyAnswer.update_id)),
                    func.count(SurveyAnswer.id).filter(SurveyAnswer.accepted),
                ).where(SurveyAnswer.submission_id == row.id)
            )
        ).one()
        return row.state, count, distinct, accepted


async def wait_stored(engine, expected: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _state, count, distinct, _accepted = await trail(engine)
        assert count == distinct, "an update was recorded twice"
        assert count <= expected, f"{count} answers stored, only {expected} given"
        if count == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"answer {expected} was never stored")


async def test_kill_9_at_random_moments_of_the_survey(fake, database_url):
    inputs, expected_answers, next_label = survey_plan()
    rng = random.Random(SEED)
    engine = create_engine(database_url)
    bot = BotProcess(fake, database_url)
    await bot.start()
    kills: list[str] = []
    try:
        since = fake.mark()
        await open_threshold_survey(fake, USER, "Nadia", since)

        next_kill = rng.randint(2, 3)
        for number, text in enumerate(inputs, start=1):
            since = fake.mark()
            fake.inject_message(text, user_id=USER, language_code="en")
            if number == next_kill:
                moment = rng.choice(["at once", "while handling", "after the reply"])
                if moment == "while handling":
                    await asyncio.sleep(rng.uniform(0.0, 0.2))
                elif moment == "after the reply":
                    await fake.wait_for("sendMessage", {"chat_id": USER}, since=since, timeout=20)
                bot.kill()
                kills.append(moment)
                await wait_stored_at_most(engine, number)
                await bot.start()
                next_kill += rng.randint(2, 3)
            await wait_stored(engine, number)
        assert len(kills) >= 20, kills
        assert {"at once", "while handling", "after the reply"} <= set(kills)

        state, count, distinct, accepted = await trail(engine)
        assert count == distinct == accepted == len(inputs)  # every answer stored once, all accepted
        assert state["answers"] == expected_answers  # the draft is what was answered, in order

        # One more crash, then /survey -> continue resumes at the right question.
        bot.kill()
        await bot.start()
        since = fake.mark()
        fake.inject_command("survey", user_id=USER, language_code="en")
        await fake.wait_for("sendMessage", to_user("Which survey"), since=since, timeout=20)
        fake.press_button(USER, text="continue")
        question = await fake.wait_for("sendMessage", to_user(next_label), since=since, timeout=20)
        assert next_label in question.params["text"]
    finally:
        bot.stop()
        await engine.dispose()


async def wait_stored_at_most(engine, given: int) -> None:
    """Right after a kill: never more answers than given, never one twice."""
    _state, count, distinct, _accepted = await trail(engine)
    assert count == distinct and count <= given
