"""Public XLSForm conformance forms (copied into tests/survey/forms/conformance): every one loads and passes check_form."""

from pathlib import Path

import pytest

from bot.survey.cli import check_form
from bot.survey.loader import load_form

CONFORMANCE = Path(__file__).parent / "forms" / "conformance"
FILES = sorted(CONFORMANCE.glob("*.xls*"))


def test_the_conformance_forms_are_in_the_project():
    """The fixtures travel with the project: a missing file fails here, it never turns tests into skips."""
    assert len(FILES) == 9, [path.name for path in FILES]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_conformance_form_loads(path):
    """Each public form loads; what the engine cannot ask is listed, not fatal."""
    form = load_form(path)
    code, text = check_form(path)
    assert code == 0, text
    assert "Unsupported:" in text
    assert any(node.type != "calculate" for node in form.iter_nodes())


def test_unsupported_parts_of_conformance_forms_are_reported():
    """External-file choices, photos, GPS and loops are named as unsupported."""
    reasons = {node.unsupported for path in FILES for node in load_form(path).unsupported_nodes()}
    assert {"type 'photo'", "type 'geopoint'", "type 'loop'"} <= reasons
    assert any("external file" in reason for reason in reasons)
