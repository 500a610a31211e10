"""The GSP region table covers every CLDR country and puts well-known ones where FAO does."""

import gettext

import pytest

from bot.reports.regions import REGIONS, load_regions, region_label, region_of
from tests.forms import shipped_form


def cldr_countries() -> set[str]:
    """Every country or territory a member can work in, as bot.countries decides it (Kosovo included, not the EU)."""
    from bot.countries import is_country, jurisdiction_codes

    return {code for code in jurisdiction_codes() if is_country(code)}


def test_every_cldr_country_has_a_known_region():
    regions = load_regions()
    assert cldr_countries() <= set(regions)
    assert set(regions.values()) == set(REGIONS)


def test_every_country_the_survey_offers_has_a_region():
    form = shipped_form("threshold_survey.xlsx")
    regions = load_regions()
    assert {choice.name for choice in form.choices["country"]} <= set(regions)


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("KE", "africa"),
        ("EG", "near_east_north_africa"),
        ("KZ", "eurasia"),
        ("CN", "asia"),
        ("FJ", "pacific"),
        ("BR", "latin_america_caribbean"),
        ("CA", "north_america"),
        ("NL", "europe"),
        ("US", "north_america"),
        ("MX", "latin_america_caribbean"),
        ("TR", "eurasia"),
        ("UA", "eurasia"),
        ("GE", "eurasia"),
        ("MD", "eurasia"),
        ("RU", "eurasia"),
        ("PS", "near_east_north_africa"),
        ("MR", "near_east_north_africa"),
        ("SD", "near_east_north_africa"),
        ("SS", "africa"),
        ("DJ", "africa"),
        ("IR", "near_east_north_africa"),
        ("AF", "asia"),
        ("PK", "asia"),
        ("AU", "pacific"),
        ("NZ", "pacific"),
    ],
)
def test_spot_checks(code, region):
    assert region_of(code) == region


def test_region_of_is_forgiving_about_case_and_unknown_codes():
    assert region_of(" ke ") == "africa"
    assert region_of("QQ") is None
    assert region_of(None) is None
    assert region_of("KE", {"KE": "asia"}) == "asia"


def test_load_regions_reads_another_file_and_rejects_unknown_regions(tmp_path):
    table = tmp_path / "regions.csv"
    table.write_text("iso2,region\nke,africa\n", encoding="utf-8")
    assert load_regions(table) == {"KE": "africa"}
    table.write_text("iso2,region\nKE,atlantis\n", encoding="utf-8")
    with pytest.raises(ValueError, match="atlantis"):
        load_regions(table)


def test_region_names_go_through_gettext():
    class Shouting(gettext.NullTranslations):
        def gettext(self, message):
            return message.upper()

    assert region_label("near_east_north_africa", gettext.NullTranslations()) == "Near East and North Africa"
    assert region_label("pacific", Shouting()) == "PACIFIC"
    assert region_label("unknown_id", gettext.NullTranslations()) == "unknown_id"
