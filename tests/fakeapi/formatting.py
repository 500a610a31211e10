"""Minimal Telegram HTML parse_mode emulation (text + MessageEntity list).

Only what the fake needs: strips the supported tags, unescapes entities and
produces ``MessageEntity`` dicts with UTF-16 offsets, and rejects malformed
markup with the same kind of "can't parse entities" error Telegram returns, so
a bot that forgets to escape user input fails in tests as it would in
production.  Markdown / MarkdownV2 are not emulated (text is kept verbatim).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_SUPPORTED = set(_SIMPLE) | {"a", "span", "tg-emoji"}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class EntityParseError(ValueError):
    """Raised for markup Telegram would reject; str() is the API description."""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._pos = 0  # UTF-16 units emitted so far
        self.stack: list[tuple[str, int, dict[str, Any] | None]] = []
        self.entities: list[dict[str, Any]] = []

    def _fail(self, msg: str) -> None:
        raise EntityParseError(f"Bad Request: can't parse entities: {msg}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag not in _SUPPORTED:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._pos}')
        entity: dict[str, Any] | None
        if tag == "a":
            href = a.get("href", "")
            entity = {"type": "text_link", "url": href} if href else None
        elif tag == "span":
            if a.get("class") != "tg-spoiler":
                self._fail(f'Tag "span" must have class "tg-spoiler" at byte offset {self._pos}')
            entity = {"type": "spoiler"}
        elif tag == "tg-emoji":
            entity = {"type": "custom_emoji", "custom_emoji_id": a.get("emoji-id", "0")}
        elif tag == "blockquote" and "expandable" in a:
            entity = {"type": "expandable_blockquote"}
        elif tag == "code" and self.stack and self.stack[-1][0] == "pre" and a.get("class", "").startswith("language-"):
            # <pre><code class="language-x"> -> a single pre entity with language
            pre_entity = self.stack[-1][2]
            if pre_entity is not None:
                pre_entity["language"] = a["class"][len("language-") :]
            entity = None
        else:
            entity = {"type": _SIMPLE[tag]}
        self.stack.append((tag, self._pos, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._fail(f'Unsupported start tag "br" at byte offset {self._pos}')
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self._fail(f"Unexpected end tag at byte offset {self._pos}")
        open_tag, start, entity = self.stack.pop()
        if open_tag != tag:
            self._fail(f'Unmatched end tag at byte offset {self._pos}, expected "</{open_tag}>", found "</{tag}>"')
        length = self._pos - start
        if entity is not None and length > 0:
            self.entities.append({**entity, "offset": start, "length": length})

    def handle_data(self, data: str) -> None:
        self.out.append(data)
        self._pos += utf16_len(data)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        parser._fail(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"')
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    # Field order like Telegram: type, offset, length, extras
    ordered = []
    for e in entities:
        extra = {k: v for k, v in e.items() if k not in ("type", "offset", "length")}
        ordered.append({"type": e["type"], "offset": e["offset"], "length": e["length"], **extra})
    return "".join(parser.out), ordered


def format_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]] | None]:
    """Return (plain text, entities or None) for a text/caption + parse_mode pair."""
    if isinstance(entities, list) and entities:
        return text, entities
    if parse_mode and parse_mode.lower() == "html":
        plain, ents = parse_html(text)
        return plain, (ents or None)
    return text, None
