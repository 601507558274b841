"""Telegram HTML helpers: escaping, splitting long messages, rendering to plain terminal text."""

from __future__ import annotations

import html
import re

__all__ = ["MESSAGE_LIMIT", "escape", "split_message", "to_plain_text", "visible_length"]

# Telegram rejects messages whose text, once the HTML is parsed, is over 4,096 UTF-16 code units
# (tags count nothing, an entity such as &amp; counts one). Stay a little under.
MESSAGE_LIMIT = 4000

_TOKEN = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;|\n|[^<&\n]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z0-9\-]+)[^>]*>")


def escape(text: str) -> str:
    """Escape user input for HTML parse mode (``<``, ``>``, ``&`` and quotes)."""
    return html.escape(text, quote=True)


def _weight(token: str) -> int:
    """What a token counts towards Telegram's limit: its parsed text in UTF-16 code units."""
    if token.startswith("<") and token.endswith(">"):
        return 0
    if token.startswith("&") and token.endswith(";") and len(token) > 2:
        return len(html.unescape(token).encode("utf-16-le")) // 2
    return len(token.encode("utf-16-le")) // 2


def visible_length(text: str) -> int:
    """The length Telegram counts for this HTML: tags are free, entities count as their text."""
    return sum(_weight(token) for token in _TOKEN.findall(text))


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML into chunks of at most ``limit`` visible characters (as Telegram counts them),
    never inside a tag or entity.

    Tags open at a split are closed at the end of the chunk and reopened at the start of the next,
    so every chunk is valid HTML on its own. Splits prefer line breaks.

    Args:
        text: HTML in Telegram's subset.
        limit: the maximum length of one chunk.

    Returns:
        The chunks, in order; one chunk if the text fits.
    """
    if visible_length(text) <= limit:
        return [text]
    tokens = _tokens(text, limit // 4)
    chunks: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
    current: list[str] = []
    size = 0
    last_break: int | None = None  # index in `current` just after the last newline
    break_tags: list[tuple[str, str]] = []

    def closing(tags: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(tags))

    for token in tokens:
        reserve = _weight(token)
        reopened = 0  # tokens at the start of `current` that only reopen tags
        while size + reserve > limit and len(current) > reopened:
            if last_break is not None and last_break > reopened:
                head, tail, tags_at_break = current[:last_break], current[last_break:], break_tags
            else:
                head, tail, tags_at_break = current, [], list(open_tags)
            chunks.append("".join(head) + closing(tags_at_break))
            current = [opening for _, opening in tags_at_break] + tail
            reopened = len(tags_at_break)
            size = sum(_weight(t) for t in current)
            last_break = None
        current.append(token)
        size += _weight(token)
        match = _TAG.fullmatch(token)
        if match:
            name = match.group(2).lower()
            if match.group(1):
                for index in range(len(open_tags) - 1, -1, -1):
                    if open_tags[index][0] == name:
                        del open_tags[index]
                        break
            else:
                open_tags.append((name, token))
        elif token == "\n":
            last_break, break_tags = len(current), list(open_tags)
    if current:
        chunks.append("".join(current))
    return [chunk for chunk in chunks if to_plain_text(chunk).strip()]


def _tokens(text: str, longest: int) -> list[str]:
    """Tags, entities, newlines and text runs no longer than ``longest``."""
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        if token[0] in "<&\n":
            tokens.append(token)
        else:
            tokens.extend(token[i : i + longest] for i in range(0, len(token), longest))
    return tokens


def to_plain_text(text: str) -> str:
    """Render Telegram HTML as terminal text: links show their address, tags go, entities decode."""
    text = re.sub(
        r'<a\s+href="([^"]*)"[^>]*>(.*?)</a>',
        lambda m: m.group(2) if m.group(1) in m.group(2) else f"{m.group(2)} ({m.group(1)})",
        text,
        flags=re.S,
    )
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)
