"""Delivery for playground jobs: keep the emoji for the page, never call Slack.

``RoutingDelivery`` is the worker's one ``Delivery``: playground jobs go to
``PlaygroundDelivery``, every other job to Slack (when Slack is configured).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emojiforge.errors import DeliveryError
from emojiforge.images.model import Emoji
from emojiforge.jobs import Job
from emojiforge.kept_options import KeptOption
from emojiforge.playground import PLAYGROUND_TEAM
from emojiforge.store.base import JobStore
from emojiforge.worker import Delivery

log = logging.getLogger(__name__)

# Timeline event names the page reads back (see playground.api).
OPTIONS_EVENT = "playground-options"
NOTICE_EVENT = "failure-notice"


def is_playground(job: Job) -> bool:
    return job.team_id == PLAYGROUND_TEAM


def option_path(folder: Path, job_id: str, index: int, extension: str) -> Path:
    return folder / job_id / f"{index}.{extension}"


class PlaygroundDelivery:
    """Writes each option under ``folder/<job_id>/`` and lists them on the job's
    timeline, so the page needs only the job store and that folder."""

    def __init__(
        self, store: JobStore, folder: Path, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._store = store
        self._folder = folder
        self._clock = clock

    def progress(self, job: Job, stage: str) -> None:
        # The worker records each stage in the store, which the page polls.
        return None

    def existing_emoji_names(self, job: Job) -> set[str]:
        # Nothing to clash with: the playground has no workspace.
        return set()

    def deliver(self, job: Job, emojis: list[tuple[str, Emoji]]) -> None:
        options = []
        for index, (name, emoji) in enumerate(emojis):
            path = option_path(self._folder, job.job_id, index, emoji.extension)
            path.parent.mkdir(parents=True, exist_ok=True)
            # A redelivered job overwrites its files; the newest event wins on the page.
            path.write_bytes(emoji.data)
            options.append(
                {
                    "index": index,
                    "name": name,
                    "format": emoji.format,
                    "bytes": emoji.size,
                    "frames": emoji.frames,
                    "width": emoji.width,
                    "height": emoji.height,
                }
            )
        self._store.update(job.job_id, OPTIONS_EVENT, at=self._clock(), detail={"options": options})

    def add_picked(self, job: Job, option: KeptOption) -> str | None:
        # The page offers no pick (it downloads); a pick job here came from elsewhere.
        raise DeliveryError("no_workspace", "The playground has no workspace.", retryable=False)

    def notify_failure(self, job: Job, user_message: str) -> None:
        # The same plain-words message Slack would get, for the page to show.
        self._store.update(
            job.job_id, NOTICE_EVENT, at=self._clock(), detail={"message": user_message}
        )


class RoutingDelivery:
    """Sends each job to the delivery it belongs to."""

    def __init__(self, slack: Delivery | None, playground: PlaygroundDelivery) -> None:
        self._slack = slack
        self._playground = playground

    def _for(self, job: Job) -> Delivery:
        if is_playground(job):
            return self._playground
        if self._slack is None:
            raise DeliveryError(
                "slack_not_configured", "Slack is not configured here.", retryable=False
            )
        return self._slack

    def progress(self, job: Job, stage: str) -> None:
        self._for(job).progress(job, stage)

    def existing_emoji_names(self, job: Job) -> set[str]:
        return self._for(job).existing_emoji_names(job)

    def deliver(self, job: Job, emojis: list[tuple[str, Emoji]]) -> Any:
        return self._for(job).deliver(job, emojis)

    def add_picked(self, job: Job, option: KeptOption) -> str | None:
        return self._for(job).add_picked(job, option)

    def notify_failure(self, job: Job, user_message: str) -> None:
        if is_playground(job) or self._slack is not None:
            self._for(job).notify_failure(job, user_message)
        else:
            log.warning("job %s failed and Slack is not configured to say so", job.job_id)
