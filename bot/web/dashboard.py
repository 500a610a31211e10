"""The coordinators' dashboard, a Telegram Mini App: initData checked (signature, age, coordinator now).

`GET /dashboard` is a small page whose script (served from this site) posts the initData Telegram gives
the Mini App; `POST /dashboard` checks it and renders the numbers of /stats from the same use case.
Anything else gets 403, and a coordinator who was demoted loses access at the next request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from urllib.parse import urlencode

import aiohttp_jinja2
from aiogram.utils.web_app import WebAppInitData, safe_parse_webapp_init_data
from aiohttp import web
from babel.dates import format_datetime
from babel.numbers import format_percent

from bot.limits import WEB_INIT_DATA_SECONDS, WEB_LINK_SECONDS
from bot.reports.indicators import indicator_label
from bot.reports.regions import REGIONS, region_label
from bot.services import coord_reminders, coordination
from bot.services.members import is_coordinator
from bot.web.chart import comparison_svg
from bot.web.keys import HEAVY, SESSIONMAKER, SETTINGS, USED_LINKS
from bot.web.language import translations
from bot.web.views import page_context
from storage.repositories.members import MemberRepository

routes = web.RouteTableDef()

# The shell page runs one script from this site, nothing else.
DASHBOARD_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors https://web.telegram.org"
)


def check_init_data(token: str | None, init_data: str, now: float | None = None) -> WebAppInitData | None:
    """The Mini App's initData when signed with the bot token and recent, else None."""
    if not token or not init_data:
        return None
    try:
        data = safe_parse_webapp_init_data(token, init_data)
    except ValueError:
        return None
    age = (now if now is not None else time.time()) - data.auth_date.timestamp()
    if data.user is None or not -60 <= age <= WEB_INIT_DATA_SECONDS:
        return None
    return data


def _private(response: web.Response) -> web.Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = DASHBOARD_POLICY
    return response


@routes.get("/dashboard", name="dashboard_shell")
async def dashboard_shell(request: web.Request) -> web.Response:
    """The page Telegram opens: its script posts the initData back, without it a short explanation."""
    return _private(aiohttp_jinja2.render_template("dashboard_shell.html", request, page_context(request)))


@routes.post("/dashboard", name="dashboard")
async def dashboard(request: web.Request) -> web.Response:
    """The campaign's numbers for a coordinator whose initData checks out; 403 for anyone else."""
    form = await request.post()
    settings = request.app[SETTINGS]
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    init_data = form.get("init_data")
    data = check_init_data(token, init_data if isinstance(init_data, str) else "")
    return await _dashboard_for(request, data.user.id if data is not None else None)


def dashboard_link(token: str, base_url: str, user_id: int, now: float | None = None) -> str:
    """A link to the dashboard for a desktop browser: signed with the bot token, valid WEB_LINK_SECONDS, once."""
    expires = int((now if now is not None else time.time()) + WEB_LINK_SECONDS)
    payload = urlencode({"u": user_id, "e": expires, "n": secrets.token_urlsafe(12)})
    return f"{base_url.rstrip('/')}/dashboard/link?{payload}&s={_link_signature(token, payload)}"


def _link_signature(token: str, payload: str) -> str:
    key = hmac.new(b"DashboardLink", token.encode(), hashlib.sha256).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


@routes.get("/dashboard/link", name="dashboard_link")
async def dashboard_by_link(request: web.Request) -> web.Response:
    """The dashboard from a signed link: refused when forged, expired or used before, or the user is no coordinator."""
    settings = request.app[SETTINGS]
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    query = request.query
    payload = urlencode({"u": query.get("u", ""), "e": query.get("e", ""), "n": query.get("n", "")})
    now = time.time()
    used: dict[str, float] = request.app[USED_LINKS]
    for nonce, expires in list(used.items()):
        if expires < now:
            del used[nonce]  # an expired link is refused anyway: its nonce need not be kept
    user_id = None
    if (
        token
        and hmac.compare_digest(_link_signature(token, payload), query.get("s", "")[:64])
        and query.get("u", "").isdigit()
        and query.get("e", "").isdigit()
    ):
        expires = int(query["e"])
        nonce = query.get("n", "")
        if now <= expires <= now + WEB_LINK_SECONDS and nonce not in used:
            used[nonce] = expires
            user_id = int(query["u"])
    return await _dashboard_for(request, user_id)


async def _dashboard_for(request: web.Request, user_id: int | None) -> web.Response:
    """The dashboard if `user_id` (already authenticated) is a coordinator now; 403 otherwise."""
    context = page_context(request)
    language, tr = context["lang"], translations(context["lang"])
    settings = request.app[SETTINGS]
    allowed = False
    if user_id is not None:
        async with request.app[SESSIONMAKER]() as session:
            async with session.begin():
                member = await MemberRepository(session).get(user_id)
                allowed = is_coordinator(member, user_id, settings.coordinator_ids)
            if allowed:
                stats = await coordination.campaign_stats(session, request.app.get(HEAVY))
                waiting = await coordination.pending_review_count(session)
                sent = await coord_reminders.report(session)
    if not allowed:
        context["refusal"] = (
            tr.gettext("Only coordinators can see the dashboard.")
            if user_id is not None
            else tr.gettext("This sign-in is not valid or has expired. Open the dashboard again from the bot.")
        )
        return _private(aiohttp_jinja2.render_template("dashboard_shell.html", request, context, status=403))

    def percent(value: float) -> str:
        return format_percent(value, locale=language)

    indicators = [
        {
            "label": indicator_label(indicator.id, tr),
            "numerator": indicator.numerator,
            "denominator": indicator.denominator,
            "value": percent(indicator.value),
            "goal": percent(indicator.goal) if indicator.goal is not None else "",
            "met": indicator.goal_met,
        }
        for indicator in stats.indicators
    ]
    regions = [
        {
            "label": region_label(row.region, tr),
            "targeted": row.targeted,
            "responded": row.responded,
            "drafts": row.drafts,
            "rate": percent(row.response_rate),
            "share": row.response_rate,
        }
        for row in stats.regions
    ]
    # Which answer the indicators count per country, where there was a choice (as /stats says it).
    counted = [
        {"country": answer.country, "id": answer.submission_id, "official": answer.official}
        for answer in stats.counted
        if answer.worth_naming
    ]
    chart = comparison_svg(
        [{"label": row["label"], "value": row["share"] * 100 or None, "amount": row["rate"]} for row in regions],
        tr.gettext("Targeted countries that responded (%)"),
        rtl=context["dir"] == "rtl",
    )
    forms = []
    for form_stats in stats.forms:
        rows = []
        for region in sorted(form_stats.by_region, key=coordination.region_order):
            label = (
                region_label(region, tr)
                if region in REGIONS
                else tr.gettext("Country not given or outside the regions")
            )
            for code, (submitted, drafts) in sorted(form_stats.by_region[region].items()):
                rows.append({"region": label, "country": code or "?", "submitted": submitted, "drafts": drafts})
        forms.append(
            {"title": form_stats.title, "submitted": form_stats.submitted, "drafts": form_stats.drafts, "rows": rows}
        )
    queued = ("queued", "claimed", "sending")
    reminders = [
        {
            "id": item.reminder.id,
            "status": item.reminder.status,
            "when": format_datetime(item.reminder.scheduled_for or item.reminder.created_at, "short", locale=language)
            if (item.reminder.scheduled_for or item.reminder.created_at)
            else "",
            "sent": item.counts.get("sent", 0),
            "blocked": item.counts.get("blocked", 0),
            "failed": item.counts.get("failed", 0),
            "queued": sum(item.counts.get(key, 0) for key in queued),
            "unknown": item.counts.get("unknown", 0),
            "skipped": item.counts.get("skipped", 0),
        }
        for item in sent
    ]
    context.update(
        indicators=indicators,
        counted=counted,
        regions=regions,
        chart=chart,
        forms=forms,
        reminders=reminders,
        review_waiting=waiting,
    )
    return _private(aiohttp_jinja2.render_template("dashboard.html", request, context))
