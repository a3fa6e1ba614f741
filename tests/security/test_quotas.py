"""The daily quota holds against replays, double submits and the regenerate button."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emojiforge.store.sqlite import SQLiteJobStore
from emojiforge.webhook import Webhook
from emojiforge.wiring import build_queues, build_store, build_webhook
from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import TEAM, USER, interaction, signed, slash_command, submission

QUOTA = 3
BOB = "U0BOB"


class System:
    def __init__(self, tmp_path: Path, slack: FakeSlack) -> None:
        settings = make_settings(tmp_path, slack, EMOJIFORGE_DAILY_QUOTA=str(QUOTA))
        self.queue, self.dead_letter = build_queues(settings)
        store = build_store(settings)
        assert isinstance(store, SQLiteJobStore)
        self.store = store
        self.webhook: Webhook = build_webhook(settings, queue=self.queue, store=store)
        self.slack = slack
        self.webhook.handle(signed(slash_command("ship it")))
        self.view = slack.calls_to("views.open")[-1].params["view"]

    def submit(self, view_id: str, user: str = USER) -> str:
        response = self.webhook.handle(signed(submission(self.view, view_id=view_id, user=user)))
        assert response.status == 200
        return str(json.loads(response.body)["response_action"])

    def regenerate(self, job_id: str, action_ts: str, user: str = USER) -> str:
        """Click "Regenerate"; returns what the clicker was told."""
        key = f"{job_id}-{action_ts}-{user}"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user},
            "trigger_id": "trig-act",
            "channel": {"id": "C0GENERAL"},
            "response_url": self.slack.response_url(key),
            "actions": [
                {
                    "action_id": "emoji_regenerate",
                    "value": job_id,
                    "action_ts": action_ts,
                    "block_id": "b",
                    "type": "button",
                }
            ],
        }
        assert self.webhook.handle(signed(interaction(payload))).status == 200
        [told] = [p["text"] for k, p in self.slack.response_posts if k == key][-1:]
        return str(told)

    def jobs_of(self, user: str) -> int:
        return len(self.store.list(user_id=user, limit=1000))

    def queued(self) -> int:
        return sum(self.queue.approximate_depth())


@pytest.fixture
def system(tmp_path: Path, fake_slack: FakeSlack) -> System:
    return System(tmp_path, fake_slack)


def test_replaying_a_submission_costs_nothing_and_queues_nothing(system):
    assert system.submit("V1") == "update"
    for _ in range(5):
        assert system.submit("V1") == "update"
    assert system.jobs_of(USER) == 1
    assert system.queued() == 1
    # The replays spent nothing: the rest of the quota is still there.
    assert system.submit("V2") == "update"
    assert system.submit("V3") == "update"
    assert system.submit("V4") == "errors"
    assert system.jobs_of(USER) == QUOTA


def test_regenerate_counts_against_the_quota_and_a_replayed_click_counts_once(system):
    system.submit("V1")
    assert "another" in system.regenerate("job_V1", "1733300001.000100")
    assert "another" in system.regenerate("job_V1", "1733300001.000100")  # replayed click
    assert system.jobs_of(USER) == 2
    assert "another" in system.regenerate("job_V1", "1733300002.000100")
    assert "limit" in system.regenerate("job_V1", "1733300003.000100")
    assert system.submit("V2") == "errors"
    assert system.jobs_of(USER) == QUOTA
    assert system.queued() == QUOTA


def test_regenerating_someone_elses_emoji_spends_the_clickers_quota(system):
    system.submit("V1")
    for n in range(QUOTA):
        system.regenerate("job_V1", f"1733300010.00010{n}", user=BOB)
    assert "limit" in system.regenerate("job_V1", "1733300020.000100", user=BOB)
    assert system.jobs_of(BOB) == QUOTA
    assert system.jobs_of(USER) == 1  # Alice's quota is untouched
    assert system.submit("V2") == "update"


def new_job_after(system: System, job_id: str, action_ts: str, user: str) -> str:
    before = {r.job_id for r in system.store.list(limit=1000)}
    assert "another" in system.regenerate(job_id, action_ts, user=user)
    [created] = {r.job_id for r in system.store.list(limit=1000)} - before
    assert len(created) <= 128  # still a valid id on the wire and in SQS
    return created


def test_two_clicks_on_a_deeply_regenerated_emoji_are_two_jobs(system):
    system.submit("V1")
    job_id = "job_V1"
    for depth in range(7):  # Regenerate on the message of the previous regenerate
        job_id = new_job_after(system, job_id, f"17333000{depth:02d}.000100", f"U0DEPTH{depth}")
    first = new_job_after(system, job_id, "1733300100.000100", "U0CLICK1")
    second = new_job_after(system, job_id, "1733300200.000200", "U0CLICK2")
    assert first != second
