"""Options kept after delivery, so a later pick can add one to the workspace.

``admin.emoji.add`` takes a URL Slack can fetch, and a person may pick an
option long after any link made at delivery has expired. So, where emoji can
be added by API, delivery stores every option of a several-option job (in a
folder the local server serves, or in S3) and records where on the job's
timeline (event ``options-kept``); a pick reads the key back and makes a
fresh link from it. Pure apart from the implementations' own storage.
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
