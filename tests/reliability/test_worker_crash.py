"""`emojiforge serve` killed with SIGKILL in the middle of a job, then started again.

The real command runs in a child process over real HTTP: signed Slack requests
in, the fake Slack and a fake OpenAI out, the embedded SQLite queue and store
in a temporary folder. The first process hangs in the image request and is
killed there, with more jobs queued behind it; the second must finish every
job, the interrupted one after its visibility timeout (6 x the worker timeout),
and the people must each receive exactly one emoji and one result message.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from emojiforge.store.sqlite import SQLiteJobStore
from tests.fakes.openai_api import FakeOpenAI, slow
from tests.fakes.slack_api import FakeSlack
from tests.security.log_scan import find_secrets
from tests.slack_payloads import SIGNING_SECRET, signed, slash_command, submission

ROOT = Path(__file__).resolve().parents[2]
WORKER_TIMEOUT_S = 1.0  # the visibility timeout is six times this
USERS = ["U0ALICE", "U0BOB", "U0CAROL"]


def until(check: Callable[[], bool], what: str, timeout_s: float = 40.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@contextmanager
def serve(
    data_dir: Path, slack: FakeSlack, openai: FakeOpenAI, log: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Run `emojiforge serve` until the block ends; yields (process, webhook URL)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EMOJIFORGE_", "SLACK_", "OPENAI_", "GEMINI_"))
    }
    env.update(
        {
            "EMOJIFORGE_DATA_DIR": str(data_dir),
            "EMOJIFORGE_OUT_DIR": str(data_dir / "out"),
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_API_URL": slack.base_url,
            "EMOJIFORGE_WORKSPACE_URL": "https://acme.slack.com",
            "OPENAI_API_KEY": openai.api_key,
            "OPENAI_BASE_URL": openai.base_url,
            "EMOJIFORGE_WORKER_TIMEOUT_S": str(WORKER_TIMEOUT_S),
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "emojiforge.cli", "serve", "--port", "0", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        url: list[str] = []

        def started() -> bool:
            assert process.poll() is None, log.read_text()
            url[:] = [
                line.split(": ", 1)[1]
                for line in log.read_text().splitlines()
                if line.startswith("Slack events: ")
            ]
            return bool(url)

        until(started, "the server to start")
        yield process, url[0]
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)


def post(url: str, body: bytes) -> dict[str, object]:
    request = signed(body)
    req = urllib.request.Request(url, data=request.body, headers=dict(request.headers))
    with urllib.request.urlopen(req, timeout=10) as response:
        assert response.status == 200
        text = response.read().decode()
    return json.loads(text) if text else {}


def make_emoji(url: str, slack: FakeSlack, user: str) -> None:
    post(url, slash_command("ship it"))
    view = slack.calls_to("views.open")[-1].params["view"]
    answer = post(url, submission(view, view_id=f"V{user}", user=user, style="cartoon"))
    assert answer["response_action"] == "update"


def test_a_killed_server_loses_no_job_and_duplicates_no_emoji(tmp_path, fake_slack):
    data = tmp_path / "data"
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with (
        FakeOpenAI(script=[slow(15)] * 5) as hanging,
        serve(data, fake_slack, hanging, logs[0]) as (first, url),
    ):
        for user in USERS:
            make_emoji(url, fake_slack, user)
        until(lambda: len(hanging.image_requests) >= 1, "the first image request")
        first.send_signal(signal.SIGKILL)  # mid-job: no cleanup of any kind
        assert first.wait(timeout=10) == -signal.SIGKILL
    assert not fake_slack.uploads
    store = SQLiteJobStore(data / "jobs.sqlite3")
    # Killed mid-job: one job was being generated, the others still queued.
    assert sorted(r.status for r in store.list()) == ["generating", "queued", "queued"]

    with FakeOpenAI() as healthy, serve(data, fake_slack, healthy, logs[1]):
        until(
            lambda: (
                all(r.status == "delivered" for r in store.list())
                and len(store.list()) == len(USERS)
            ),
            "every job to be delivered",
        )
    records = {record.user_id: record for record in store.list()}
    store.close()

    assert set(records) == set(USERS)
    # The job that was in flight was received again, by the second process.
    receives = {
        user: [e.detail["count"] for e in record.events if e.status == "receive"]
        for user, record in records.items()
    }
    assert sorted(receives.values()) == [[1], [1], [1, 2]], receives
    # Exactly one emoji and one result message per person, and no failure notice.
    assert len(fake_slack.uploads) == len(USERS)
    shared = fake_slack.calls_to("files.completeUploadExternal")
    assert len(shared) == len(USERS)
    results = [m for m in fake_slack.messages if m["method"] == "chat.postMessage"]
    assert len(results) == len(USERS)
    for user in USERS:
        assert sum(f"job_V{user}" in json.dumps(m["blocks"]) for m in results) == 1, user
    assert not fake_slack.calls_to("chat.postEphemeral")
    for log in logs:
        assert find_secrets(log.read_text()) == []
