"""Exports open in a spreadsheet with the form's columns in order, repeats linked, formulas defused."""

import csv
import datetime
import io

import openpyxl
import pytest

from bot.reports.export import build_export
from bot.survey.form import Choice, Form, Node
from tests.forms import shipped_form

THRESHOLD_FORM = shipped_form("previous/threshold_survey_2025060101.xlsx")  # the answers below are of that version
MAIN_COLUMNS = [
    "country",
    "role",
    "institution",
    "has_thresholds",
    "legal_status",
    "land_uses",
    "land_uses_other",
    "threshold_count",
    "in_discussions",
    "working_toward",
    "obstacles",
    "obstacles_other",
    "consent_publish",
]
META = ["_submission_id", "_country", "_country_name", "_region", "_language", "_submitted_at", "_review_status"]


def submission(**changes):
    data = {
        "country": "KE",
        "role": "Soil scientist",
        "institution": "KALRO",
        "has_thresholds": "yes",
        "legal_status": "binding",
        "land_uses": ["agricultural", "industrial"],
        "threshold": [
            {
                "threshold_number": "1",
                "pollutant": "cadmium",
                "threshold_land_use": "agricultural",
                "value": 1.4,
                "unit": "mg_kg",
                "value_type": "limit",
                "basis": "total",
                "instrument": "EMCA 2006",
                "year": 2006,
            },
            {
                "threshold_number": "2",
                "pollutant": "lead",
                "threshold_land_use": "industrial",
                "value": 600,
                "unit": "mg_kg",
                "value_type": "limit",
                "basis": "aqua_regia",
                "instrument": "EMCA 2006",
                "year": 2006,
            },
        ],
        "threshold_count": "2",
        "in_discussions": "yes",
        "consent_publish": "yes",
    }
    row = {
        "id": 12,
        "data": data,
        "country": "KE",
        "region": "africa",
        "language": "fr",
        "submitted_at": datetime.datetime(2025, 6, 1, 12, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=3))),
        "review_status": "pending",
        "telegram_id": 123456789,
    }
    row.update(changes)
    return row


def sheets(export):
    workbook = openpyxl.load_workbook(io.BytesIO(export.xlsx))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def test_main_sheet_has_form_order_columns_then_metadata():
    export = build_export(THRESHOLD_FORM, [submission()])
    tables = sheets(export)
    main = tables["INSOP soil threshold values"]
    assert main[0] == MAIN_COLUMNS + META
    row = dict(zip(main[0], main[1]))
    assert row["land_uses"] == "agricultural industrial"
    assert row["threshold_count"] == 2  # a number, not the text "2"
    assert row["_submitted_at"] == "2025-06-01T09:30:00Z"
    assert (row["_submission_id"], row["_country"], row["_region"], row["_language"]) == (12, "KE", "africa", "fr")
    assert row["_country_name"] == "Kenya"  # English unless the coordinator's language is asked
    assert "_telegram_id" not in main[0]
    assert export.filename_stem == "insop_thresholds_2025060101"


def test_repeat_sheet_rows_link_to_their_submission():
    tables = sheets(build_export(THRESHOLD_FORM.to_dict(), [submission(), submission(id=13, data={"country": "NL"})]))
    repeat = tables["threshold"]
    header = repeat[0]
    assert header[:4] == ["threshold_number", "pollutant", "pollutant_other", "threshold_land_use"]
    assert header[-2:] == ["_parent_submission_id", "_index"]
    rows = [dict(zip(header, row)) for row in repeat[1:]]
    assert [(row["_parent_submission_id"], row["_index"], row["pollutant"], row["value"]) for row in rows] == [
        (12, 1, "cadmium", 1.4),
        (12, 2, "lead", 600),
    ]
    assert [row[0] for row in tables["INSOP soil threshold values"][1:]] == ["KE", "NL"]


def test_labels_in_the_asked_language_and_telegram_ids_when_asked():
    tables = sheets(build_export(THRESHOLD_FORM, [submission()], label_language="fr", include_telegram_ids=True))
    main = tables["INSOP soil threshold values"]
    row = dict(zip(main[0], main[1]))
    assert row["legal_status"] == "Juridiquement contraignantes"
    assert row["land_uses"] == "Agricole; Industriel"
    assert row["_telegram_id"] == 123456789
    assert dict(zip(tables["threshold"][0], tables["threshold"][1]))["pollutant"] == "Cadmium (Cd)"


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://evil","x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_like_text_is_neutralized_in_xlsx_and_csv(dangerous):
    data = submission()["data"] | {"role": dangerous, "institution": "Plain"}
    export = build_export(THRESHOLD_FORM, [submission(data=data)])
    workbook = openpyxl.load_workbook(io.BytesIO(export.xlsx))
    cell = workbook.active["B2"]
    assert cell.value == "'" + dangerous and cell.data_type == "s"
    row = list(csv.reader(io.StringIO(export.csv.decode("utf-8-sig"))))[1]
    assert row[1] == "'" + dangerous
    assert row[2] == "Plain"


def test_negative_numbers_stay_numbers():
    form = Form(
        "f",
        "Numbers",
        "1",
        "English (en)",
        ["English (en)"],
        "data",
        [Node("temperature", "decimal", "temperature")],
        {},
    )
    export = build_export(form, [{"id": 1, "data": {"temperature": -4.5}}])
    assert sheets(export)["Numbers"][1][0] == -4.5
    assert export.csv.decode("utf-8-sig").splitlines()[1].startswith("-4.5,")


def test_headers_only_when_there_are_no_submissions():
    export = build_export(THRESHOLD_FORM, [])
    tables = sheets(export)
    assert tables["INSOP soil threshold values"] == [MAIN_COLUMNS + META]
    assert len(tables["threshold"]) == 1
    assert export.csv.decode("utf-8-sig").strip() == ",".join(MAIN_COLUMNS + META)


def test_sheet_names_are_sanitized_short_and_unique_and_nested_repeats_link_to_parents():
    inner = Node("sample", "repeat", "visits/x/sample", children=[Node("depth", "integer", "visits/x/sample/depth")])
    visit = Node("site: [north]/south*?", "repeat", "visits/x", children=[Node("day", "date", "visits/x/day"), inner])
    group = Node("visits", "group", "visits", children=[visit])
    form = Form(
        "f",
        "A very long form title that Excel cannot hold",
        "1",
        "English (en)",
        ["English (en)"],
        "data",
        [Node("site", "select_one", "site", list_name="sites"), group],
        {"sites": [Choice("a", {"English (en)": "Site A"})]},
    )
    data = {
        "site": "a",
        "site: [north]/south*?": [
            {"day": "2025-06-01", "sample": [{"depth": 10}, {"depth": 20}]},
            {"day": "2025-06-02", "sample": [{"depth": 5}]},
        ],
    }
    tables = sheets(build_export(form, [{"id": 7, "data": data}]))
    names = list(tables)
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert len(set(names)) == 3
    samples = tables[names[2]]
    assert samples[0] == ["depth", "_parent_submission_id", "_index", "_parent_index"]
    assert samples[1:] == [[10, 7, 1, "1"], [20, 7, 2, "1"], [5, 7, 1, "2"]]


def test_the_export_says_why_values_are_not_in_the_review_queue():
    """Values given without consent to name the country never reach review: the coordinator reads why."""
    withheld = submission(id=13, review_status="")
    withheld["data"] = dict(withheld["data"], consent_publish="no")
    main = sheets(build_export(THRESHOLD_FORM, [submission(), withheld]))["INSOP soil threshold values"]
    statuses = [dict(zip(main[0], row))["_review_status"] for row in main[1:]]
    assert statuses == ["pending", "not offered for review: consent aggregate"]


def test_the_export_names_the_entries_that_could_not_be_read_as_values():
    """Issue 16: every answer of a submitted survey reaches the review queue, or the coordinator is told why."""
    unreadable = submission(id=14)
    cadmium, lead = unreadable["data"]["threshold"]
    unreadable["data"] = dict(unreadable["data"], threshold=[cadmium, dict(lead, value="abc")])
    main = sheets(build_export(THRESHOLD_FORM, [unreadable]))["INSOP soil threshold values"]
    status = dict(zip(main[0], main[1]))["_review_status"]
    assert status.startswith("pending; not read: submission 14, entry 2: ") and "'abc'" in status


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Netherlands (Kingdom of the)"),
        ("fr", "Pays-Bas (Royaume des)"),
        ("zh", "荷兰王国"),
        ("ar", "هولندا (مملكة)"),
    ],
)
def test_the_country_is_named_next_to_its_iso_code_in_the_coordinators_language(language, expected):
    export = build_export(
        THRESHOLD_FORM, [submission(country="NL"), submission(id=13, country=None)], country_language=language
    )
    main = sheets(export)["INSOP soil threshold values"]
    header = main[0]
    assert header[header.index("_country") + 1] == "_country_name"
    rows = [dict(zip(header, row)) for row in main[1:]]
    assert [(row["_country"], row["_country_name"]) for row in rows] == [("NL", expected), (None, None)]
    csv_rows = list(csv.DictReader(io.StringIO(export.csv.decode("utf-8-sig"))))
    assert [row["_country_name"] for row in csv_rows] == [expected, ""]
