"""Normalization of the reference table rows."""

import csv
import io

import pytest

from bot.lookup.records import (
    CSV_COLUMNS,
    KIND_NO_VALUE,
    KIND_STATUS,
    KIND_VALUE,
    RowError,
    ThresholdRecord,
    normalize_row,
    parse_ph_band,
    read_thresholds_csv,
)
from tests.lookup.conftest import SEED_THRESHOLDS_CSV


def _row(**overrides):
    row = {
        "country_iso2": "CA",
        "country": "Canada",
        "jurisdiction_level": "national",
        "pollutant": "cadmium",
        "cas": "7440-43-9",
        "land_use": "agricultural",
        "value": "1.4",
        "unit": "mg/kg dw",
        "value_type": "guideline (SQG)",
        "basis": "total",
        "conditions": "",
        "legal_status": "guideline",
        "instrument": "CCME",
        "year": "2007",
        "source_url_or_path": "https://example.org/ccme",
    }
    row.update(overrides)
    return row


def test_every_line_of_the_shipped_csv_normalizes(seed_records):
    with open(SEED_THRESHOLDS_CSV, encoding="utf-8") as handle:
        lines = sum(1 for _ in csv.reader(handle))
    assert lines == 966
    assert len(seed_records) == 965
    assert all(record.source and record.verification_note for record in seed_records)
    assert {record.land_use for record in seed_records} <= {
        "agricultural",
        "residential",
        "commercial",
        "industrial",
        "all",
    }
    # Dioxins keep their toxic-equivalent unit: never converted to mg/kg.
    assert {record.unit for record in seed_records} == {"mg/kg dw", "ng WHO-TEQ/kg dw", "ng I-TEQ/kg dw"}
    assert all(r.unit.startswith("ng ") for r in seed_records if "teq" in r.unit_original.lower())


def test_jurisdictions_are_iso_codes_or_eu(seed_records):
    codes = {record.jurisdiction for record in seed_records}
    assert codes == {
        "CA",
        "CN",
        "NL",
        "EU",
        "FI",
        "US",
        "ZA",
        "NG",
        "KE",
        "BR",
        "KR",
        "JP",
        "DE",
        "GB",
        "TW",
        "VN",
        "CR",
        "AR",
        "BG",
        "CZ",
        "ES",
        "FR",
        "IT",
        "SK",
    }
    eu = [r for r in seed_records if r.jurisdiction == "EU"]
    assert {r.jurisdiction_level for r in eu} == {"supranational"}


def test_eu_sludge_ranges_keep_min_max_ph_band_and_wording(seed_records):
    cadmium = next(r for r in seed_records if r.jurisdiction == "EU" and r.pollutant_id == "cadmium")
    assert (cadmium.value, cadmium.value_min, cadmium.value_max) == (None, 1.0, 3.0)
    assert (cadmium.ph_min, cadmium.ph_max) == (6.0, 7.0)
    assert cadmium.value_type == "limit" and cadmium.value_original == "1-3"
    assert cadmium.is_sludge_only and cadmium.land_use == "agricultural"
    mercury = next(r for r in seed_records if r.jurisdiction == "EU" and r.pollutant_id == "mercury")
    assert (mercury.value_min, mercury.value_max) == (1.0, 1.5)


def test_eu_chromium_without_a_fixed_value_keeps_its_wording(seed_records):
    chromium = next(r for r in seed_records if r.jurisdiction == "EU" and r.pollutant_family == "chromium")
    assert chromium.kind == KIND_NO_VALUE
    assert (chromium.value, chromium.value_min, chromium.value_max) == (None, None, None)
    assert "no limit value fixed" in chromium.conditions


def test_kenya_is_a_status_record_with_its_source(seed_records):
    kenya = [r for r in seed_records if r.jurisdiction == "KE"]
    assert len(kenya) == 1
    assert kenya[0].kind == KIND_STATUS and kenya[0].value is None
    assert "10.11648/j.ijema.20170502.11" in kenya[0].source


def test_chinese_ph_bands_are_parsed_with_open_and_closed_ends(seed_records):
    bands = sorted(
        (r.ph_min or 0, r.ph_max or 99, r.value, r.ph_min_inclusive, r.ph_max_inclusive)
        for r in seed_records
        if r.jurisdiction == "CN" and r.pollutant_id == "mercury" and r.land_use == "agricultural"
    )
    assert bands == [
        (0, 5.5, 1.3, True, True),
        (5.5, 6.5, 1.8, False, True),
        (6.5, 7.5, 2.4, False, True),
        (7.5, 99, 3.4, False, True),
    ]


def test_a_passing_mention_of_ph_is_not_a_band(seed_records):
    german = [r for r in seed_records if r.jurisdiction == "DE"]
    assert german and all(not r.has_ph_band for r in german)


def test_species_and_canonical_ids(seed_records):
    by_original = {r.pollutant_original: r for r in seed_records}
    assert by_original["chromium (VI)"].pollutant_id == "chromium_vi"
    assert by_original["chromium (VI)"].pollutant_family == "chromium"
    assert by_original["chromium (VI)"].pollutant_species == "VI"
    assert by_original["chromium (total)"].pollutant_species == "total"
    assert by_original["mercury (inorganic)"].pollutant_id == "mercury_inorganic"
    assert by_original["gamma-HCH (lindane)"].pollutant_id == "lindane"
    assert by_original["gamma-HCH (lindane)"].pollutant_group == "pesticide"
    assert by_original["total petroleum hydrocarbons (TPH)"].pollutant_id == "tph"
    assert by_original["total petroleum hydrocarbons (TPH)"].pollutant_group == "hydrocarbon"


def test_combined_land_uses_cover_both_categories(seed_records):
    korea_region_1 = next(r for r in seed_records if r.jurisdiction == "KR" and "Region 1" in r.land_use_original)
    assert korea_region_1.land_uses == ("agricultural", "residential")
    china_category_2 = next(r for r in seed_records if r.jurisdiction == "CN" and "category 2" in r.land_use_original)
    assert china_category_2.land_uses == ("industrial", "commercial")


def test_micrograms_are_converted_to_milligrams():
    record = normalize_row(_row(value="300", unit="µg/kg dw"), 5)
    assert record.value == pytest.approx(0.3)
    assert record.unit == "mg/kg dw" and record.unit_original == "µg/kg dw"


def test_value_types_legal_status_and_year_are_normalized():
    record = normalize_row(
        _row(
            value_type="maximum limit (giá trị giới hạn tối đa)",
            legal_status="guideline (values 'se considerarán como guía')",
            year="2021 (in force 2023-08-01)",
        ),
        3,
    )
    assert record.value_type == "limit"
    assert record.legal_status == "guideline"
    assert record.year == 2021 and record.year_original == "2021 (in force 2023-08-01)"
    assert record.kind == KIND_VALUE


@pytest.mark.parametrize(
    "column, value, fragment",
    [
        ("value", "about five", "value"),
        ("unit", "furlongs", "unit"),
        ("country_iso2", "XYZ", "country_iso2"),
        ("land_use", "moon base", "land_use"),
        ("pollutant", "", "pollutant"),
        ("source_url_or_path", "", "source_url_or_path"),
        # A pH band no soil has, or upside down: stored, it would match no pH query, silently.
        ("conditions", "pH 99999999999999999999-1e999", "0 to 14"),
        ("conditions", "pH 7.5-6", "below its upper"),
    ],
)
def test_bad_rows_raise_a_one_line_error_naming_row_and_column(column, value, fragment):
    with pytest.raises(RowError) as caught:
        normalize_row(_row(**{column: value}), 42)
    message = str(caught.value)
    assert "\n" not in message and "row 42" in message and fragment in message
    assert caught.value.row_number == 42 and caught.value.column == column


def test_missing_header_column_is_named():
    header = ",".join(c for c in CSV_COLUMNS if c != "unit")
    with pytest.raises(RowError) as caught:
        read_thresholds_csv(io.StringIO(header + "\n"))
    assert caught.value.column == "unit" and "row 1" in str(caught.value)


def test_to_dict_round_trips_with_plain_types(seed_records):
    for record in seed_records[:50] + seed_records[-20:]:
        data = record.to_dict()
        assert all(isinstance(v, (str, int, float, bool, type(None))) for v in data.values())
        assert ThresholdRecord.from_dict(data) == record


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pH<=5.5; applies", (None, 5.5, True, True)),
        ("5.5<pH<=6.5; x", (5.5, 6.5, False, True)),
        ("pH>7.5", (7.5, None, False, True)),
        ("soil pH 6-7; Member States", (6.0, 7.0, True, True)),
        ("standard soil; lowered at pH<6", (None, None, True, True)),
    ],
)
def test_parse_ph_band(text, expected):
    assert parse_ph_band(text) == expected


def test_pollutants_we_have_no_names_for_get_distinct_ids_in_any_script():
    """An "other" pollutant typed in Cyrillic or as emoji got the id "", shared by every such pollutant."""
    ids = [normalize_row(_row(pollutant=name), 1).pollutant_id for name in ("перхлорат", "高氯酸盐", "😀", "🙂")]
    assert ids[:2] == ["перхлорат", "高氯酸盐"] and all(ids) and len(set(ids)) == 4
    assert normalize_row(_row(pollutant="perchlorate"), 1).pollutant_id == "perchlorate"
