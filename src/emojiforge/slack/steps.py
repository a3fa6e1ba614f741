"""Idempotent delivery steps: each side effect runs at most once per job.

The queue delivers at least once, so a job can come back after a crash or a
lost ack. Each side effect (upload, message, reaction, …) is a named step; its
outcome is recorded after it succeeds (``put_once`` under ``<job_id>:<step>``,
plus an event of that name on the job's timeline) and a recorded step is not
run again: its recorded outcome is returned instead.

The ``JobStore`` protocol can write a ``put_once`` key but not read one back,
so the steps already done are read from the timeline; ``put_once`` still
catches two deliveries of the same job racing each other.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from emojiforge.kept_options import KEPT_EVENT
from emojiforge.store.base import JobStore

log = logging.getLogger(__name__)

Step = dict[str, Any]

STEP_NAMES = frozenset(
    {
        "upload",
        KEPT_EVENT,
        "emoji-added",
        "message",
        "reaction",
        "pick-notice",
        "failure-notice",
    }
)


class JobSteps:
    """The steps of one job, as recorded when it was loaded."""

    def __init__(self, store: JobStore, job_id: str, clock: Callable[[], float]) -> None:
        self._store = store
        self._job_id = job_id
        self._clock = clock
        record = store.get(job_id)
        self._done: dict[str, Step] = {
            event.status: dict(event.detail)
            for event in (record.events if record else ())
            if event.status in STEP_NAMES
        }

    def once(self, step: str, action: Callable[[], Step]) -> Step:
        """Run ``action`` unless ``step`` is already done; either way, its outcome."""
        if step in self._done:
            return self._done[step]
        outcome = action()
        at = self._clock()
        earlier = self._store.put_once(f"{self._job_id}:{step}", json.dumps(outcome), at=at)
        if earlier is not None:
            # Another delivery of this job finished the step first: keep its outcome.
            log.warning("step %s of job %s ran twice (racing deliveries)", step, self._job_id)
            outcome = dict(json.loads(earlier))
        else:
            self._store.update(self._job_id, step, at=at, detail=outcome)
        self._done[step] = outcome
        return outcome
