"""Golden transcripts: scripted replies -> expected steps, status and data (REGEN_GOLDEN=1 rewrites them)."""

import json
import os
from pathlib import Path

import pytest

from bot.survey.cli import dry_run
from tests.survey.scenarios import REPO, SCENARIOS

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("REGEN_GOLDEN") == "1"
NAMES = sorted(set(SCENARIOS) | {path.stem for path in GOLDEN.glob("*.json")})


def _form_path(form: str) -> Path:
    path = Path(form)
    return path if path.is_absolute() else REPO / path


@pytest.mark.parametrize("name", NAMES)
def test_golden_transcript(name):
    """The conversation a user would have is exactly the recorded one."""
    golden_file = GOLDEN / f"{name}.json"
    if REGENERATE:
        case = dict(SCENARIOS.get(name) or json.loads(golden_file.read_text(encoding="utf-8")))
        case.pop("expected", None)
        case["expected"] = dry_run(_form_path(case["form"]), case["inputs"], case["lang"])
        golden_file.write_text(json.dumps(case, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    if not golden_file.exists():
        pytest.fail(f"golden file {golden_file} is missing: run with REGEN_GOLDEN=1 to record it")
    case = json.loads(golden_file.read_text(encoding="utf-8"))
    assert _form_path(case["form"]).exists(), f"form {case['form']} is missing from the project"
    actual = dry_run(_form_path(case["form"]), case["inputs"], case["lang"])
    assert actual == case["expected"]


def test_every_scenario_has_a_golden_file():
    """A scenario added without recording its transcript fails loudly."""
    missing = [name for name in SCENARIOS if not (GOLDEN / f"{name}.json").exists()]
    assert REGENERATE or not missing, f"run REGEN_GOLDEN=1 for: {missing}"
