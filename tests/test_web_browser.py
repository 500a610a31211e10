"""The web site in a real browser: Debian's Chromium driven by Playwright (never Playwright's own browsers).

Chromium must be installed (`apt-get install -y chromium`; `.ci/run` installs it when missing): these
tests fail rather than skip without it. WEB_SCREENSHOTS=docs writes the README's screenshots.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.app import open_storage
from bot.web import build_web_app
from bot.web.guards import RateLimiter
from tests.conftest import ROOT
from tests.test_web import _cli, public_export
from tests.test_web_dashboard import TOKEN, sign

# Chromium through Playwright, on the committed database (its seed put back after the module).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("committed_database")]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("WEB_SCREENSHOTS")


@pytest.fixture(scope="module")
async def site(settings):
    storage = await open_storage(settings)
    signed = settings.model_copy(update={"bot_token": SecretStr(TOKEN)})  # the Mini App checks initData with it
    server = TestServer(build_web_app(signed, storage.sessionmaker, limiter=RateLimiter(rate=10_000)))
    await server.start_server()
    yield str(server.make_url("/")).rstrip("/")
    await server.close()
    await storage.engine.dispose()


@pytest.fixture(scope="module")
async def browser():
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)"
    )
    # Imported here: every test run collects this module, `make test-fast` only to leave it out.
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        await browser.close()


@pytest.fixture
async def page(browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    yield page
    await context.close()


async def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        await page.screenshot(path=str(ROOT / SCREENSHOTS / f"web-{name}.png"), full_page=False)


async def test_french_search_shows_the_values_of_the_cli(page, site, settings):
    question = "cadmium sol agricole Canada"
    await page.goto(f"{site}/?lang=fr")
    await page.get_by_label("Indiquez un polluant").fill(question)
    await page.get_by_role("button", name="Rechercher").click()
    await page.wait_for_selector("section.result")
    shown = [text.strip() for text in await page.locator("td.amount bdi").all_inner_texts()]
    cli = json.loads(_cli(settings, "lookup", "--json", "--lang", "fr", question))
    expected = [f"{record['value']:g}".replace(".", ",") + " mg/kg" for record in cli["results"]]
    assert expected and shown[: len(expected)] == expected
    assert await page.locator("h2").first.inner_text() == "Cadmium — Canada"
    await _shot(page, "search")


async def test_arabic_page_is_right_to_left(page, site):
    await page.goto(f"{site}/country/FR?lang=ar")
    assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The heading's text starts on the right: its right edge is near the right of the page, far from the left.
    heading = await page.evaluate("""() => { const range = document.createRange();
        range.selectNodeContents(document.querySelector('h1')); const box = range.getBoundingClientRect();
        return {x: box.x, width: box.width}; }""")
    width = page.viewport_size["width"]
    assert heading["x"] + heading["width"] > width * 0.8 and heading["x"] > width * 0.5
    first_cell = await page.locator("tbody tr").first.locator("td").first.bounding_box()
    last_cell = await page.locator("tbody tr").first.locator("td").last.bounding_box()
    assert first_cell["x"] > last_cell["x"], "table columns run right to left"


async def test_country_page_lists_every_value(page, site, settings):
    api = json.loads(_cli(settings, "data", "coverage", "--json"))
    netherlands = next(entry for entry in api["jurisdictions"] if entry["code"] == "NL")
    await page.goto(f"{site}/country/NL?lang=en")
    assert await page.locator("td.amount").count() == netherlands["values"]
    await _shot(page, "country")


async def test_comparison_chart_is_inline_svg(page, site):
    await page.goto(f"{site}/pollutant/cadmium?land_use=agricultural&lang=en")
    bars = page.locator("svg.chart rect.bar")
    assert await bars.count() >= 5
    assert await bars.count() == await page.locator("td.amount").count()
    box = await bars.first.bounding_box()
    assert box["width"] > 1 and box["height"] > 5
    await _shot(page, "comparison")


async def test_csv_download_equals_data_export(page, site, settings, tmp_path):
    await page.goto(f"{site}/?lang=en")
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="CSV").click()
    download = await waiting.value
    saved = tmp_path / "thresholds.csv"
    await download.save_as(saved)
    # `data export` less the coordinators' `verification_note` column (issue 13)
    assert saved.read_bytes().decode("utf-8") == public_export(_cli(settings, "data", "export"))


async def test_pages_work_without_javascript(browser, site):
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    try:
        await page.goto(f"{site}/?lang=es")
        await page.get_by_label("Indique un contaminante", exact=False).fill("plomo industrial China")
        await page.get_by_role("button", name="Buscar").click()
        await page.wait_for_selector("td.amount")
        assert "lang=es" in page.url and await page.locator("td.amount").count() >= 1
        await page.get_by_role("link", name="中文").click()
        assert await page.locator("html").get_attribute("lang") == "zh"
        await page.goto(f"{site}/pollutant/lead?lang=en")
        await page.get_by_label("Land use", exact=True).select_option("industrial")
        await page.get_by_role("button", name="Show").click()
        assert "land_use=industrial" in page.url and await page.locator("svg.chart rect").count() >= 3
    finally:
        await context.close()


@pytest.mark.parametrize("path", ["/?lang=fr", "/pollutant/cadmium?lang=ar"])
async def test_form_fields_have_labels(page, site, path):
    await page.goto(site + path)
    unlabelled = await page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(field => field.type !== 'hidden' && field.labels.length === 0 && !field.getAttribute('aria-label'))
        .map(field => field.name)""")
    assert unlabelled == []
    assert await page.locator("input, select").count() >= 1


@pytest.mark.parametrize("case", ["coordinator", "forged", "expired", "non-coordinator"])
async def test_dashboard_mini_app(page, site, case):
    """Telegram opens the Mini App with initData in the fragment; its script posts it; only a coordinator gets in."""
    init_data = {
        "coordinator": sign(900),
        "forged": sign(900).replace("Test", "Evil"),
        "expired": sign(900, auth_date=time.time() - 2 * 86400),
        "non-coordinator": sign(5_550_001),
    }[case]
    await page.goto(f"{site}/dashboard?lang=en#tgWebAppData={quote(init_data)}")
    await page.wait_for_load_state("networkidle")
    assert urlparse(page.url).path == "/dashboard"
    text = await page.locator("main").inner_text()
    if case == "coordinator":
        assert "Action plan indicators" in text and "Countries taking part in threshold discussions" in text
        await _shot(page, "dashboard")
    else:
        assert "Action plan indicators" not in text
        assert "Only coordinators" in text or "not valid or has expired" in text
