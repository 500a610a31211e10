"""The shipped XLSForms also load in KoboToolbox and ODK (issue 16: where Telegram is blocked, INSOP runs the
same survey on the web): pyxform converts every shipped version to an XForm without a warning, in six languages.

ODK Validate (a Java program, `pyxform_validator_update` downloads it from GitHub) is on no package registry
this project installs from, so it is not run here; pyxform's own checks are.
"""

from __future__ import annotations

import pytest
from lxml import etree
from pyxform.xls2xform import convert

from storage.seed import FORMS_DIR

XFORMS = "http://www.w3.org/2002/xforms"
SHIPPED = sorted(FORMS_DIR.glob("*.xlsx")) + sorted((FORMS_DIR / "previous").glob("*.xlsx"))
LANGUAGES = {"English (en)", "French (fr)", "Spanish (es)", "Arabic (ar)", "Chinese (zh)", "Russian (ru)"}


def test_both_current_forms_are_shipped():
    assert {path.name for path in SHIPPED} >= {"threshold_survey.xlsx", "lab_sop_survey.xlsx"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_pyxform_converts_the_form_to_an_xform_without_warnings(path):
    warnings: list[str] = []
    result = convert(xlsform=str(path), warnings=warnings)
    if path.name.endswith("_2025060101.xlsx"):
        # The first versions (2025) used `or_other`, which pyxform still converts, with untranslated "Other".
        assert all("or_other" in warning for warning in warnings), warnings
    else:
        assert warnings == [] and result.warnings == []
    root = etree.fromstring(result.xform.encode())
    instance = root.find(f".//{{{XFORMS}}}instance/*")
    assert instance is not None and instance.get("id", "").startswith("insop_") and instance.get("version")
    if "previous" not in path.parts:
        assert {node.get("lang") for node in root.iter(f"{{{XFORMS}}}translation")} == LANGUAGES
