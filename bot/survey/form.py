"""The survey Form model: a published XLSForm version as plain, JSON-able data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

QUESTION_TYPES = {"text", "integer", "decimal", "select_one", "select_multiple", "date", "file"}
SILENT_TYPES = {"calculate"}
PROMPT_TYPES = QUESTION_TYPES | {"note"}
CONTAINER_TYPES = {"group", "repeat"}
DEFAULT_LANGUAGE_KEY = "default"

_LANGUAGE_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)\)\s*$")


class FormError(ValueError):
    """A form that cannot be loaded; str() is one line naming the sheet, row and column."""


@dataclass
class Choice:
    """One option of a choice list, with any extra columns used by choice filters."""

    name: str
    label: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    # Column `featured` = yes: a long list offers this choice as a button in the chat (the rest is typed).
    featured: bool = False


@dataclass
class Node:
    """A question, note, calculate, group or repeat of the form tree."""

    name: str
    type: str
    path: str
    label: dict[str, str] = field(default_factory=dict)
    hint: dict[str, str] = field(default_factory=dict)
    required: str = ""
    required_message: dict[str, str] = field(default_factory=dict)
    relevant: str = ""
    constraint: str = ""
    constraint_message: dict[str, str] = field(default_factory=dict)
    choice_filter: str = ""
    default: str = ""
    calculation: str = ""
    list_name: str = ""
    repeat_count: str = ""
    unsupported: str = ""
    row: int = 0
    # `bind::insop:personal` = yes in the XLSForm: the answer names the person (name, e-mail); /forget erases it.
    personal: bool = False
    children: list[Node] = field(default_factory=list)

    @property
    def is_container(self) -> bool:
        """Whether this node holds other nodes (group or repeat)."""
        return self.type in CONTAINER_TYPES

    def iter_nodes(self) -> Iterator[Node]:
        """Yield this node's descendants in document order."""
        for child in self.children:
            yield child
            yield from child.iter_nodes()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        """Rebuild a node (and its children) from to_dict() output."""
        values = dict(data)
        values["children"] = [cls.from_dict(child) for child in values.get("children", [])]
        return cls(**values)


@dataclass
class Form:
    """A loaded XLSForm: settings, question tree and choice lists."""

    form_id: str
    title: str
    version: str
    default_language: str
    languages: list[str]
    root_name: str
    children: list[Node]
    choices: dict[str, list[Choice]]

    def to_dict(self) -> dict[str, Any]:
        """Return the form as JSON-able data, for storing a published version."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Form:
        """Rebuild a form from to_dict() output without the original file."""
        values = dict(data)
        values["children"] = [Node.from_dict(child) for child in values["children"]]
        values["choices"] = {
            list_name: [Choice(**choice) for choice in choices] for list_name, choices in values["choices"].items()
        }
        return cls(**values)

    def iter_nodes(self) -> Iterator[Node]:
        """Yield every node of the form in document order."""
        for child in self.children:
            yield child
            yield from child.iter_nodes()

    def node_by_path(self) -> dict[str, Node]:
        """Map each node's path (names joined by '/') to the node."""
        return {node.path: node for node in self.iter_nodes()}

    def find_node(self, name: str) -> Node | None:
        """Find a node by its name or path."""
        for node in self.iter_nodes():
            if node.name == name or node.path == name:
                return node
        return None

    def unsupported_nodes(self) -> list[Node]:
        """List questions the engine cannot ask (they are skipped when run)."""
        return [node for node in self.iter_nodes() if node.unsupported]

    def resolve_language(self, lang: str | None) -> str:
        """Pick the form language for a code like 'fr' or a name like 'French (fr)'."""
        if lang:
            wanted = lang.strip().lower().replace("_", "-")
            for language in self.languages:
                if language.lower() == wanted or language_code(language) == wanted:
                    return language
            base = wanted.split("-")[0]
            for language in self.languages:
                code = language_code(language)
                if code and code.split("-")[0] == base:
                    return language
                if english_language_name(base) and language.lower() == english_language_name(base):
                    return language
        return self.default_language

    def text(self, translations: dict[str, str], lang: str | None) -> str:
        """Return a text in the language, falling back to the default language, never blank."""
        if not translations:
            return ""
        for key in (self.resolve_language(lang), self.default_language, DEFAULT_LANGUAGE_KEY):
            value = translations.get(key)
            if value:
                return value
        return next((value for value in translations.values() if value), "")


def language_code(language: str) -> str:
    """Return the code in 'French (fr)', or '' when the column names no code."""
    match = _LANGUAGE_CODE.search(language)
    return match.group(1).lower().replace("_", "-") if match else ""


def english_language_name(code: str) -> str:
    """Return the lower-case English name of a language code ('fr' -> 'french'), or ''."""
    try:
        from babel import Locale

        return (Locale.parse(code).get_language_name("en") or "").lower()
    except Exception:  # babel raises several types for unknown codes
        return ""
