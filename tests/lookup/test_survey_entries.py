"""Threshold-survey answers become candidate records: nothing lost, nothing mislabelled, consent honoured."""

from datetime import datetime

from bot.lookup.survey_entries import records_from_submission


def submission(**changes):
    data = {
        "country": "KE",
        "has_thresholds": "yes",
        "legal_status": "binding",
        "land_uses": ["agricultural", "other"],
        "land_uses_other": "sewage sludge plots",
        "consent_publish": "yes",
        "threshold": [
            {
                "pollutant": "cadmium",
                "threshold_land_use": "other",
                "value": 1.5,
                "unit": "mg_kg",
                "value_type": "screening",
                "basis": "total",
                "instrument": "Soil Act",
                "year": 2019,
            },
            {
                "pollutant": "lead",
                "threshold_land_use": "agricultural",
                "value": 100,
                "unit": "mg_kg",
                "value_type": "screening",
                "basis": "total",
                "instrument": "Soil Act",
                "year": 2019,
            },
        ],
    }
    data.update(changes)
    return records_from_submission(data, "KE", "Kenya", datetime(2026, 11, 30), 7)


def test_a_value_for_another_land_use_is_kept_with_the_typed_wording():
    records, problems = submission()
    assert problems == [] and len(records) == 2
    other = records[0]
    assert (other.land_use, other.land_use_original, other.value) == ("other", "sewage sludge plots", 1.5)
    records, _problems = submission(land_uses_other="peri-urban gardens")
    assert records[0].land_use_original == "peri-urban gardens"  # a land use the lookups know, found in the wording


def test_legal_status_binding_is_stored_as_binding_and_both_as_unknown_per_value():
    records, _problems = submission()
    assert {record.legal_status for record in records} == {"binding"}
    records, _problems = submission(legal_status="guideline")
    assert {record.legal_status for record in records} == {"guideline"}
    # "both" was said once for the country: which value is binding is not known, and not claimed.
    records, _problems = submission(legal_status="both")
    assert {record.legal_status for record in records} == {"unknown"}
    assert "both binding and guideline" in records[0].legal_status_original


def test_values_without_consent_to_name_the_country_are_not_offered_for_publication():
    records, problems = submission(consent_publish="no")
    assert records == [] and "2 reported value(s) not offered for review" in problems[0]
    for level in ("aggregate", "internal"):
        records, problems = submission(consent_publish=level)
        assert records == [] and level in problems[0]
    records, _problems = submission(consent_publish="named")
    assert len(records) == 2
