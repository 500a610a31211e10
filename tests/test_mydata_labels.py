"""/mydata reads like the survey: question and choice labels, roles, countries and dates in the member's language."""

from __future__ import annotations

import re

from babel.dates import get_month_names

from tests.survey_walk import (
    answer_about_you,
    first_key_value,
    open_threshold_survey,
)

# What the listing showed before: question paths, choice names and codes as stored.
RAW = re.compile(r"respondent/|resp_capacity|gsp_focal_point|has_thresholds|subnational_values|country: KE\b")


async def test_mydata_lists_a_draft_with_the_forms_labels(harness, user_id):
    user = harness.user(user_id, name="Zainab")
    await harness.onboard(user, "Kenya", "National focal point")
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user)
    await harness.press(user, "Yes, in force")
    await harness.press(user, "No")
    await harness.press(user, "None")  # ticked, not yet confirmed with Done
    text = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert not RAW.search(text), text
    assert "Form version: 2026113004; language: English; country: Kenya" in text
    assert "• About you › In what capacity are you answering?: Official GSP national focal point" in text
    assert "• About you › Which country are you answering about?: Kenya" in text
    assert "ticked, not yet confirmed: None" in text
    # The trail names the question and the choice, not the button's position.
    assert "· About you › In what capacity are you answering? · chose Official GSP national focal point" in text
    assert "has_binding_in_force" not in text and "instrument_number" not in text  # worked out by the form


async def test_mydata_in_french_reads_the_french_form(harness, user_id):
    user = harness.user(user_id, name="Zainab", language="fr")
    await harness.onboard(user, "Kenya", "Point focal national")
    await harness.send(user, "/survey")
    await harness.press(user, "INSOP")
    await harness.press(user, "Kenya")
    await harness.press(user, "Point focal national officiel du PMS")
    text = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert not RAW.search(text), text
    assert "Rôle\u202f: Point focal national" in text
    assert "Pour quel pays répondez-vous\u202f?\u202f: Kenya" in text or "Pour quel pays répondez-vous" in text
    assert "À quel titre répondez-vous\u202f?" in text and "Point focal national officiel du PMS" in text
    assert "pays\u202f: Kenya" in text
    months = "|".join(map(re.escape, get_month_names("abbreviated", locale="fr").values()))
    assert re.search(rf"\d{{1,2}} ({months}) \d{{4}}", text), text  # Babel's French date, not "Nov 30, 2026"


async def test_mydata_names_the_step_in_progress(harness, user_id):
    user = harness.user(user_id, name="Zainab", language="es")
    await harness.onboard(user, "Kenya", "Laboratorio de suelos")
    await harness.send(user, "/profile")
    await harness.press(user, "Cambiar de país")
    text = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert "ProfileStates" not in text and "Paso en curso: cambio de su país" in text, text
    assert "Función: Laboratorio de suelos" in text and "País: Kenya" in text


async def test_mydata_trail_names_add_another_steps_as_the_survey_asked_them(harness, user_id):
    """ "Add another key value?" answered Yes reads as that question and its button, not "chose yes", in
    English, French and Arabic; in Arabic the survey title reads as /survey shows it."""
    user = harness.user(user_id, name="Zainab")
    await harness.onboard(user, "Kenya", "National focal point")
    calls = await first_key_value(harness, user)
    asked = harness.texts(calls)[-1]
    assert "<b>Add another key value?</b>" in asked, asked  # the survey's own wording of the step
    await harness.press(user, "Yes")
    text = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert "chose yes" not in text and "chose no" not in text, text
    assert re.search(r"Legal instrument or official guideline 1 › Add another key value\? · chose Yes\b", text), text
    # In French, the step reads as the French survey asks it, and the button in French.
    await harness.send(user, "/language")
    await harness.press(user, "Français")
    text = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert "choix yes" not in text and "choix no" not in text, text
    assert re.search(r"› Ajouter une autre entrée «\u202fvaleur clé\u202f»\u202f\? · choix Oui\b", text), text
    # In Arabic too, and the survey's title as /survey shows it.
    await harness.send(user, "/language")
    await harness.press(user, "العربية")
    text = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert "اختيار yes" not in text and "اختيار no" not in text, text
    assert "اختيار نعم" in text, text
    assert "القيم الحدية للتربة (INSOP)" in text and "INSOP soil threshold values" not in text, text


async def test_mydata_in_french_names_the_survey_as_survey_does(harness, user_id):
    """The title and the "add another" step read in /mydata as /survey shows them."""
    user = harness.user(user_id, name="Zainab", language="fr")
    await harness.onboard(user, "Kenya", "Point focal national")
    survey_list = "\n".join(
        button.text
        for call in await harness.send(user, "/survey")
        if call.keyboard is not None
        for row in call.keyboard.inline_keyboard
        for button in row
    )
    assert "INSOP – valeurs seuils pour les sols" in survey_list, survey_list
    await harness.press(user, "INSOP")
    text = "\n".join(harness.texts(await harness.send(user, "/mydata")))
    assert "<b>INSOP – valeurs seuils pour les sols" in text, text
    assert "INSOP soil threshold values" not in text, text
