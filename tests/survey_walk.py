"""Walk the shipped threshold survey (version 2026113004) in the chat, step by step, as a focal point would.

Shared by the dispatcher tests: each function answers one part of the form and returns the calls of its
last step, so a test can read what the member saw there.
"""

from __future__ import annotations

THRESHOLD_TITLE = "INSOP soil threshold values"
COUNTRY_QUESTION = "Which country are you answering about?"


async def open_threshold_survey(harness, user) -> list:
    """/survey, then the threshold survey's button: the intro and the country question."""
    await harness.send(user, "/survey")
    return await harness.press(user, THRESHOLD_TITLE)


async def answer_about_you(
    harness,
    user,
    name: str = "Wanjiru Kamau",
    email: str = "w.kamau@example.org",
    institution: str = "Kenya Soil Survey",
    country: str = "Kenya",
) -> list:
    """Country, capacity, name, e-mail, institution, validated: up to "Does your country have national values?"."""
    await harness.press(user, country)
    await harness.press(user, "Official GSP national focal point")
    await harness.send(user, name)
    await harness.send(user, email)
    await harness.send(user, institution)
    return await harness.press(user, "Yes")


async def answer_status_with_values(harness, user) -> list:
    """National values in force, metals for agricultural land, in force, discussions: up to the first instrument."""
    await harness.press(user, "Yes, in force")
    await harness.press(user, "No")  # no state or provincial values
    await harness.press(user, "None")
    await harness.press(user, "Done")
    await harness.press(user, "Metals and metalloids")
    await harness.press(user, "Done")
    await harness.press(user, "Agricultural land")
    await harness.press(user, "Done")
    await harness.press(user, "In force, no revision")
    await harness.press(user, "Yes")
    await harness.press(user, "National working group")
    return await harness.press(user, "Done")


async def describe_instrument(
    harness, user, title: str = "Soil Quality Regulations", year: str = "2019", values_name: str = "/skip"
) -> list:
    """One instrument, with key values to type: up to the first key value's pollutant question."""
    await harness.send(user, title)
    await harness.send(user, "/skip")  # official number
    await harness.send(user, "Ministry of Environment")
    await harness.press(user, "Nationally")
    await harness.press(user, "Legally binding")
    await harness.press(user, "Yes, in force")
    await harness.send(user, year)
    await harness.send(user, "/skip")  # last amendment
    await harness.press(user, "Agricultural land")
    await harness.press(user, "Done")
    await harness.send(user, "/skip")  # link
    await harness.send(user, "/skip")  # the document itself, as a file
    await harness.press(user, "Yes")  # type some key values
    await harness.press(user, "mg/kg dry weight")  # the unit of its values, before any value
    await harness.press(user, "Total content")
    await harness.press(user, "Human health")
    await harness.press(user, "Screening or trigger")  # what crossing its values means
    await harness.send(user, values_name)  # the values' name in the document
    await harness.press(user, "One number")
    return await harness.press(user, "No")  # none only in a pH band


async def key_value_after_pollutant(harness, user, value: str = "0,8") -> list:
    """From the land use of a key value to "Add another key value?"."""
    await harness.press(user, "Agricultural land")
    return await harness.send(user, value)


async def first_key_value(harness, user) -> list:
    """From /survey to "Add another key value?": about you, national values exist, one instrument, cadmium."""
    await open_threshold_survey(harness, user)
    await answer_about_you(harness, user)
    await answer_status_with_values(harness, user)
    await describe_instrument(harness, user)
    await harness.send(user, "cadmium")
    return await key_value_after_pollutant(harness, user)


async def finish_to_review(harness, user, consent: str = "Publish them, naming my country") -> list:
    """No more values or instruments, obstacles and needs, consent: the review screen."""
    await harness.press(user, "No")  # another key value
    return await finish_after_key_values(harness, user, consent)


async def finish_after_key_values(harness, user, consent: str = "Publish them, naming my country") -> list:
    """From "Add another instrument?": no more instruments, obstacles and needs, consent: the review screen."""
    await harness.press(user, "No")  # another instrument
    await harness.press(user, "Lack of funding")
    await harness.press(user, "Done")
    await harness.press(user, "Training")
    await harness.press(user, "Done")
    await harness.press(user, consent)
    await harness.press(user, "Yes")  # may be contacted
    return await harness.send(user, "/skip")  # comments
