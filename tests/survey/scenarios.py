"""Scripted conversations for the golden transcripts: name -> form, language, replies."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORMS = "tests/survey/forms"
CONFORMANCE = f"{FORMS}/conformance"  # public pyxform test forms, copied with their origin (see its README)
BACK = {"command": "back"}

SCENARIOS = {
    "features_en_all_types": {
        "form": f"{FORMS}/features.md",
        "lang": "en",
        "inputs": [
            "", "J", "Jo Smith",            # required message, constraint message, accepted
            "abc", "15", "45",               # type error, constraint, accepted
            "",                              # height keeps its default 1.7
            "31/05/2024",                    # day-first date
            "nort",                          # fuzzy label match
            "Nice", "Lille",                 # Nice is filtered out by choice_filter (region north)
            "Wheat, maize, other", "rice",   # select_multiple by labels and names, or_other follow-up
            "2.5", "yes", "yes",             # repeat instance 1, add another
            "12", "No", "no",                # repeat instance 2, stop
            "looks fine",
        ],
    },
    "features_fr_translations": {
        "form": f"{FORMS}/features.md",
        "lang": "fr",
        "inputs": [
            "Jo", "Léa Martin", "200", "33", "1,8", "2024-06-01",
            "Sud", "marseille", ["Blé", "betterave sucriere"],
            "0", "3,5", "non", "non", "",
        ],
    },
    "features_back_relevance_skip": {
        "form": f"{FORMS}/features.md",
        "lang": "en",
        "inputs": [
            "Jo Smith", "45", BACK, "20",    # back to age; now crops are not relevant
            "", "", "South", "Nice",
            "1", "Yes", "no",
            BACK, "maybe", "no",             # back to the add-another step, bad reply, then no
            "",                              # skip the optional comment
        ],
    },
    "features_jump_from_review": {
        "form": f"{FORMS}/features.md",
        "lang": "en",
        "inputs": [
            "Jo Smith", "45", "", "", "north", "amiens", "", "1", "yes", "no", "",
            {"command": "jump_to", "question": "age"}, "20",
        ],
    },
    "threshold_survey_en": {
        "form": "storage/forms/previous/threshold_survey_2025060101.xlsx",
        "lang": "en",
        "inputs": [
            "Frnace", "Soil officer", "Ministry of Ecology", "yes", "binding", "agricultural, residential",
            "Cadmium", "Agricultural", "-1", "2", "", "Guideline value", "aqua regia", "", "Decree 2020-1", "1949", "2020", "",
            "yes",
            "other", "PFAS", "residential", "0.5", "µg/kg", "screening", "Total content", "pH > 6", "Decree 2020-1", "2021",
            "not a link", "https://example.org/decree", "no",
            "yes", "yes",
        ],
    },
    "threshold_survey_es_no_values": {
        "form": "storage/forms/previous/threshold_survey_2025060101.xlsx",
        "lang": "es",
        "inputs": ["Chile", "Asesora", "Ministerio del Medio Ambiente", "No", "Sí", "Sí",
                   ["Falta de datos", "Other"], "Sin laboratorio acreditado", "no"],
    },
    "lab_sop_survey_fr": {
        "form": "storage/forms/previous/lab_sop_survey_2025060101.xlsx",
        "lang": "fr",
        "inputs": ["Laboratoire national des sols", "Sénégal", "", "oui",
                   "Métaux lourds (total), Hydrocarbures", ["xrf"], "GC-FID",
                   "Peut-être", "Webinaires, Aucune", "Webinaires", ""],
    },
    "conformance_tutorial": {
        "form": f"{CONFORMANCE}/tutorial.xls",
        "lang": None,
        "inputs": ["Amina", "Head", "Female", "Yes", "Yes", "Yes", "34", "Yes", "No", "yes",
                   "Baby", "son_or_daughter", "male", "yes", "yes", "no", "80", "7", "no"],
    },
    "conformance_calculate": {"form": f"{CONFORMANCE}/calculate.xls", "lang": None, "inputs": []},
    "conformance_cascading_select": {
        "form": f"{CONFORMANCE}/cascading_select_test_equivalent.xls", "lang": None, "inputs": ["zone_1", "state_1", "lga_1"],
    },
    "conformance_choice_filter": {
        "form": f"{CONFORMANCE}/choice_filter_test.xlsx", "lang": None, "inputs": ["Texas", "King", "Dumont"],
    },
    "conformance_group": {"form": f"{CONFORMANCE}/group.xlsx", "lang": "en", "inputs": ["Okafor", "61"]},
    "conformance_loop": {"form": f"{CONFORMANCE}/loop.xlsx", "lang": "en", "inputs": [["Pit latrine with slab", "other"], "bucket"]},
    "conformance_specify_other": {"form": f"{CONFORMANCE}/specify_other.xlsx", "lang": "en", "inputs": ["other", "prefer not to say"]},
    "conformance_text_and_integer": {"form": f"{CONFORMANCE}/text_and_integer.xlsx", "lang": "en", "inputs": ["Ada", "36"]},
    "conformance_ucl_biomass": {
        "form": f"{CONFORMANCE}/UCL_Biomass_Plot_Form.xlsx",
        "lang": "en",
        "inputs": [
            "Aloyce", "abc", "0712345678", "2024", "40", "yes", "10", "yes",
            "101", "90", "20", "10", "", "2",          # 20 m is outside the slope-corrected radius
            "5", "30", "Alive", "", "",                # stem 1: below the minimum circumference
            "250", "dead", "5", "3.5", "hollow",       # stem 2 (jr:count = 2, no add-another)
            "no", "no", "no", "no", "Burning, grazing", "",
        ],
    },
}
