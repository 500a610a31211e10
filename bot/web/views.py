"""The public pages and the JSON API: each calls the use case the bot's handler calls, and renders its plain data."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from bot.countries import country_name, exact_country, is_jurisdiction
from bot.limits import WEB_API_PAGE, WEB_QUERY_CHARS
from bot.lookup.index import RESULT_COMPARISON, RESULT_COUNTRY_OVERVIEW, TIER_ORDER
from bot.lookup.pollutants import POLLUTANTS_BY_ID
from bot.lookup.records import LAND_USES
from bot.lookup.tiers import TIERS
from bot.lookup.views import (
    comparison_rows,
    land_use_label,
    pollutant_label,
    record_to_json,
    record_view,
    tier_short_label,
)
from bot.reports.regions import REGIONS, region_label, region_of
from bot.services import thresholds
from bot.telegram_render import result_to_json  # /api/lookup gives what `lookup --json` gives
from bot.web.chart import comparison_svg
from bot.web.keys import CATALOG, EXPORTS, HEAVY, PAGES, SESSIONMAKER, SETTINGS
from bot.web.language import choose_language, direction, switcher, translations

CITATION = (
    "FAO Global Soil Partnership, International Network on Soil Pollution (INSOP): "
    "soil pollutant threshold values database"
)
PAGE_CACHE = "public, max-age=300"
API_CACHE = "public, max-age=60"

routes = web.RouteTableDef()
# A search shows this many values per section (the JSON API's cap as well); the rest is a link away.
SECTION_ROWS = 50
# A country page lists this many values per page (`?page=`); no real jurisdiction has more yet.
COUNTRY_ROWS = 200


class PageCache:
    """Rendered pages of the current index, least recently used first out; emptied when the data change."""

    def __init__(self, max_pages: int = 1000, max_bytes: int = 64 * 2**20) -> None:
        self.max_pages, self.max_bytes = max_pages, max_bytes
        self._index: object | None = None
        self._pages: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[str, str], index: object) -> bytes | None:
        if index is not self._index:
            self._index, self._bytes = index, 0
            self._pages.clear()
            return None
        body = self._pages.get(key)
        if body is not None:
            self._pages.move_to_end(key)
        return body

    def put(self, key: tuple[str, str], index: object, body: bytes) -> None:
        if index is not self._index or len(body) > self.max_bytes // 16:
            return
        self._bytes += len(body) - len(self._pages.pop(key, b""))
        self._pages[key] = body
        while len(self._pages) > self.max_pages or self._bytes > self.max_bytes:
            _, dropped = self._pages.popitem(last=False)
            self._bytes -= len(dropped)


def cached_page(handler):
    """Serve a page rendered earlier for the same address, language and data; render and keep it otherwise."""

    async def serve(request: web.Request) -> web.StreamResponse:
        key = (request.path_qs, page_language(request))
        async with request.app[SESSIONMAKER]() as session:
            index = await request.app[CATALOG].index(session)
        body = request.app[PAGES].get(key, index)
        if body is not None:
            return web.Response(
                body=body,
                content_type="text/html",
                charset="utf-8",
                headers={"Cache-Control": PAGE_CACHE, "Vary": "Accept-Language"},
            )
        response = await handler(request)
        if response.status == 200 and isinstance(response.body, bytes):
            request.app[PAGES].put(key, index, response.body)
        return response

    serve.__doc__ = handler.__doc__
    return serve


class BadInput(web.HTTPBadRequest):
    """A query parameter out of bounds: answered with a short page (or JSON) in the reader's language."""


def page_language(request: web.Request) -> str:
    """The language of this request (`?lang=`, Accept-Language, the default)."""
    return choose_language(
        request.query.get("lang"), request.headers.get("Accept-Language"), request.app[SETTINGS].default_language
    )


def _param(request: web.Request, name: str) -> str:
    """A query parameter, refused politely when it is longer than any real one."""
    value = request.query.get(name, "")
    if len(value) > WEB_QUERY_CHARS:
        tr = translations(page_language(request))
        raise web.HTTPBadRequest(
            text=tr.gettext("Your question is too long: at most {n} characters.").format(n=WEB_QUERY_CHARS),
            content_type="text/plain",
        )
    return value.strip()


def page_context(request: web.Request, **values) -> dict:
    """What every template needs: language, direction, gettext, links that keep the language."""
    return site_context(page_language(request), request.path, request.query, **values)


def site_context(language: str, path: str, params: Mapping[str, str], /, **values) -> dict:
    """`page_context` for a page at `path` with these query `params`, in `language`."""
    tr = translations(language)

    def link(target: str, **wanted) -> str:
        kept = {key: value for key, value in wanted.items() if value not in (None, "")}
        if "lang" in params:
            kept["lang"] = language
        return target + ("?" + urlencode(kept) if kept else "")

    def switch(code: str) -> str:
        # A parameter longer than any real one (refused with a 400) is not carried into the links.
        kept = {key: value for key, value in params.items() if key != "lang" and len(value) <= WEB_QUERY_CHARS}
        return path + "?" + urlencode(kept | {"lang": code})

    return {
        "lang": language,
        "dir": direction(language),
        "_": tr.gettext,
        "ngettext": tr.ngettext,
        "languages": [(code, name, switch(code)) for code, name in switcher()],
        "link": link,
        "citation": CITATION,
        "keep_lang": "lang" in params,
        **values,
    }


def _render(template: str, request: web.Request, context: dict, status: int = 200) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    response.headers["Cache-Control"] = PAGE_CACHE
    response.headers["Vary"] = "Accept-Language"
    return response


@routes.get("/", name="search")
@cached_page
async def search_page(request: web.Request) -> web.Response:
    """The search box; with `q`, the bot's answer to that question as tables."""
    query = _param(request, "q")
    context = page_context(request, query=query, result=None)
    if query:
        language = context["lang"]
        tr = translations(language)
        async with request.app[SESSIONMAKER]() as session:
            result = await thresholds.find_thresholds(session, request.app[CATALOG], query, None)
        context["result"] = _result_view(result, tr, language)
    return _render("search.html", request, context)


def _capped(records, tr, language: str) -> dict:
    """A section's rows, at most SECTION_ROWS, and how many more there are."""
    return {
        "rows": [record_view(record, tr, language) for record in records[:SECTION_ROWS]],
        "more": max(0, len(records) - SECTION_ROWS),
    }


def _result_view(result, tr, language: str) -> dict:
    """The sections of a lookup answer as plain data (what applies, what else, what is recorded)."""
    _ = tr.gettext
    pollutant = pollutant_label(result.pollutant, language) if result.pollutant else ""
    country = country_name(result.country, language) if result.country else ""
    sections = []
    if result.results:
        title = _("Values by jurisdiction") if result.kind == RESULT_COMPARISON else _("Values")
        sections.append({"title": title} | _capped(result.results, tr, language))
    if result.supranational:
        sections.append(
            {"title": _("EU law that also applies in {country}:").format(country=country)}
            | _capped(result.supranational, tr, language)
        )
    if result.other_land_uses:
        sections.append(
            {
                "title": _("No value for {land_use} in {country}. Values for other land uses:").format(
                    land_use=land_use_label(result.land_use, tr), country=country
                )
            }
            | _capped(result.other_land_uses, tr, language)
        )
    if result.alternatives:
        title = (
            _("Other jurisdictions’ values (they do not apply in {country}):").format(country=country)
            if country
            else _("Values by jurisdiction")
        )
        sections.append({"title": title} | _capped(result.alternatives, tr, language))
    statuses = [record_view(record, tr, language) for record in result.country_status]
    if pollutant and country:
        heading = _("{pollutant} — {country}").format(pollutant=pollutant, country=country)
    elif pollutant:
        heading = _("{pollutant} — all jurisdictions").format(pollutant=pollutant)
    else:
        heading = country
    # A country named without a pollutant: the pollutants it has values for, each a question away.
    available = (
        [
            {
                "label": pollutant_label(pollutant_id, language),
                "query": f"{pollutant_label(pollutant_id, language)} {country}",
            }
            for pollutant_id in result.available_pollutants
        ]
        if result.kind == RESULT_COUNTRY_OVERVIEW
        else []
    )
    tier_note = (
        _("Compared within one tier: {tier}.").format(tier=tier_short_label(result.tier, tr))
        if result.kind == RESULT_COMPARISON and result.tier
        else ""
    )
    return {
        "heading": heading,
        "sections": sections,
        "statuses": statuses,
        "pollutant_id": result.pollutant,
        "available": available,
        "tier_note": tier_note,
        "land_use": result.land_use,
        "country": result.country,
        "not_surveyed": bool(result.country) and not result.country_surveyed,
        "understood": bool(result.pollutant or result.country),
    }


@routes.get("/countries", name="countries")
@cached_page
async def countries_page(request: web.Request) -> web.Response:
    """The jurisdictions with values, by GSP region, and those with only a recorded status."""
    context = page_context(request)
    language, tr = context["lang"], translations(context["lang"])
    async with request.app[SESSIONMAKER]() as session:
        entries = await thresholds.jurisdiction_coverage(session, request.app[CATALOG])
    by_region: dict[str, list] = defaultdict(list)
    for entry in entries:
        if entry.values:
            by_region[region_of(entry.code) or ""].append(
                {
                    "code": entry.code,
                    "name": country_name(entry.code, language),
                    "values": entry.values,
                    "pollutants": len(entry.pollutants),
                }
            )
    groups = [(region_label(region, tr), by_region[region]) for region in REGIONS if region in by_region]
    if "" in by_region:
        groups.append((tr.gettext("Supranational and other"), by_region[""]))
    groups = [(title, sorted(members, key=lambda member: member["name"].casefold())) for title, members in groups]
    status_only = sorted(
        (
            {"code": entry.code, "name": country_name(entry.code, language), "statuses": entry.statuses}
            for entry in entries
            if not entry.values
        ),
        key=lambda item: item["name"].casefold(),
    )
    context.update(groups=groups, status_only=status_only, total=sum(len(members) for _, members in groups))
    return _render("countries.html", request, context)


def _page_number(request: web.Request, pages: int) -> int:
    """`?page=` as a number within 1..pages (anything else: the first page)."""
    text = _param(request, "page")
    return min(pages, max(1, int(text))) if text.isdigit() and len(text) < 6 else 1


@routes.get("/country/{code}", name="country")
@cached_page
async def country_page(request: web.Request) -> web.Response:
    """Every value of one jurisdiction by tier and land use, or its recorded status."""
    context = page_context(request)
    language, tr = context["lang"], translations(context["lang"])
    code = request.match_info["code"][:8].upper()
    if len(code) != 2 or not code.isalpha():
        raise web.HTTPNotFound()
    async with request.app[SESSIONMAKER]() as session:
        values, statuses = await thresholds.jurisdiction_records(session, request.app[CATALOG], code)
    if not (values or statuses or is_jurisdiction(code)):  # "ZZ" has a CLDR name ("Unknown Region") but is no place
        raise web.HTTPNotFound()
    name = country_name(code, language)
    order = {tier: rank for rank, tier in enumerate(TIER_ORDER)}
    land_order = {land_use: rank for rank, land_use in enumerate(LAND_USES)}
    values.sort(
        key=lambda r: (
            order.get(r.tier, len(order)),
            land_order.get(r.land_use, len(land_order)),
            r.pollutant_name.casefold(),
            r.value_max or r.value or 0,
        )
    )
    pages = max(1, -(-len(values) // COUNTRY_ROWS))
    page = _page_number(request, pages)
    tiers: dict[str, dict[str, list]] = {}
    for record in values[(page - 1) * COUNTRY_ROWS : page * COUNTRY_ROWS]:
        tiers.setdefault(record.tier or "", {}).setdefault(record.land_use, []).append(
            record_view(record, tr, language)
        )
    grouped = [
        (
            tier_short_label(tier, tr) or tr.gettext("Other value types"),
            [
                (land_use_label(land_use, tr), rows)
                for land_use, rows in sorted(
                    by_land_use.items(), key=lambda item: land_order.get(item[0], len(land_order))
                )
            ],
        )
        for tier, by_land_use in sorted(tiers.items(), key=lambda item: order.get(item[0], len(order)))
    ]
    context.update(
        code=code,
        name=name,
        grouped=grouped,
        count=len(values),
        page=page,
        pages=pages,
        statuses=[record_view(record, tr, language) for record in statuses],
        surveyed=bool(values or statuses),
    )
    return _render("country.html", request, context)


@routes.get("/pollutant/{pollutant}", name="pollutant")
@cached_page
async def pollutant_page(request: web.Request) -> web.Response:
    """One pollutant across jurisdictions within one tier: an SVG chart and a table."""
    context = page_context(request)
    language, tr = context["lang"], translations(context["lang"])
    pollutant = request.match_info["pollutant"][:64]
    land_use = _param(request, "land_use") or None
    tier = _param(request, "tier") or None
    if land_use not in (None, *LAND_USES) or tier not in (None, *TIERS):
        raise web.HTTPBadRequest(text=tr.gettext("This page does not exist."), content_type="text/plain")
    async with request.app[SESSIONMAKER]() as session:
        comparison = await thresholds.compare_pollutant(session, request.app[CATALOG], pollutant, land_use, tier)
    if comparison is None:
        raise web.HTTPNotFound()
    name = pollutant_label(pollutant, language)
    rows = [record_view(record, tr, language) for record in comparison.records]
    chart_rows = [
        dict(row, label=view["country_name"], amount=view["amount"])
        for row, view in zip(comparison_rows(list(comparison.records), tr, language), rows)
    ]
    title = tr.gettext("{pollutant}, {land_use}: values by jurisdiction").format(
        pollutant=name, land_use=land_use_label(land_use, tr)
    )
    context.update(
        title=title,
        pollutant=pollutant,
        pollutant_name=name,
        land_use=land_use,
        rows=rows,
        tier=comparison.tier,
        tier_label=tier_short_label(comparison.tier, tr),
        chart=comparison_svg(chart_rows, title, rtl=context["dir"] == "rtl"),
        other_tiers=[(other, tier_short_label(other, tr), count) for other, count in comparison.tiers],
        land_uses=[(option, land_use_label(option, tr)) for option in LAND_USES],
    )
    return _render("pollutant.html", request, context)


# Coordinators' remarks (commit references, links to copies): `data export` keeps them, a public page never
# shows them (issue 13).
PRIVATE_COLUMNS = frozenset({"verification_note"})


def public_table(columns: list[str], cells: list[dict]) -> tuple[list[str], list[dict]]:
    """`data export`'s table without the coordinators' private columns."""
    public = [column for column in columns if column not in PRIVATE_COLUMNS]
    return public, [{column: cell.get(column) for column in public} for cell in cells]


def _export_files(columns: list[str], cells: list[dict]) -> dict[str, bytes]:
    """The download files: CSV as `data export` writes it less the private columns, XLSX and JSON with the
    citation."""
    from openpyxl import Workbook

    columns, cells = public_table(columns, cells)

    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=columns)
    writer.writeheader()
    writer.writerows(cells)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("thresholds")
    sheet.append(columns)
    for cell in cells:
        sheet.append([cell.get(column) for column in columns])
    about = workbook.create_sheet("cite")
    about.append([CITATION])
    binary = io.BytesIO()
    workbook.save(binary)
    payload = {"citation": CITATION, "columns": columns, "values": cells}
    return {
        "csv": text.getvalue().encode("utf-8"),
        "xlsx": binary.getvalue(),
        "json": json.dumps(payload, ensure_ascii=False, default=str, allow_nan=False).encode("utf-8"),
    }


_DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


@routes.get(r"/download/thresholds.{kind:(csv|xlsx|json)}", name="download")
async def download(request: web.Request) -> web.Response:
    """The approved values as `data export` gives them, less the coordinators' private remarks (built once per
    change of the data, off the event loop)."""
    kind = request.match_info["kind"]
    async with request.app[SESSIONMAKER]() as session:
        index = await request.app[CATALOG].index(session)
        cached = request.app[EXPORTS]
        if cached.get("index") is not index:
            columns, cells = thresholds.export_table(await thresholds.export_rows(session))
            # The bot's worker process when the site runs beside the bot (webhook), else a thread.
            heavy = request.app.get(HEAVY)
            files = await (
                heavy.run(_export_files, columns, cells)
                if heavy is not None
                else asyncio.to_thread(_export_files, columns, cells)
            )
            cached.clear()
            cached.update(files, index=index)
    return web.Response(
        body=cached[kind],
        headers={
            "Content-Type": _DOWNLOAD_TYPES[kind],
            "Cache-Control": "public, max-age=3600",
            "Content-Disposition": f'attachment; filename="insop-thresholds.{kind}"',
            "Link": '</countries>; rel="describedby"',
        },
    )


@routes.get("/api/lookup", name="api_lookup")
async def api_lookup(request: web.Request) -> web.Response:
    """The answer to `q` as `python -m bot lookup --json` gives it."""
    query = _param(request, "q")
    language = choose_language(request.query.get("lang"), None, request.app[SETTINGS].default_language)
    async with request.app[SESSIONMAKER]() as session:
        result = await thresholds.find_thresholds(session, request.app[CATALOG], query, None)
    payload = result_to_json(result, translations(language), language)
    return web.json_response(
        payload,
        dumps=lambda data: json.dumps(data, ensure_ascii=False, default=str),
        headers={"Cache-Control": API_CACHE},
    )


@routes.get("/api/thresholds", name="api_thresholds")
async def api_thresholds(request: web.Request) -> web.Response:
    """Approved values filtered by `country` (ISO or name), `pollutant` (id), `land_use` and `tier`; paged."""
    language = choose_language(request.query.get("lang"), None, request.app[SETTINGS].default_language)
    country_text = _param(request, "country")
    country = exact_country(country_text) if country_text else None
    if country_text and country is None and country_text.upper() != "EU":
        return web.json_response({"error": "unknown country", "country": country_text}, status=400)
    country = country or (country_text.upper() or None)
    pollutant = _param(request, "pollutant").lower() or None
    land_use = _param(request, "land_use") or None
    tier = _param(request, "tier") or None
    if land_use not in (None, *LAND_USES) or tier not in (None, *TIERS):
        return web.json_response(
            {"error": "unknown land_use or tier", "land_uses": list(LAND_USES), "tiers": list(TIERS)}, status=400
        )
    try:
        offset = max(0, int(_param(request, "offset") or 0))
        limit = min(WEB_API_PAGE, max(1, int(_param(request, "limit") or WEB_API_PAGE)))
    except ValueError:
        return web.json_response({"error": "offset and limit are whole numbers"}, status=400)
    async with request.app[SESSIONMAKER]() as session:
        records = await thresholds.filter_thresholds(session, request.app[CATALOG], country, pollutant, land_use, tier)
    records.sort(key=lambda record: (record.jurisdiction, record.pollutant_id, record.land_use, record.value_max or 0))
    page = records[offset : offset + limit]
    return web.json_response(
        {
            "total": len(records),
            "offset": offset,
            "limit": limit,
            "citation": CITATION,
            "filters": {"country": country, "pollutant": pollutant, "land_use": land_use, "tier": tier},
            "pollutant_known": pollutant is None or pollutant in POLLUTANTS_BY_ID or bool(records),
            "results": [record_to_json(record, language) for record in page],
        },
        dumps=lambda data: json.dumps(data, ensure_ascii=False, default=str),
        headers={"Cache-Control": API_CACHE},
    )


@web.middleware
async def polite_errors(request: web.Request, handler) -> web.StreamResponse:
    """A page that does not exist, or a bad parameter, gets a short page in the reader's language."""
    try:
        return await handler(request)
    except (web.HTTPNotFound, web.HTTPBadRequest) as error:
        if request.path.startswith(("/api/", "/static/", "/download/")) or request.method != "GET":
            raise
        tr = translations(page_language(request))
        message = (
            error.text
            if isinstance(error, web.HTTPBadRequest) and error.text and not error.text.startswith("400")
            else tr.gettext("This page does not exist.")
        )
        return aiohttp_jinja2.render_template(
            "error.html", request, page_context(request, message=message), status=error.status
        )
