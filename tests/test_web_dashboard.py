"""The coordinators' Mini App: initData signed with the bot token (Telegram's scheme), recent, from a coordinator."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.limits import WEB_INIT_DATA_SECONDS
from bot.web import build_web_app
from storage.models import Member, Role

TOKEN = "1000:test-token"
FRENCH_INDICATORS = "Indicateurs du plan d’action"


def sign(user_id: int, token: str = TOKEN, auth_date: float | None = None, **extra: str) -> str:
    """initData as Telegram builds it: fields sorted into the data-check string, HMAC-SHA256 keyed by
    HMAC-SHA256("WebAppData", token)."""
    fields = {
        "auth_date": str(int(auth_date if auth_date is not None else time.time())),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "Test", "language_code": "en"}),
    } | extra
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return urlencode(fields | {"hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()})


@pytest.fixture(scope="module")
async def client(settings, module_storage):
    app = build_web_app(settings.model_copy(update={"bot_token": SecretStr(TOKEN)}), module_storage.sessionmaker)
    async with TestClient(TestServer(app)) as client:
        yield client


async def _post(client, init_data: str, lang: str = "en"):
    response = await client.post(f"/dashboard?lang={lang}", data={"init_data": init_data})
    return response.status, await response.text()


async def test_shell_page_posts_init_data_with_its_own_script(client):
    response = await client.get("/dashboard")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    page = await response.text()
    assert '<script src="/static/dashboard.js"></script>' in page and 'name="init_data"' in page
    script = await (await client.get("/static/dashboard.js")).text()
    assert "tgWebAppData" in script and "http" not in script


async def test_coordinator_sees_the_indicators(client, storage):
    from storage.repositories.review import ReviewRepository

    async with storage.sessionmaker() as session, session.begin():
        waiting = await ReviewRepository(session).pending_threshold_count()
    status, page = await _post(client, sign(900))  # 900 is a configured coordinator in the test settings
    assert status == 200, page
    assert "Action plan indicators" in page
    assert "Countries taking part in threshold discussions" in page
    assert "Laboratories aware of GLOSOLAN harmonized SOPs" in page
    assert "Survey campaign progress" in page
    assert f"Values waiting for review: {waiting}" in page and "Latest reminders" in page
    assert all(region in page for region in ("Africa", "Latin America and the Caribbean", "Pacific"))
    french_status, french = await _post(client, sign(901), lang="fr")
    assert french_status == 200 and FRENCH_INDICATORS in french


@pytest.mark.parametrize("case", ["forged", "other token", "expired", "future", "no hash", "empty", "garbage"])
async def test_bad_init_data_is_refused(client, case):
    good = sign(900)
    init_data = {
        "forged": good.replace("Test", "Evil"),
        "other token": sign(900, token="1000:another-bot"),
        "expired": sign(900, auth_date=time.time() - WEB_INIT_DATA_SECONDS - 5),
        "future": sign(900, auth_date=time.time() + 3600),
        "no hash": good.split("&hash=")[0],
        "empty": "",
        "garbage": "%%%&&&=",
    }[case]
    status, page = await _post(client, init_data)
    assert status == 403
    assert "Action plan indicators" not in page and "not valid or has expired" in page


async def test_non_coordinator_is_refused_and_demotion_takes_effect_at_once(client, storage, user_id):
    async with storage.sessionmaker() as session, session.begin():
        session.add(Member(telegram_id=user_id, name="Member", role=Role.FOCAL_POINT))
    status, page = await _post(client, sign(user_id))
    assert status == 403 and "Only coordinators" in page and "Action plan indicators" not in page
    async with storage.sessionmaker() as session, session.begin():
        member = await session.get(Member, (await _member_id(session, user_id)))
        member.role = Role.COORDINATOR
    init_data = sign(user_id)
    assert (await _post(client, init_data))[0] == 200
    async with storage.sessionmaker() as session, session.begin():
        member = await session.get(Member, (await _member_id(session, user_id)))
        member.role = Role.MEMBER
    assert (await _post(client, init_data))[0] == 403  # the same, still valid initData


async def _member_id(session, telegram_id: int) -> int:
    from sqlalchemy import select

    return (await session.scalars(select(Member.id).where(Member.telegram_id == telegram_id))).one()


async def test_without_a_bot_token_nobody_gets_in(settings, storage):
    app = build_web_app(settings, storage.sessionmaker)  # the test settings carry no token
    async with TestClient(TestServer(app)) as client:
        status, _ = await _post(client, sign(900))
        assert status == 403


async def test_signed_link_for_a_desktop_browser_works_once_and_expires(client, user_id):
    from urllib.parse import urlsplit

    from bot.web.dashboard import dashboard_link

    def path(link: str) -> str:
        parts = urlsplit(link)
        return f"{parts.path}?{parts.query}"

    link = dashboard_link(TOKEN, "https://insop.example.org/", 900)
    assert link.startswith("https://insop.example.org/dashboard/link?")
    first = await client.get(path(link) + "&lang=en")
    assert first.status == 200 and "Action plan indicators" in await first.text()
    assert first.headers["Cache-Control"] == "no-store"
    assert (await client.get(path(link))).status == 403  # works once
    expired = dashboard_link(TOKEN, "https://x", 900, now=time.time() - 15 * 60 - 5)
    assert (await client.get(path(expired))).status == 403
    forged = path(dashboard_link(TOKEN, "https://x", 900)).replace("u=900", "u=901")
    assert (await client.get(forged)).status == 403
    other_bot = path(dashboard_link("1000:another-bot", "https://x", 900))
    assert (await client.get(other_bot)).status == 403
    stranger = await client.get(path(dashboard_link(TOKEN, "https://x", user_id)) + "&lang=en")
    assert stranger.status == 403 and "Only coordinators" in await stranger.text()
    assert (await client.get("/dashboard/link?u=900&e=99999999999&n=x&s=" + "0" * 64)).status == 403
    assert (await client.get("/dashboard/link")).status == 403


async def test_response_by_region_is_charted(client, storage):
    """A focal point's country that submitted the threshold survey counts as responded in its region's bar."""
    from sqlalchemy import select

    from storage.models import Submission, SurveyForm

    async with storage.sessionmaker() as session, session.begin():
        form = (await session.scalars(select(SurveyForm).where(SurveyForm.form_id == "insop_thresholds"))).first()
        for number, country in enumerate(("GH", "NG", "CL")):
            member = Member(telegram_id=7_700_000 + number, name="Focal point", country=country, role=Role.FOCAL_POINT)
            session.add(member)
            await session.flush()
            session.add(
                Submission(
                    form_pk=form.id,
                    member_id=member.id,
                    country=country,
                    status="submitted",
                    state={},
                    data={},
                    active=False,
                )
            )
    status, page = await _post(client, sign(900))
    assert status == 200
    chart = re.search(r"<svg.*?</svg>", page, re.S)
    assert chart and chart.group(0).count("<rect") >= 2 and "Africa" in chart.group(0)


async def test_the_dashboard_says_which_answer_counted_per_country_as_stats_does(client, storage):
    """A country whose answer is not the focal point's is named with the answer the indicators count, in
    the page's language, as /stats names it."""
    from sqlalchemy import select

    from storage.models import Submission, SurveyForm

    async with storage.sessionmaker() as session, session.begin():
        form = (await session.scalars(select(SurveyForm).where(SurveyForm.form_id == "insop_thresholds"))).first()
        member = Member(telegram_id=7_710_000, name="Focal point", country="MW", role=Role.FOCAL_POINT)
        session.add(member)
        await session.flush()
        answer = Submission(
            form_pk=form.id,
            member_id=member.id,
            country="MW",
            status="submitted",
            state={},
            data={},
            active=False,
        )
        session.add(answer)
        await session.flush()
        counted = answer.id
    status, page = await _post(client, sign(900))
    assert status == 200, page
    assert "Counted for the indicators (one answer per country):" in page
    assert f"MW: answer no. {counted}, no focal point has answered" in page
    status, french = await _post(client, sign(900), lang="fr")
    assert status == 200 and "Réponse prise en compte dans les indicateurs" in french
    assert re.search(rf"MW\s?: réponse n° {counted}, aucun point focal n’a répondu", french), french
