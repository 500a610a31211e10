"""The shipped XLSForms (storage/forms), each parsed once per test session.

Parsing a form file takes pyxform 0.2-0.5 s and a dozen tests read the same few files. Each call returns a
Form of its own, rebuilt from the parsed definition as the bot rebuilds a published version from the database,
so a test that changes its copy changes no other test's. The tests of parsing itself call `load_form`.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from bot.survey import load_form
from bot.survey.form import Form
from storage.seed import FORMS_DIR


@cache
def _definition(relative: str) -> dict[str, Any]:
    return load_form(FORMS_DIR / relative).to_dict()


def shipped_form(relative: str) -> Form:
    """The form of `storage/forms/<relative>` (e.g. "previous/threshold_survey_2026113003.xlsx")."""
    return Form.from_dict(copy.deepcopy(_definition(relative)))
