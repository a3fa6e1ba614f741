"""Taking a job in: quota, record, enqueue — the same for Slack and the playground.

Idempotent by job id: a retried or double submission records nothing new, is
not counted twice against the quota, and is de-duplicated by the queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from emojiforge.jobs import Job, parse_job
from emojiforge.metrics import Metrics, NoMetrics
from emojiforge.queues.base import Queue
from emojiforge.quotas import QuotaExceeded, QuotaLimits, enforce

__all__ = ["JobIntake", "QuotaExceeded"]
from emojiforge.store.base import JobStore


class JobIntake:
    def __init__(
        self,
        queue: Queue,
        store: JobStore,
        *,
        limits: QuotaLimits,
        clock: Callable[[], float] = time.time,
        metrics: Metrics | None = None,
    ) -> None:
        self.queue = queue
        self.store = store
        self.limits = limits
        self.clock = clock
        self.metrics = metrics or NoMetrics()

    def submit(self, job: Job) -> bool:
        """Queue ``job``; True when it is new, False for a repeat of one we have.

        The job is checked by the same parser the worker uses, so a job the
        worker would refuse is refused here, where the person can be told.
        """
        body = job.to_json()
        parse_job(body)
        now = self.clock()
        enforce(self.store, self.limits, job, now)
        created = self.store.create(
            job_id=job.job_id,
            correlation_id=job.correlation_id,
            user_id=job.user_id,
            team_id=job.team_id,
            spec=job.to_dict(),
            at=now,
            then="queued",
        )
        # Sent even for a repeat: if an earlier attempt died between recording
        # and sending, this completes it; the queue drops a true duplicate.
        self.queue.send(
            body,
            group_id=job.group_id,
            dedup_id=job.job_id,
            attributes={"correlation_id": job.correlation_id, "job_id": job.job_id},
        )
        if created:
            self.metrics.count("JobsQueued")
        return created
