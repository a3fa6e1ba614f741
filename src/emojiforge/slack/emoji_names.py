"""The workspace's emoji names, cached briefly (emoji.list is rate-limited
and the webhook calls it on every submission)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


class EmojiNameCache:
    def __init__(self, ttl_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self._lock = threading.Lock()
        self._names: dict[str, tuple[float, frozenset[str]]] = {}

    def names(self, client: WebClient, team_id: str | None) -> frozenset[str]:
        key = team_id or ""
        with self._lock:
            cached = self._names.get(key)
            if cached and self.clock() - cached[0] < self.ttl_s:
                return cached[1]
        try:
            response = client.emoji_list()
        except SlackApiError as error:
            # Not knowing the names must not block a submission: the worker
            # checks again and picks a free name before delivering.
            log.warning("emoji.list failed: %s", error.response.get("error"))
            return frozenset()
        names = frozenset((response.get("emoji") or {}).keys())
        with self._lock:
            self._names[key] = (self.clock(), names)
        return names

    def add(self, team_id: str | None, name: str) -> None:
        with self._lock:
            cached = self._names.get(team_id or "")
            if cached:
                self._names[team_id or ""] = (cached[0], cached[1] | {name})
