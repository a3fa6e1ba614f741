"""Quotas: per user per day, and per workspace per month (jobs and budget).

One function used by the webhook (refuse with a field error) and by the worker
(re-check before spending). Each unit is counted with a token derived from the
job id, so a replayed submission or a redelivered job never counts twice,
while a regenerate button makes a new job and counts again.

A monthly budget in USD is turned into a number of images at the configured
model's price (images are what cost money); 0 means unlimited everywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from emojiforge.errors import InvalidInput
from emojiforge.jobs import Job
from emojiforge.store.base import JobStore


class QuotaExceeded(InvalidInput):
    def __init__(self, message: str) -> None:
        super().__init__("description", message)


@dataclass(frozen=True)
class QuotaLimits:
    user_daily_jobs: int = 0
    workspace_monthly_jobs: int = 0
    workspace_monthly_budget_usd: float = 0.0
    price_per_image_usd: float = 0.0  # of the default provider; 0 when free (offline)

    @property
    def workspace_monthly_images(self) -> int:
        if self.workspace_monthly_budget_usd <= 0 or self.price_per_image_usd <= 0:
            return 0
        return max(1, math.floor(self.workspace_monthly_budget_usd / self.price_per_image_usd))


def enforce(store: JobStore, limits: QuotaLimits, job: Job, now: float) -> None:
    """Count ``job`` against every limit, or raise ``QuotaExceeded`` saying which.
    An unlimited (0) quota is not counted at all: one store write fewer per job.
    A pick is not counted either: it adds an emoji already made and paid for."""
    if job.pick is not None:
        return
    moment = datetime.fromtimestamp(now, UTC)
    team = job.team_id or "local"
    if limits.user_daily_jobs > 0 and not store.consume_quota(
        f"user:{team}:{job.user_id}",
        moment.strftime("%Y-%m-%d"),
        limits.user_daily_jobs,
        job.job_id,
    ):
        raise QuotaExceeded(
            f"You've made {limits.user_daily_jobs} emoji today, the daily limit. "
            "Try again tomorrow!"
        )
    month = moment.strftime("%Y-%m")
    if limits.workspace_monthly_jobs > 0 and not store.consume_quota(
        f"team-jobs:{team}", month, limits.workspace_monthly_jobs, job.job_id
    ):
        raise QuotaExceeded("This workspace has used this month's emoji allowance.")
    images = limits.workspace_monthly_images
    # Text emoji are drawn offline whatever the provider: they cost nothing.
    if images and job.emoji_spec.provider_for_style() != "offline":
        for option in range(job.emoji_spec.options):
            if not store.consume_quota(
                f"team-images:{team}", month, images, f"{job.job_id}:{option}"
            ):
                raise QuotaExceeded(
                    "This workspace has used this month's image budget. "
                    "Text emoji (style “Text”) still work."
                )
