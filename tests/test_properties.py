"""Property-based tests (bounded): lookup parser, survey input, callback data, CSV import; odd texts stored verbatim."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import string

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.i18n.survey_errors import explain
from bot.lookup import ParsedQuery, RowError, default_vocabulary, parse_query, read_thresholds_csv
from bot.lookup.records import CSV_COLUMNS
from bot.survey import answer, current_prompt, start
from storage.models import Member, Submission, SurveyAnswer
from tests.conftest import ROOT
from tests.forms import shipped_form
from tests.harness import BotHarness

FORMS = sorted((ROOT / "storage" / "forms").glob("*.xlsx"))
ODD_TEXTS = [
    "x" * 5000,  # longer than a Telegram message
    "🌱🧪☢️ soil 👩🏽‍🔬",
    "مختبر التربة الوطني",  # right-to-left
    "‏שלום‎ mixed ‮reversed‬",
    "zero\u200bwidth\u200d\ufeffjoin",
    "ctrl\x00\x01\x07\x1b[31m\x7f",
    "Robert'); DROP TABLE members;--",
    "' OR 1=1 -- ",
    "<b>not html</b> & <script>",
]
BOUNDED = hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------ lookup parser


@BOUNDED
@given(st.text(max_size=400) | st.sampled_from(ODD_TEXTS))
def test_parse_query_never_fails(text):
    parsed = parse_query(text, default_vocabulary())
    assert isinstance(parsed, ParsedQuery)
    assert parse_query(text, default_vocabulary()) == parsed  # deterministic


# ------------------------------------------------------------------------------ survey engine input


@pytest.mark.parametrize("path", FORMS, ids=[path.stem for path in FORMS])
def test_survey_answer_takes_any_input(path):
    form = shipped_form(path.name)
    inputs = st.one_of(
        st.none(),
        st.text(max_size=300),
        st.sampled_from(ODD_TEXTS),
        st.integers(),
        st.floats(),
        st.lists(st.text(max_size=30), max_size=5),
    )

    @BOUNDED
    @given(inputs, st.integers(min_value=0, max_value=6))
    def check(value, steps):
        state = start(form, "en")
        # Walk a few questions in with the first choice / a plain text, then throw the random input.
        for _ in range(steps):
            prompt = current_prompt(form, state, "en")
            if prompt.kind not in ("question", "note"):
                break
            candidate = prompt.choices[0][1] if prompt.choices else "1"
            result = answer(form, state, None if prompt.kind == "note" else candidate)
            state = result.state if result.accepted else state
        before = current_prompt(form, state, "en")
        result = answer(form, state, value)
        assert isinstance(result.accepted, bool)
        if not result.accepted:
            assert result.error is not None and explain(result.error).strip()
            assert current_prompt(form, state, "en").path == before.path  # nothing moved
        else:
            current_prompt(form, result.state, "en")  # the new state is usable

    check()


# ------------------------------------------------------------------------------ CSV import


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def _read(data: bytes, tmp_path) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    try:
        read_thresholds_csv(path)
    except (RowError, ValueError, csv.Error) as error:  # UnicodeDecodeError is a ValueError
        message = str(error)
        assert message and "\n" not in message.strip() and "Traceback" not in message


@pytest.mark.parametrize("kind", ["bytes", "rows"])
def test_csv_import_reports_one_line_errors(kind, tmp_path):
    cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
        ["", "1", "0,5", "-3", "mg/kg", "KE", "cadmium", "agricultural", "pH 5-6", "nan", "1e309"]
    )
    strategy = (
        st.binary(max_size=600)
        if kind == "bytes"
        else st.lists(st.lists(cell, min_size=len(CSV_COLUMNS), max_size=len(CSV_COLUMNS)), min_size=1, max_size=3).map(
            lambda rows: _csv(rows).encode("utf-8")
        )
    )

    @BOUNDED
    @given(strategy)
    def check(data):
        _read(data, tmp_path)

    check()


@pytest.mark.slow  # a `python -m bot` process
def test_cli_import_of_garbage_is_one_line(tmp_path, database_url):
    import subprocess
    import sys

    from tests.botprocess import BotProcess  # noqa: F401  (same environment rules)

    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\xff\xfe\x00not,a;csv\n\x00\x01")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "data", "import", str(garbage)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------------------ through the dispatcher


@pytest.fixture(scope="module")
def loop_harness(settings, committed_database):
    """A harness on its own event loop, so hypothesis (synchronous) can drive it: on the committed database,
    since the isolated one's connection belongs to the session's loop."""
    loop = asyncio.new_event_loop()
    harness = loop.run_until_complete(BotHarness.start(settings))
    yield loop, harness
    loop.run_until_complete(harness.close())
    loop.close()


async def _counts(harness: BotHarness) -> tuple[int, int, int]:
    async with harness.storage.sessionmaker() as session:
        return (
            await session.scalar(select(func.count(Member.id))),
            await session.scalar(select(func.count(Submission.id))),
            await session.scalar(select(func.count(SurveyAnswer.id))),
        )


def test_random_callback_data_is_refused_politely(loop_harness):
    loop, harness = loop_harness
    user = harness.user(55_501)
    loop.run_until_complete(harness.send(user, "/help"))  # a message with no keyboard to press under
    message = harness.api.calls[-1].result
    data = (
        st.text(max_size=64)
        | st.builds(
            lambda sub, step, action, arg: f"svs:{sub}:{step}:{action}:{arg}",
            st.integers(-5, 10**6),
            st.text(alphabet=string.hexdigits, max_size=10),
            st.sampled_from(list("ctdsbeSx") + [""]),
            st.integers(-3, 10**4),
        )
        | st.builds(lambda form: f"svo:{form}", st.integers(-5, 10**6))
        | st.builds(lambda user_id: f"forget:{user_id}:1", st.integers())
    )

    @BOUNDED
    @given(data)
    def check(payload):
        # Profile choices are real actions of the member who presses them; everything else must store nothing.
        if payload.startswith(("lang:", "ctry:", "role:")):
            return
        before = loop.run_until_complete(_counts(harness))
        calls = loop.run_until_complete(harness.feed(harness.updates.press(user, message, payload)))
        texts = harness.texts(calls)
        assert not any("something went wrong" in text for text in texts), (payload, texts)
        assert loop.run_until_complete(_counts(harness)) == before

    check()


@pytest.mark.parametrize("odd", ODD_TEXTS, ids=[f"odd{index}" for index in range(len(ODD_TEXTS))])
def test_odd_texts_are_handled_and_stored_verbatim(loop_harness, odd):
    loop, harness = loop_harness
    user = harness.user(55_600 + ODD_TEXTS.index(odd))

    async def scenario():
        # Before onboarding the text is taken as a country name; afterwards as a lookup; in a survey as an answer.
        calls = await harness.send(user, odd)
        assert calls and all(len(call.text) <= 4096 for call in calls)
        await harness.onboard(user, "Kenya", "National focal point")
        calls = await harness.send(user, odd)
        assert calls and not any("something went wrong" in text for text in harness.texts(calls))
        await harness.send(user, "/survey")
        await harness.press(user, "INSOP soil threshold values")
        await harness.press(user, "Kenya")
        calls = await harness.send(user, odd)  # "What is your role or position?" (free text)
        assert not any("something went wrong" in text for text in harness.texts(calls))
        async with harness.storage.sessionmaker() as session:
            draft = await session.scalar(
                select(Submission)
                .join(Member, Member.id == Submission.member_id)
                .where(Member.telegram_id == user.id)
                .order_by(Submission.id.desc())
            )
            stored = draft.state["answers"].get("respondent/role")
        accepted = "Which institution" in "\n".join(harness.texts(calls))
        if accepted:
            # Byte for byte what was typed (zero-width, bidi marks, emoji, quotes), except C0 control
            # characters, which the survey engine drops on purpose (PostgreSQL JSON cannot hold NUL), and
            # bidi embeddings, overrides and isolates, which would turn a coordinator's line around.
            assert stored == re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]", "", odd).strip()
        else:
            assert stored is None and any("⚠️" in text for text in harness.texts(calls))

    loop.run_until_complete(scenario())
