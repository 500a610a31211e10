"""The full vocabulary is built once (2-3 s) and read back from its cache file after that (about 0.1 s)."""

import logging
import marshal
from pathlib import Path

import babel
import pytest

from bot.lookup import vocabulary


@pytest.fixture(scope="module")
def small():
    """A real vocabulary built quickly (the UI languages' country names only): what the builder gives here."""
    return vocabulary.build_vocabulary(all_locales=False)


@pytest.fixture
def builds(monkeypatch, small) -> list[bool]:
    """Each build of the full vocabulary, recorded; it gives `small`."""
    calls: list[bool] = []

    def build(all_locales: bool = True):
        calls.append(all_locales)
        return small

    monkeypatch.setattr(vocabulary, "build_vocabulary", build)
    return calls


def test_it_is_built_once_and_read_back_the_same(tmp_path, builds, small):
    first = vocabulary.cached_vocabulary(tmp_path, write=True)
    again = vocabulary.cached_vocabulary(tmp_path, write=True)
    assert builds == [True]
    assert first is small and again == small and again is not small
    assert [path.name for path in tmp_path.iterdir()] == [f"vocabulary.{vocabulary._cache_key()}.marshal"]
    # The names that mean the same share one meaning dict, as when it was built (memory: a few hundred dicts
    # instead of thousands).
    shared = {id(meanings) for meanings in again.exact.values()}
    assert len(shared) == len({id(meanings) for meanings in small.exact.values()}) < len(again.exact) / 5


def test_a_new_babel_builds_it_again_and_removes_the_old_file(tmp_path, builds, monkeypatch):
    vocabulary.cached_vocabulary(tmp_path, write=True)
    old = set(tmp_path.iterdir())
    monkeypatch.setattr(babel, "__version__", "0.0.1")  # other CLDR data: other names
    vocabulary.cached_vocabulary(tmp_path, write=True)
    vocabulary.cached_vocabulary(tmp_path, write=True)
    assert builds == [True, True]
    assert len(set(tmp_path.iterdir())) == 1 and not old & set(tmp_path.iterdir())


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal at all",
        b"\xfb\x00",
        marshal.dumps({"exact": 1}),
        marshal.dumps([]),
        marshal.dumps(dict.fromkeys(vocabulary._FIELD_TYPES, "")),  # every field, of the wrong type
    ],
    ids=["empty", "text", "truncated", "one-field", "a-list", "wrong-types"],
)
def test_a_damaged_file_is_built_again_and_replaced(tmp_path, builds, small, caplog, content):
    path = tmp_path / f"vocabulary.{vocabulary._cache_key()}.marshal"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger=vocabulary.log.name):
        assert vocabulary.cached_vocabulary(tmp_path, write=True) is small
    assert "building the vocabulary again" in caplog.text
    assert vocabulary.cached_vocabulary(tmp_path, write=True) == small
    assert builds == [True]


def test_a_directory_that_cannot_be_written_only_means_building(tmp_path, builds, small):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    assert vocabulary.cached_vocabulary(not_a_directory, write=True) is small
    assert vocabulary.cached_vocabulary(not_a_directory, write=True) is small
    assert builds == [True, True]
    assert [path.name for path in tmp_path.iterdir()] == ["file"]


def test_like_bytecode_it_is_read_anywhere_but_written_only_when_python_writes_bytecode(tmp_path, builds, monkeypatch):
    monkeypatch.setattr(vocabulary.sys, "dont_write_bytecode", True)  # PYTHONDONTWRITEBYTECODE=1
    vocabulary.cached_vocabulary(tmp_path)
    assert builds == [True] and not list(tmp_path.iterdir())
    vocabulary.cached_vocabulary(tmp_path, write=True)  # written by a process that writes bytecode
    vocabulary.cached_vocabulary(tmp_path)
    assert builds == [True, True]  # read, though this process writes none
    monkeypatch.setattr(vocabulary.sys, "dont_write_bytecode", False)
    vocabulary.cached_vocabulary(tmp_path / "other")
    assert (tmp_path / "other").is_dir()


def test_under_a_pycache_prefix_it_goes_where_the_packages_bytecode_goes(tmp_path, monkeypatch):
    import importlib.util

    monkeypatch.setattr(vocabulary.sys, "pycache_prefix", str(tmp_path))
    bytecode = Path(importlib.util.cache_from_source(vocabulary.__file__))
    assert vocabulary._cache_directory() == bytecode.parent
    monkeypatch.setattr(vocabulary.sys, "pycache_prefix", None)
    assert vocabulary._cache_directory() == Path(vocabulary.__file__).resolve().parent / "__pycache__"
