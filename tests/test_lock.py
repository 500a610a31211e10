"""requirements.lock pins every dependency pyproject.toml names, each with its hashes."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _locked() -> dict[str, list[str]]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins: dict[str, list[str]] = {}
    for block in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", block)
        if match:
            pins.setdefault(canonicalize_name(match[1]), []).append(block)
    return pins


def test_every_dependency_is_pinned_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    pins = _locked()
    missing = [spec for spec in wanted if canonicalize_name(Requirement(spec).name) not in pins]
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"
    unhashed = [name for name, blocks in pins.items() for block in blocks if "--hash=sha256:" not in block]
    assert not unhashed, f"pinned without a hash: {unhashed}"


def test_pinned_versions_satisfy_pyproject():
    """A hand edit of pyproject.toml without `make lock` is caught here, not on a user's machine."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _locked()
    wrong = []
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        for block in pins[canonicalize_name(requirement.name)]:
            version = re.match(r"\S+==(\S+)", block)[1]
            if version not in requirement.specifier:
                wrong.append(f"{requirement.name}=={version} does not satisfy {spec}")
    assert not wrong, wrong
