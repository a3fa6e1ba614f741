"""Emoji kept where Slack can fetch them, for ``admin.emoji.add``.

``admin.emoji.add`` takes a URL, not bytes. Where emoji can be added by API,
delivery keeps the emoji (in a folder the local server serves, or in S3) and
hands Slack a short-lived link to it. A several-option job keeps every option
and records the keys on its timeline (event ``options-kept``): a person may pick
one long after any link made at delivery has expired, so a pick reads the key
back and makes a fresh link. Pure apart from the implementations' own storage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from emojiforge.images.model import Emoji
    from emojiforge.store.base import JobRecord

KEPT_EVENT = "options-kept"


class KeptOptions(Protocol):
    def keep(self, job_id: str, index: int, name: str, emoji: Emoji) -> str:
        """Store one option; return the key it can be found under."""
        ...

    def url(self, key: str) -> str:
        """A fresh URL Slack can fetch the kept option from, for a few minutes."""
        ...


@dataclass(frozen=True)
class KeptOption:
    name: str  # the name delivery gave it (checked against the workspace then)
    key: str


def kept_detail(options: list[tuple[int, str, str]]) -> dict[str, Any]:
    """The ``options-kept`` event's detail for (index, name, key) triples."""
    return {"options": [{"index": i, "name": name, "key": key} for i, name, key in options]}


def kept_option(record: JobRecord | None, index: int) -> KeptOption | None:
    """Option ``index`` of the job ``record``, if delivery kept it."""
    events = record.events if record else ()
    for event in reversed(events):
        if event.status == KEPT_EVENT:
            for option in event.detail.get("options") or ():
                if isinstance(option, Mapping) and option.get("index") == index:
                    return KeptOption(name=str(option["name"]), key=str(option["key"]))
    return None
