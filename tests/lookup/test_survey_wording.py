"""A value reported in the threshold survey reads in the reader's language: what the bot says about it is worded
there, what the respondent typed is shown as typed."""

import csv
import dataclasses
import gettext
import io
from datetime import datetime

import pytest

from bot.i18n import LOCALES_DIR, compile_catalogs
from bot.lookup import build_index, lookup
from bot.lookup.records import CSV_COLUMNS, normalize_row, original_row
from bot.lookup.survey_entries import SurveySource, records_from_submission, survey_source
from bot.lookup.views import record_view, result_data
from bot.telegram_render import render_text

# What the bot itself used to write into a survey value's row, in English, whatever the reader's language.
ENGLISH_WRITTEN_BY_THE_BOT = (
    "INSOP threshold survey",
    "answer for",
    "answer of the focal point",
    "submitted",
    "issued by",
    "survey answer",
    "not stated",
    "precautionary value",
    "agricultural (arable land)",
    "children's playgrounds",
    "must not be detected",
)
AUTHORITY = "Ministry of Environment and Forestry"  # typed by the respondent: kept as typed
LINK = "https://example.org/soil-act"


def instrument_submission() -> dict:
    """A submission of the current form: one binding instrument, a value with a pH band and a "not detected"."""
    return {
        "consent_publish": "named",
        "instrument": [
            {
                "instr_title": "Soil Quality Regulations",
                "instr_number": "LN 12/2020",
                "instr_status": "binding",
                "instr_level": "national",
                "instr_authority": AUTHORITY,
                "instr_link": LINK,
                "instr_year": 2020,
                "instr_unit": "mg_kg",
                "instr_basis": "not_specified",
                "instr_tier": "protection",
                "key_value": [
                    {
                        "pollutant": "cadmium",
                        "val_land_use": "arable",
                        "val_form": "single",
                        "value": 0.8,
                        "ph_min": 5,
                        "ph_max": 6,
                    },
                    {"pollutant": "cadmium", "val_land_use": "playground", "val_form": "not_detected"},
                ],
            }
        ],
    }


@pytest.fixture(scope="module")
def survey_records():
    records, problems = records_from_submission(instrument_submission(), "KE", "Kenya", datetime(2026, 11, 30), 7)
    assert problems == [] and len(records) == 2
    return records


@pytest.fixture(scope="module")
def catalogs():
    compile_catalogs()
    return {
        language: gettext.translation("messages", LOCALES_DIR, languages=[language])
        for language in ("ar", "fr", "ru", "es", "zh")
    }


def reply(records, vocabulary, tr, locale: str) -> str:
    """The first screen and the Details page of "cadmium Kenya"."""
    result = lookup(build_index(records), "cadmium Kenya", vocabulary=vocabulary)
    return render_text(result, tr, locale) + "\n\n" + render_text(result, tr, locale, page=1)


def english_fragments(text: str) -> list[str]:
    return [fragment for fragment in ENGLISH_WRITTEN_BY_THE_BOT if fragment in text]


def test_a_survey_value_stores_its_source_as_a_code_not_a_sentence(survey_records):
    source = survey_records[0].source
    assert source.startswith("insop-survey:") and "INSOP threshold survey" not in source
    assert survey_source(source) == SurveySource(datetime(2026, 11, 30).date(), AUTHORITY, LINK)
    # The code goes through the CSV as it is: a `data export` file imports again with the same source.
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerow(original_row(survey_records[0].to_dict()))
    [row] = csv.DictReader(io.StringIO(buffer.getvalue()))
    assert row["source_url_or_path"] == source
    assert normalize_row(row, 2).source == source


def test_a_french_reply_words_the_survey_source_in_french(survey_records, vocabulary, catalogs):
    text = reply(survey_records, vocabulary, catalogs["fr"], "fr")
    assert english_fragments(text) == []
    assert (
        "Source\u202f: Enquête de l’INSOP sur les valeurs seuils, réponse pour Kenya, envoyée le 30 novembre 2026"
        f"\u202f; texte émis par {AUTHORITY}\u202f; {LINK}"
    ) in text
    assert "<b>ne doit pas être détecté</b>" in text and "Plage de pH du sol\u202f: pH 5–6" in text
    assert "Soil Quality Regulations (LN 12/2020)" in text  # the instrument's title, as typed


@pytest.mark.parametrize(
    ("language", "worded"),
    [
        ("zh", "来源：INSOP 阈值调查，肯尼亚的答复，提交于2026年11月30日；发布机关："),
        ("ar", "استبيان INSOP للقيم الحدية، إجابة عن \u2068كينيا\u2069، أُرسلت في"),
        ("ru", "Опрос INSOP о пороговых значениях, ответ по стране Кения, отправлен 30 ноября 2026"),
        ("es", "Encuesta del INSOP sobre valores umbral, respuesta para Kenya, enviada el 30 de noviembre de 2026"),
    ],
)
def test_every_language_words_the_survey_source_itself(survey_records, vocabulary, catalogs, language, worded):
    text = reply(survey_records, vocabulary, catalogs[language], language)
    assert english_fragments(text) == [] and worded in text
    assert AUTHORITY in text and LINK in text


def test_a_value_approved_before_the_code_existed_reads_the_same(survey_records, vocabulary, catalogs):
    """Rows stored with the English sentence (both form versions) are recognised and worded like new ones."""
    old_second_form = dataclasses.replace(
        survey_records[0],
        source=f"INSOP threshold survey: answer for Kenya, submitted 2026-11-30; issued by {AUTHORITY}; {LINK}",
    )
    old_first_form = dataclasses.replace(
        survey_records[0],
        source="INSOP threshold survey: answer of the focal point of Kenya, submitted 2026-11-30; Gazette 12",
        value_type_original="guideline",
        land_use_original="agricultural",
    )
    assert survey_source(old_second_form.source) == SurveySource(datetime(2026, 11, 30).date(), AUTHORITY, LINK)
    assert survey_source(old_first_form.source) == SurveySource(datetime(2026, 11, 30).date(), "", "Gazette 12")
    assert survey_source(
        "INSOP threshold survey: answer for Kenya, submitted 2026-11-30; issued by not stated"
    ) == SurveySource(datetime(2026, 11, 30).date())
    assert survey_source("https://example.org/soil-act") is None
    for record in (old_second_form, old_first_form):
        text = reply([record], vocabulary, catalogs["fr"], "fr")
        assert english_fragments(text) == []
        assert "réponse pour Kenya, envoyée le 30 novembre 2026" in text
    assert "“guideline" not in reply([old_first_form], vocabulary, catalogs["fr"], "fr")


def test_a_typed_value_name_and_land_use_stay_as_typed_and_marked_so(vocabulary, catalogs):
    data = instrument_submission()
    value = data["instrument"][0]["key_value"][0]
    value.update(val_name="Prüfwert", val_land_use="other", val_land_use_other="Kleingärten (agricultural)")
    records, _problems = records_from_submission(data, "KE", "Kenya", datetime(2026, 11, 30), 7)
    text = reply(records, vocabulary, catalogs["fr"], "fr")
    assert (
        "Dans les termes de la source (non traduits)\u202f: «\u202fPrüfwert, Kleingärten (agricultural)\u202f»" in text
    )


def test_the_web_rows_and_the_json_word_the_survey_source(survey_records, vocabulary, catalogs):
    row = record_view(survey_records[0], catalogs["fr"], "fr")
    assert row["source"] == (
        f"Enquête de l’INSOP sur les valeurs seuils, réponse pour Kenya, envoyée le 30 novembre 2026"
        f"\u202f; texte émis par {AUTHORITY}"
    )
    assert row["source_link"] == LINK
    assert (row["value_type_original"], row["land_use_original"], row["conditions"]) == ("", "", ["pH 5–6"])
    result = lookup(build_index(survey_records), "cadmium Kenya", vocabulary=vocabulary)
    [first, *_rest] = result_data(result, catalogs["fr"], "fr")["results"]
    assert first["source"] == survey_records[0].source  # the stored code, as exported
    assert first["survey_source"] == {"submitted": "2026-11-30", "authority": AUTHORITY, "link": LINK}


@pytest.mark.parametrize(
    ("language", "worded"),
    [
        ("fr", "autre usage des sols"),
        ("es", "otro uso del suelo"),
        ("ru", "другое землепользование"),
        ("zh", "其他土地用途"),
        ("ar", "استخدام آخر للأراضي"),
    ],
)
def test_a_land_use_outside_the_list_with_no_words_typed_is_worded(catalogs, language, worded):
    """A survey answer's land use "other" with nothing typed: the reader's words, not the stored code."""
    from bot.lookup.views import land_use_text

    assert land_use_text("other", catalogs[language]) == worded


@pytest.mark.parametrize(
    "code",
    ["[" * 5000, "{" * 5000, '{"submitted": "2026-11-30"', "[1, 2]", "null"],
    ids=["[", "{", "cut", "list", "null"],
)
def test_a_source_that_only_looks_like_the_code_is_shown_as_written(survey_records, catalogs, code):
    """An imported file's source starting like the survey's code (deeply nested, broken, not an object): shown as
    written, never an error on the pages that list it."""
    from bot.lookup.views import source_text

    record = dataclasses.replace(survey_records[0], source="insop-survey:" + code)
    assert survey_source(record.source) is None
    assert source_text(record, catalogs["fr"], "fr")
    assert render_text(lookup(build_index([record]), "cadmium Kenya"), catalogs["fr"], "fr", page=1)
