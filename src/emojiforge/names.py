"""Emoji names: suggest one from a description, validate, resolve clashes.

Slack lower-cases emoji names and keeps them to letters, digits, ``_`` and
``-``; we enforce that up front so a name is never rejected at the last step.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from emojiforge.errors import InvalidInput

MIN_LENGTH = 2
MAX_LENGTH = 48  # leaves room for a clash suffix under Slack's ~100-character cap
_VALID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SEPARATORS = re.compile(r"[\s_\-./\\]+")
_NOT_ALLOWED = re.compile(r"[^a-z0-9_-]")
_FILLER = frozenset({"a", "an", "the", "of", "with", "and", "in", "on", "emoji"})
# Slack's own names can't be reused for a custom emoji.
_RESERVED = frozenset({"+1", "-1", "thumbsup", "thumbsdown", "smile", "heart", "fire", "tada"})


def suggest_name(description: str, *, max_words: int = 3) -> str:
    """``"Happy dance!"`` → ``"happy-dance"``. Always returns a valid name."""
    ascii_text = (
        unicodedata.normalize("NFKD", description).encode("ascii", "ignore").decode().lower()
    )
    words = [w for w in _SEPARATORS.split(_NOT_ALLOWED.sub(" ", ascii_text.replace("+", " plus ")))]
    words = [w for w in words if w]
    meaningful = [w for w in words if w not in _FILLER] or words
    for candidate_words in (meaningful, words):
        name = "-".join(candidate_words[:max_words])[:MAX_LENGTH].strip("-_")
        if len(name) >= MIN_LENGTH and name not in _RESERVED:
            return name
    return f"emoji-{name}" if name else "custom-emoji"


def validate_name(name: str) -> str:
    """Return the normalised name (surrounding colons and spaces dropped,
    lower-cased) or raise ``InvalidInput`` saying exactly what is wrong."""
    cleaned = name.strip().strip(":").strip()
    if cleaned != cleaned.lower():
        cleaned = cleaned.lower()
    if not cleaned:
        raise InvalidInput("name", "Give the emoji a name, or leave it empty for a suggestion.")
    if len(cleaned) < MIN_LENGTH:
        raise InvalidInput("name", f"Use at least {MIN_LENGTH} characters.")
    if len(cleaned) > MAX_LENGTH:
        raise InvalidInput("name", f"Use at most {MAX_LENGTH} characters.")
    bad = sorted(set(_NOT_ALLOWED.findall(cleaned)))
    if bad:
        shown = " ".join(repr(c) for c in bad[:5])
        raise InvalidInput("name", f"Only a-z, 0-9, '-' and '_' are allowed (not {shown}).")
    if not _VALID.match(cleaned):
        raise InvalidInput("name", "Start the name with a letter or a digit.")
    if cleaned in _RESERVED:
        raise InvalidInput("name", f":{cleaned}: is one of Slack's built-in emoji.")
    return cleaned


def resolve_clash(name: str, existing: Collection[str]) -> str:
    """``party`` taken → ``party-2`` (then ``-3`` …): readable and stable."""
    if name not in existing:
        return name
    base = name[: MAX_LENGTH - 4]
    for n in range(2, 1000):
        candidate = f"{base}-{n}"
        if candidate not in existing:
            return candidate
    raise InvalidInput("name", "Too many emoji already use this name; pick another.")


def option_names(name: str, count: int, existing: Collection[str]) -> list[str]:
    """Names for ``count`` options of one job, none clashing with each other
    or with the workspace: ``name``, ``name-2``, …"""
    taken = set(existing)
    names: list[str] = []
    for _ in range(count):
        chosen = resolve_clash(name, taken)
        names.append(chosen)
        taken.add(chosen)
    return names
