"""Fresh-clone review of the lookups: dioxins found as a family, no reviewer's remarks shown, PCB names.

1. Germany's action values for PCDD/F plus dioxin-like PCB (WHO-TEQ) answer "dioxin Germany".
2. Remarks a reviewer left in the seed ("presumed ...", "not stated", "(none found); review: ...")
   never reach a reply or a web row; the year is shown as a year. Exports keep them (records unchanged).
3. PCB names read as PCB in every language.
"""

from __future__ import annotations

import re

import pytest

from bot.lookup import lookup
from bot.lookup.parser import ParsedQuery
from bot.lookup.pollutants import LANGUAGES, display_name
from bot.lookup.records import NORMALIZED_UNIT, TEQ_UNITS
from bot.lookup.views import page_count, public_wording, public_year, record_view
from bot.telegram_render import render_text

REMARKS = ("presum", "not stated", "(none found)", "review:")


def test_dioxin_germany_finds_the_action_values_of_pcdd_f_with_dioxin_like_pcb(index, vocabulary, tr):
    result = lookup(index, "dioxin Germany", vocabulary=vocabulary)
    amounts = sorted((r.value, r.pollutant_id) for r in result.results)
    assert amounts == [
        (15, "pcdd_f"),
        (100, "pcdd_f_dl_pcb"),
        (1000, "pcdd_f_dl_pcb"),
        (1000, "pcdd_f_dl_pcb"),
        (10000, "pcdd_f_dl_pcb"),
    ]
    assert {r.unit for r in result.results} == {"ng WHO-TEQ/kg dw"}
    text = render_text(result, tr, "en")
    assert "100 ng WHO-TEQ/kg</b> — action value, dioxins and dioxin-like PCB (TEQ)" in text

    playground = lookup(index, "dioxin playground Germany", vocabulary=vocabulary)
    assert playground.results and playground.results[0].value == 100
    assert "No value" not in render_text(playground, tr, "en")
    # A species name still asks for that species only.
    grassland = lookup(index, "pcdd Germany", vocabulary=vocabulary)
    assert [r.value for r in grassland.results] == [15]


@pytest.mark.parametrize("land_use", [None, "agricultural", "residential", "industrial"])
def test_dioxin_comparison_stays_like_with_like(index, land_use):
    comparison = index.comparison("dioxins", land_use, None, None)
    units = {record.unit for record in comparison.records}
    assert len(units) <= 1 and units <= set(TEQ_UNITS)
    assert NORMALIZED_UNIT not in units
    # Every dioxin value in the table is a toxic equivalent, never mg/kg.
    assert all(r.unit in TEQ_UNITS for r in index.records() if r.pollutant_family == "dioxins")


def _every_reply(index, tr, jurisdiction):
    pollutants = sorted(index.pollutants_in(jurisdiction)) or [None]
    for pollutant in pollutants:
        result = index.find(ParsedQuery(text="", pollutant=pollutant, country=jurisdiction))
        for page in range(page_count(result) + 1):
            yield render_text(result, tr, "en", page=page)


def test_no_reply_or_web_row_of_any_seeded_jurisdiction_shows_a_reviewers_remark(index, tr):
    replies = 0
    for jurisdiction in sorted(index.jurisdictions):
        for text in _every_reply(index, tr, jurisdiction):
            replies += 1
            found = [remark for remark in REMARKS if remark in text.lower()]
            assert not found, (jurisdiction, found, text)
    assert replies > 100
    for record in index.records():
        row = record_view(record, tr, "en")
        shown = " ".join(str(value) for value in row.values() if isinstance(value, str)) + " ".join(row["conditions"])
        assert not [remark for remark in REMARKS if remark in shown.lower()], (record.row_number, shown)
        assert row["year"] == "" or re.fullmatch(r"(18|19|20)\d\d", row["year"]), row["year"]


def test_the_seed_keeps_the_remarks_for_exports(seed_records):
    """Only what is shown changes: the records (and so `data export`) keep the source's cells."""
    assert any("presumed" in r.instrument for r in seed_records if r.jurisdiction == "TW")
    netherlands = [r.year_original for r in seed_records if r.jurisdiction == "NL"]
    assert "2007 (amended to >=2013)" in netherlands


def test_public_wording_leaves_out_the_remark_and_keeps_the_rest():
    assert (
        public_wording(
            "Taiwan EPA soil pollution control standards (presumed 土壤污染管制標準; the paper labels the columns "
            "only 'TEPA guidelines')"
        )
        == "Taiwan EPA soil pollution control standards"
    )
    assert public_wording("(none found); review: Koskei, Cheng & Shi (2017) Int. J. Environ.") == ""
    assert public_wording("pH 5-6 (note 4); free (not stated in Art. 2)") == "pH 5-6 (note 4); free"
    assert (
        public_wording("standard soil (10 % organic matter; 25 % clay)")
        == "standard soil (10 % organic matter; 25 % clay)"
    )
    assert public_wording("") == ""


def test_the_year_is_a_year(seed_records):
    netherlands = next(r for r in seed_records if r.year_original == "2007 (amended to >=2013)")
    assert public_year(netherlands) == "2007"


@pytest.mark.parametrize(
    ("pollutant_id", "english"),
    [
        ("pcb", "PCB"),
        ("pcb6", "6 indicator PCB (PCB6)"),
        ("pcb7", "7 indicator PCB (PCB7)"),
        ("pcb_ndl", "non-dioxin-like PCB"),
        ("pcdd_f_dl_pcb", "dioxins and dioxin-like PCB (TEQ)"),
    ],
)
def test_pcb_names_read_as_pcb_in_every_language(pollutant_id, english):
    assert display_name(pollutant_id, "en") == english
    for language in LANGUAGES:
        name = display_name(pollutant_id, language)
        assert name and name != pollutant_id.replace("_", " ")
        assert not re.search(r"\bpcb|\bdioxin like\b|пхб", name), (language, name)
