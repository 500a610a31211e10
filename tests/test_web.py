"""The public web site through aiohttp's test client: every route, languages, privacy, bounds, caching, rate limit."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import subprocess
import sys

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.limits import WEB_BODY_BYTES, WEB_LINE_BYTES, WEB_QUERY_CHARS
from bot.web import build_web_app
from bot.web.guards import RateLimiter
from tests.conftest import ROOT

# Written into the database as a member, a draft and a value waiting for review: never on a public page.
SECRET = "Zyxwvut-private-7719"
SECRET_TELEGRAM_ID = 987654321123


@pytest.fixture(scope="module")
async def client(settings, module_storage):
    app = build_web_app(settings, module_storage.sessionmaker, limiter=RateLimiter(rate=10_000))
    async with TestClient(TestServer(app)) as client:
        yield client


def _cli(settings, *args: str) -> str:
    env = dict(os.environ, DATABASE_URL=settings.database_url, LOG_LEVEL="WARNING")
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, timeout=240, check=True
    )
    return done.stdout.decode("utf-8")  # as written: CSV's \r\n line ends kept


def public_export(exported: str) -> str:
    """`data export`'s CSV less the coordinators' `verification_note` column, written the same way."""
    rows = list(csv.DictReader(io.StringIO(exported, newline="")))
    assert rows and rows[0]["verification_note"], "the seed carries the remarks this checks"
    columns = [column for column in rows[0] if column != "verification_note"]
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


async def _page(client, path: str, **headers) -> str:
    response = await client.get(path, headers=headers)
    assert response.status == 200, (path, response.status, await response.text())
    return await response.text()


def _html_attributes(page: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', page)
    assert match, page[:200]
    return match.group(1), match.group(2)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=cadmium+Kenya",
        "/countries",
        "/country/NL",
        "/country/KE",
        "/country/BW",
        "/pollutant/cadmium",
        "/pollutant/lead?land_use=agricultural&tier=action",
        "/static/style.css",
    ],
)
async def test_every_page_answers_with_security_headers(client, path):
    response = await client.get(path)
    assert response.status == 200, await response.text()
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = await response.text()
    assert "https://cdn" not in body and "<script" not in body


@pytest.mark.slow  # a `python -m bot` process
async def test_french_search_shows_the_values_of_the_cli(client, settings):
    page = await _page(client, "/?q=plomb+sol+r%C3%A9sidentiel+Pays-Bas&lang=fr")
    assert _html_attributes(page) == ("fr", "ltr")
    assert "Plomb — Pays-Bas" in page
    cli = json.loads(_cli(settings, "lookup", "--json", "--lang", "fr", "plomb sol résidentiel Pays-Bas"))
    assert cli["results"], cli
    for record in cli["results"]:
        assert record["instrument"].replace("'", "&#39;").replace(">", "&gt;") in page
        assert str(record["value"]).removesuffix(".0").replace(".", ",") in page


@pytest.mark.slow  # a `python -m bot` process
async def test_api_lookup_is_the_cli_json(client, settings):
    cli = json.loads(_cli(settings, "lookup", "--json", "--lang", "es", "cadmio suelo agrícola Canadá"))
    response = await client.get("/api/lookup", params={"q": "cadmio suelo agrícola Canadá", "lang": "es"})
    assert response.status == 200
    assert await response.json() == cli


@pytest.mark.slow  # a `python -m bot` process
async def test_downloads_are_data_export_with_a_citation(client, settings):
    exported = _cli(settings, "data", "export")
    response = await client.get("/download/thresholds.csv")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
    downloaded = (await response.read()).decode("utf-8")
    assert downloaded == public_export(exported)
    rows = list(csv.DictReader(io.StringIO(exported)))
    remark = rows[0]["verification_note"]
    assert "verification_note" in exported and remark in exported  # coordinators keep it in `data export`
    assert "verification_note" not in downloaded and remark not in downloaded
    json_body = await (await client.get("/download/thresholds.json")).text()
    document = json.loads(json_body)
    assert "INSOP" in document["citation"] and len(document["values"]) == len(rows) > 900
    assert "verification_note" not in document["columns"] and "verification_note" not in json_body
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(await (await client.get("/download/thresholds.xlsx")).read()), read_only=True)
    sheet = list(workbook["thresholds"].iter_rows(values_only=True))
    assert len(sheet) == len(rows) + 1
    assert "verification_note" not in sheet[0]
    assert not any(remark in str(cell) for row in sheet for cell in row if cell)
    assert "INSOP" in next(workbook["cite"].iter_rows(values_only=True))[0]
    assert (await client.get("/download/thresholds.exe")).status == 404


async def test_country_page_lists_every_value_of_the_country(client):
    api = await (await client.get("/api/thresholds", params={"country": "NL", "limit": "200"})).json()
    assert api["total"] > 30
    page = await _page(client, "/country/nl?lang=en")
    assert "<h1>Netherlands" in page
    assert page.count('<td class="amount">') == api["total"]
    kenya = await _page(client, "/country/KE?lang=en")
    assert "Recorded status" in kenya and '<td class="amount">' not in kenya
    kenya = await _page(client, "/country/KE?lang=fr")
    assert "Statut enregistré\u202f: aucune valeur" in kenya
    assert "(non traduits)\u202f: «\u202fnone - no national soil threshold values found\u202f»" in kenya
    botswana = await _page(client, "/country/BW?lang=en")
    assert "Not yet surveyed" in botswana
    assert (await client.get("/country/XQ")).status == 404
    assert (await client.get("/country/<script>")).status == 404


async def test_countries_page_in_un_names(client):
    page = await _page(client, "/countries?lang=fr")
    assert "Pays-Bas (Royaume des)" in page or "Pays-Bas" in page
    assert 'href="/country/KE?lang=fr"' in page
    english = await _page(client, "/countries?lang=en")
    assert "United Kingdom of Great Britain and Northern Ireland" in english
    assert "Republic of Korea" in english


async def test_pollutant_page_draws_an_svg_chart_and_a_table(client):
    page = await _page(client, "/pollutant/cadmium?land_use=agricultural")
    chart = re.search(r"<svg.*?</svg>", page, re.S)
    assert chart, "no inline chart"
    bars = chart.group(0).count("<rect")
    assert bars >= 5 and page.count('<td class="amount">') == bars
    assert (await client.get("/pollutant/cadmium?tier=nonsense")).status == 400
    assert (await client.get("/pollutant/unobtainium")).status == 404


async def test_arabic_is_right_to_left_and_language_comes_from_accept_language(client):
    page = await _page(client, "/countries", **{"Accept-Language": "ar-EG,ar;q=0.9,en;q=0.5"})
    assert _html_attributes(page) == ("ar", "rtl")
    chinese = await _page(client, "/countries", **{"Accept-Language": "de-DE, zh-CN;q=0.8, en;q=0.1"})
    assert _html_attributes(chinese)[0] == "zh"
    chosen = await _page(client, "/countries?lang=ru", **{"Accept-Language": "ar"})
    assert _html_attributes(chosen) == ("ru", "ltr")
    unknown = await _page(client, "/countries?lang=xx", **{"Accept-Language": "de;q=1, *;q=0.5"})
    assert _html_attributes(unknown)[0] == "en"
    # Each language is offered in its own name, and the link keeps the page.
    assert 'href="/countries?lang=ar"' in chosen and "العربية" in chosen and "中文" in chosen


async def test_api_thresholds_filters(client):
    body = await (await client.get("/api/thresholds?country=Canada&pollutant=cadmium&land_use=agricultural")).json()
    assert body["total"] >= 1
    assert {record["country"] for record in body["results"]} == {"CA"}
    assert all("agricultural" in record["land_use_covers"] for record in body["results"])
    tiered = await (await client.get("/api/thresholds?tier=action&limit=5&offset=2")).json()
    assert len(tiered["results"]) == 5 and all(record["tier"] == "action" for record in tiered["results"])
    assert (await client.get("/api/thresholds?country=Atlantis")).status == 400
    assert (await client.get("/api/thresholds?tier=extreme")).status == 400
    assert (await client.get("/api/thresholds?limit=lots")).status == 400
    capped = await (await client.get("/api/thresholds?limit=100000")).json()
    assert capped["limit"] == 200 and len(capped["results"]) == 200
    canada = await (await client.get("/api/thresholds?country=CA&limit=200")).text()
    assert "verification_note" not in canada and "scribd" not in canada  # coordinators' remarks stay private


async def test_inputs_are_bounded(client):
    response = await client.get("/", params={"q": "x" * (WEB_QUERY_CHARS + 1), "lang": "fr"})
    assert response.status == 400
    assert "500" in await response.text() and "Traceback" not in await response.text()
    assert (await client.get("/", params={"q": "cadmium " * 60})).status == 200  # within bounds: answered
    response = await client.post("/", data=b"x" * (WEB_BODY_BYTES + 1))
    assert response.status == 413
    page = await _page(client, "/countries", **{"Accept-Language": "fr;q=0.5," * 400 + "es"})
    assert _html_attributes(page)[0] == "fr"


async def test_etag_and_cache_headers(client):
    response = await client.get("/country/FR")
    etag = response.headers["ETag"]
    assert "max-age" in response.headers["Cache-Control"]
    again = await client.get("/country/FR", headers={"If-None-Match": etag})
    assert again.status == 304 and not await again.read()
    other_language = await client.get("/country/FR?lang=zh", headers={"If-None-Match": etag})
    assert other_language.status == 200


async def test_api_rate_limit_per_client(settings, storage):
    app = build_web_app(settings, storage.sessionmaker, limiter=RateLimiter(rate=3, window=60))
    async with TestClient(TestServer(app)) as client:
        statuses = [(await client.get("/api/thresholds?country=NL&limit=1")).status for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = await client.get("/api/lookup?q=lead")
        assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
        assert (await client.get("/countries")).status == 200  # pages are not API calls


async def test_rate_limiter_forgets_old_clients():
    clock = [0.0]
    limiter = RateLimiter(rate=2, window=10, max_clients=3, clock=lambda: clock[0])
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 5.0]
    clock[0] = 5.0
    assert limiter.retry_after("a") == 0
    for client in "bcde":
        limiter.retry_after(client)
    assert len(limiter._buckets) == 3


async def test_nothing_private_is_ever_public(client, storage):
    from sqlalchemy import select

    from bot.lookup import read_thresholds_csv
    from storage.models import Member, Submission, SurveyForm
    from storage.repositories.thresholds import ThresholdRepository

    seed = read_thresholds_csv(ROOT / "storage" / "seed" / "reference_thresholds.csv")
    pending = dataclasses.replace(
        next(record for record in seed if record.jurisdiction == "NL" and record.value),
        instrument=f"Instrument {SECRET}",
        source=f"https://example.org/{SECRET}",
        conditions=SECRET,
    )
    async with storage.sessionmaker() as session, session.begin():
        member = Member(telegram_id=SECRET_TELEGRAM_ID, name=SECRET, country="NL", role="focal_point")
        session.add(member)
        await session.flush()
        form = (await session.scalars(select(SurveyForm).limit(1))).one()
        session.add(
            Submission(
                form_pk=form.id, member_id=member.id, country="NL", state={"answers": {"x": SECRET}}, data={"x": SECRET}
            )
        )
        await ThresholdRepository(session).add_records([pending.to_dict()], origin="survey", review_status="pending")
    paths = [
        "/?q=lead+Netherlands",
        "/?q=" + SECRET,
        "/countries",
        "/country/NL",
        "/pollutant/lead",
        "/pollutant/lead?land_use=residential",
        "/download/thresholds.csv",
        "/download/thresholds.json",
        "/api/lookup?q=lead+Netherlands",
        "/api/thresholds?country=NL&limit=200",
        "/api/thresholds?country=NL&limit=200&offset=200",
    ]
    for path in paths:
        body = (await (await client.get(path)).read()).decode("utf-8", "replace")
        # The visitor's own question is repeated in the title, the search box and the language links only.
        hidden = body.replace(f"<title>{SECRET} — ", "").replace(f'value="{SECRET}"', "").replace(f"?q={SECRET}&", "")
        assert SECRET not in hidden, path
        assert str(SECRET_TELEGRAM_ID) not in body, path
    workbook = await (await client.get("/download/thresholds.xlsx")).read()
    from openpyxl import load_workbook

    cells = " ".join(
        str(cell)
        for row in load_workbook(io.BytesIO(workbook), read_only=True)["thresholds"].iter_rows(values_only=True)
        for cell in row
    )
    assert SECRET not in cells and str(SECRET_TELEGRAM_ID) not in cells


async def test_webhook_server_serves_the_same_site(settings, storage):
    from bot.app import build_bot, build_dispatcher, build_i18n
    from bot.local_api import LocalBotAPI
    from bot.server import build_webhook_app

    dispatcher = build_dispatcher(settings, storage, build_i18n(settings))
    bot = build_bot("1000:test", settings, session=LocalBotAPI())
    app = build_webhook_app(settings.model_copy(update={"webhook_secret": None}), dispatcher, bot, storage.engine)
    try:
        async with TestClient(TestServer(app)) as client:
            page = await _page(client, "/country/CA?lang=es")
            assert _html_attributes(page) == ("es", "ltr") and "Canadá" in page
            assert (await client.get("/healthz")).status == 200
            assert (await client.get("/api/thresholds?country=CA&limit=1")).status == 200
    finally:
        await bot.session.close()
        await dispatcher.storage.close()


async def test_long_answers_are_cut_with_a_link_and_country_pages_paged(settings, storage, monkeypatch):
    import bot.web.views as views

    monkeypatch.setattr(views, "SECTION_ROWS", 3)
    monkeypatch.setattr(views, "COUNTRY_ROWS", 10)
    app = build_web_app(settings, storage.sessionmaker)
    async with TestClient(TestServer(app)) as client:
        total = (await (await client.get("/api/thresholds?country=NL&limit=1")).json())["total"]
        page = await _page(client, "/?q=lead+Netherlands&lang=en")
        assert page.count('<td class="amount">') <= 3 * 4 and "More values ▸" in page
        seen = 0
        for number in range(1, -(-total // 10) + 1):
            country = await _page(client, f"/country/NL?page={number}")
            seen += country.count('<td class="amount">')
            assert f"<strong>{number}</strong>" in country
        assert seen == total
        assert (await _page(client, "/country/NL?page=999")).count('<td class="amount">') == total - (
            total - 1
        ) // 10 * 10
        assert (await client.get("/country/NL?page=-1")).status == 200


async def test_a_newly_approved_value_shows_at_once(client, storage):
    from bot.lookup import read_thresholds_csv
    from storage.repositories.thresholds import ThresholdRepository

    before = await _page(client, "/country/MN?lang=en")
    assert "Not yet surveyed" in before and (await _page(client, "/country/MN?lang=en")) == before  # cached
    seed = read_thresholds_csv(ROOT / "storage" / "seed" / "reference_thresholds.csv")
    record = dataclasses.replace(
        next(r for r in seed if r.jurisdiction == "NL" and r.value),
        jurisdiction="MN",
        jurisdiction_name="Mongolia",
        instrument="MNS 5850:2019 test instrument",
    )
    async with storage.sessionmaker() as session, session.begin():
        await ThresholdRepository(session).add_records([record.to_dict()], origin="import")
    after = await _page(client, "/country/MN?lang=en")
    assert "MNS 5850:2019 test instrument" in after and "Not yet surveyed" not in after
    assert "Mongolia" in await _page(client, "/countries?lang=en")


async def test_missing_pages_and_bad_parameters_get_a_page_in_the_readers_language(client):
    response = await client.get("/country/XQ?lang=fr")
    assert response.status == 404
    page = await response.text()
    assert _html_attributes(page) == ("fr", "ltr") and "Cette page n’existe pas." in page
    response = await client.get("/nowhere", headers={"Accept-Language": "ar"})
    assert response.status == 404 and _html_attributes(await response.text()) == ("ar", "rtl")
    response = await client.get("/pollutant/cadmium?tier=nonsense&lang=es")
    assert response.status == 400 and "Esta página no existe." in await response.text()
    response = await client.get("/", params={"q": "x" * 501, "lang": "ru"})
    assert response.status == 400 and "Вопрос слишком длинный" in await response.text()
    # Not a place: CLDR's "Unknown Region" and codes for no country get the translated 404, not a country page.
    for code in ("ZZ", "zz", "EZ", "UN"):
        response = await client.get(f"/country/{code}?lang=fr")
        page = await response.text()
        assert response.status == 404 and "Cette page n’existe pas." in page and "Unknown Region" not in page
    # A search longer than aiohttp's own 8190-byte request line: the translated 400, the input not echoed.
    response = await client.get("/", params={"q": "<i>echo-me</i>" + "y" * 10_000, "lang": "es"})
    page = await response.text()
    assert response.status == 400 and response.content_type == "text/html", page[:300]
    assert "echo-me" not in page and "yyyy" not in page and "Got more than" not in page
    assert _html_attributes(page) == ("es", "ltr")
    assert (await client.get("/api/nowhere")).content_type != "text/html"


@pytest.mark.slow  # a `python -m bot web` process
async def test_python_m_bot_web_serves_the_site(settings):
    import asyncio
    import socket

    import aiohttp

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, DATABASE_URL=settings.database_url, PORT=str(port), LOG_LEVEL="WARNING")
    env.pop("BOT_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(240):  # at most 2 minutes for migrations, seed check and country names
                try:
                    async with session.get(f"http://127.0.0.1:{port}/countries?lang=zh") as response:
                        page = await response.text()
                        break
                except aiohttp.ClientConnectionError:
                    assert process.poll() is None, process.stderr.read().decode()
                    await asyncio.sleep(0.5)
            else:
                raise AssertionError("python -m bot web did not answer")
        assert response.status == 200 and _html_attributes(page) == ("zh", "ltr") and "荷兰" in page
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow  # a worker process
async def test_downloads_are_built_in_the_bots_worker_process_when_there_is_one(settings, storage):
    from bot.heavy import HeavyWork

    heavy = HeavyWork(workers=1)
    app = build_web_app(settings, storage.sessionmaker)
    from bot.web.keys import HEAVY

    app[HEAVY] = heavy
    try:
        async with TestClient(TestServer(app)) as client:
            response = await client.get("/download/thresholds.json")
            assert response.status == 200 and len((await response.json())["values"]) > 900
            assert heavy.started
    finally:
        await heavy.close()


async def test_a_country_alone_lists_its_pollutants_and_a_pollutant_alone_compares(client):
    page = await _page(client, "/?q=Canad%C3%A1&lang=es")
    links = re.findall(r'href="(/\?q=[^"]+)"', page)
    assert any("Cadmio" in link or "cadmio" in link.lower() for link in links), links
    followed = await _page(client, next(link for link in links if "admio" in link).replace("&amp;", "&"))
    assert "Cadmio — Canadá" in followed and '<td class="amount">' in followed
    compared = await _page(client, "/?q=cadmium&lang=en")
    assert "Compared within one tier: Tier 2 · assessment." in compared
    assert compared.count('<td class="amount">') >= 10


async def test_no_page_of_a_seeded_jurisdiction_shows_a_reviewers_remark(client):
    """Remarks left in the seed ("presumed ...", "not stated", "(none found); review: ...") stay in exports."""
    from bot.lookup import read_thresholds_csv

    seed = read_thresholds_csv(ROOT / "storage" / "seed" / "reference_thresholds.csv")
    for code in sorted({record.jurisdiction for record in seed}):
        page = await _page(client, f"/country/{code.lower()}?lang=en")
        found = [remark for remark in ("presum", "not stated", "(none found)", "review:") if remark in page.lower()]
        assert not found, (code, found)
    netherlands = await _page(client, "/country/nl?lang=en")
    assert "amended to" not in netherlands and "<td>2007</td>" in netherlands
    dioxins = await _page(client, "/pollutant/dioxins?lang=en")
    assert "mg/kg" not in dioxins.split("<h1>", 1)[1] and "TEQ" in dioxins


async def _raw_request(port: int, request: bytes) -> tuple[int, dict[str, str], str]:
    """Send bytes to the site on 127.0.0.1 as they are; (status, headers, body) of its answer."""
    import asyncio

    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    head, _sep, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body.decode("utf-8")


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /?q=<i>echo-me</i>" + b"x" * (WEB_LINE_BYTES + 10) + b" HTTP/1.1\r\nHost: a\r\nAccept: text/html\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nX-Echo: <i>echo-me</i>" + b"y" * 10_000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nX-Echo: <i>echo-me</i>" + b"y" * (WEB_LINE_BYTES + 10) + b"\r\n\r\n",
    ],
    ids=["request line over WEB_LINE_BYTES", "header over 8190 bytes", "header over WEB_LINE_BYTES"],
)
async def test_a_request_too_long_to_read_gets_the_sites_error_page(settings, storage, request_bytes):
    """aiohttp refuses it before the app runs; the runner the site is served with answers with its error page."""
    from bot.web.unreadable import SiteRunner

    runner = SiteRunner(build_web_app(settings, storage.sessionmaker, limiter=RateLimiter(rate=10_000)))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        status, headers, page = await _raw_request(port, request_bytes)
    finally:
        await runner.cleanup()
    assert status == 400 and headers["Content-Type"].startswith("text/html"), page[:300]
    assert "This request is too long or malformed, so it could not be read." in page
    assert _html_attributes(page) == (settings.default_language, "ltr")
    assert "echo-me" not in page and "xxxx" not in page and "yyyy" not in page and "Got more than" not in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert len(page) < 5000  # the short error page, nothing else


async def test_an_approved_survey_value_reads_in_the_visitors_language(client, storage):
    """The bot's own words about a survey-reported value (its source, kind, land use, "must not be detected") are
    French on a French page; the authority, link and instrument stay as the respondent typed them."""
    from datetime import datetime

    from bot.lookup.survey_entries import records_from_submission
    from storage.repositories.thresholds import ThresholdRepository
    from tests.lookup.test_survey_wording import AUTHORITY, LINK, instrument_submission

    records, problems = records_from_submission(instrument_submission(), "KE", "Kenya", datetime(2026, 11, 30), 7)
    assert problems == []
    async with storage.sessionmaker() as session, session.begin():
        await ThresholdRepository(session).add_records([record.to_dict() for record in records], origin="survey")
    french = "Enquête de l’INSOP sur les valeurs seuils, réponse pour Kenya, envoyée le 30 novembre 2026"
    for path in ("/country/KE?lang=fr", "/?q=cadmium+Kenya&lang=fr"):
        page = await _page(client, path)
        for english in (
            "INSOP threshold survey",
            "answer for",
            "issued by",
            "survey answer",
            "must not be detected",
            "precautionary value",
            "agricultural (arable land)",
        ):
            assert english not in page, (path, english)
        assert f"{french}\u202f; texte émis par {AUTHORITY}" in page, path
        assert f'<a href="{LINK}" rel="noopener noreferrer">{LINK}</a>' in page, path
        assert "Soil Quality Regulations (LN 12/2020)" in page, path
    # The country page lists values with a number; the answer to a question gives the "not detected" one too.
    assert "<bdi>ne doit pas être détecté</bdi>" in page
