"""Quotas against a real store: the workspace image budget, and what is free."""

from __future__ import annotations

import pytest

from emojiforge.jobs import EmojiSpec, Job
from emojiforge.quotas import QuotaExceeded, QuotaLimits, enforce
from emojiforge.store.sqlite import SQLiteJobStore

NOW = 1_796_400_000.0
BUDGET = QuotaLimits(workspace_monthly_budget_usd=0.02, price_per_image_usd=0.009)


def job(job_id: str, *, style: str = "cartoon", options: int = 1, provider: str = "openai"):
    return Job(
        job_id=job_id,
        correlation_id="req_1",
        user_id="U1",
        channel_id=None,
        team_id="T1",
        emoji_spec=EmojiSpec(description="taco", style=style, options=options, provider=provider),
        timestamp="2026-12-04T10:00:00Z",
    )


@pytest.fixture
def store(tmp_path):
    opened = SQLiteJobStore(tmp_path / "jobs.sqlite3")
    yield opened
    opened.close()


def test_a_monthly_budget_buys_whole_images_at_the_models_price(store):
    assert BUDGET.workspace_monthly_images == 2
    enforce(store, BUDGET, job("job_a", options=2), NOW)  # both images of the budget
    with pytest.raises(QuotaExceeded) as refused:
        enforce(store, BUDGET, job("job_b"), NOW)
    assert "image budget" in refused.value.message
    enforce(store, BUDGET, job("job_a", options=2), NOW)  # a replay is not charged again


def test_text_emoji_and_offline_jobs_never_spend_the_budget(store):
    enforce(store, BUDGET, job("job_a", options=2), NOW)
    enforce(store, BUDGET, job("job_text", style="text"), NOW)
    enforce(store, BUDGET, job("job_offline", provider="offline"), NOW)
