"""What the person on call uses: correlation ids in logs, metrics, the ops CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from emojiforge import logs
from emojiforge.cli import main
from emojiforge.metrics import LocalMetrics
from emojiforge.ops import parse_duration, redrive
from emojiforge.queues.sqlite import SQLiteQueue
from emojiforge.runner import QueueRunner
from emojiforge.wiring import build_queues, build_store, build_webhook, build_worker
from tests.conftest import LocalSystem, make_settings
from tests.slack_payloads import signed, slash_command, submission


def submit(system: LocalSystem, text: str = "ship it", view_id: str = "V0MODAL1") -> None:
    system.webhook.handle(signed(slash_command(text)))
    view = system.slack.calls_to("views.open")[-1].params["view"]
    system.webhook.handle(signed(submission(view, style="text", view_id=view_id)))


@pytest.fixture
def json_logs():
    stream = io.StringIO()
    logs.configure("INFO", stream=stream)
    yield stream
    import logging

    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_emojiforge", False):
            root.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_log_line_of_a_job_carries_its_correlation_id(local_system, json_logs):
    submit(local_system)
    local_system.runner.drain()
    record = local_system.store.list()[0]
    ours = [e for e in lines(json_logs) if e["logger"].startswith("emojiforge")]
    assert ours, "the flow logs something"
    assert all("correlation_id" in entry for entry in ours)
    worker_lines = [e for e in ours if e["logger"] == "emojiforge.worker"]
    assert worker_lines
    assert {e["correlation_id"] for e in worker_lines} == {record.correlation_id}
    assert {e.get("job_id") for e in worker_lines} == {record.job_id}


def test_a_token_in_a_log_message_is_redacted(json_logs):
    import logging

    logging.getLogger("emojiforge.test").warning("calling with xoxb-1234567890-abcdefghij")
    logging.getLogger("emojiforge.test").warning("key %s", "sk-proj-abcdefghijklmnop1234")
    text = json_logs.getvalue()
    assert "xoxb-1234567890" not in text
    assert "sk-proj-abcdefghijklmnop" not in text
    assert text.count("[redacted]") == 2


def test_metrics_count_jobs_and_time_each_stage(tmp_path, fake_slack):
    settings = make_settings(tmp_path, fake_slack)
    queue, dead_letter = build_queues(settings)
    store = build_store(settings)
    metrics = LocalMetrics()
    webhook = build_webhook(settings, queue=queue, store=store, metrics=metrics)
    runner = QueueRunner(queue, dead_letter, build_worker(settings, store=store, metrics=metrics))
    system = LocalSystem(settings, fake_slack, webhook, queue, dead_letter, store, runner)  # type: ignore[arg-type]
    submit(system)
    runner.drain()
    snapshot = metrics.snapshot()
    assert snapshot["counts"]["JobsQueued"] == 1
    assert snapshot["counts"]["JobsDelivered"] == 1
    for name in ("WebhookAckMs", "QueueWaitMs", "GenerationMs", "DeliveryMs", "EndToEndMs"):
        assert snapshot["durations_ms"][name]["count"] >= 1


def run_cli(monkeypatch, capsys, settings_env: dict[str, str], *args: str) -> tuple[int, str]:
    for key, value in settings_env.items():
        monkeypatch.setenv(key, value)
    code = main(list(args))
    return code, capsys.readouterr().out


def test_jobs_and_job_show_the_timeline(local_system, monkeypatch, capsys):
    submit(local_system)
    local_system.runner.drain()
    record = local_system.store.list()[0]
    env = {"EMOJIFORGE_DATA_DIR": str(local_system.settings.data_dir)}
    code, out = run_cli(monkeypatch, capsys, env, "jobs", "--status", "delivered", "--since", "1h")
    assert code == 0
    assert record.job_id in out
    code, out = run_cli(monkeypatch, capsys, env, "job", record.correlation_id)
    assert code == 0
    for step in ("received", "queued", "generating", "option", "delivering", "delivered"):
        assert step in out
    code, out = run_cli(monkeypatch, capsys, env, "jobs", "--status", "failed")
    assert "no jobs" in out


def test_unknown_job_is_one_readable_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EMOJIFORGE_DATA_DIR", str(tmp_path))
    assert main(["job", "job_nope"]) == 2
    assert "no job or correlation id" in capsys.readouterr().err


def dead_lettered(tmp_path: Path, count: int) -> tuple[SQLiteQueue, SQLiteQueue]:
    path = tmp_path / "q.sqlite3"
    dead = SQLiteQueue(path, "dlq")
    main_queue = SQLiteQueue(path, "jobs", max_receives=1, dead_letter=dead, visibility_timeout_s=0)
    for n in range(count):
        body = json.dumps({"job_id": f"job_{n}", "correlation_id": f"req_{n}", "user_id": "U1"})
        main_queue.send(body, group_id=f"g{n}", dedup_id=f"job_{n}")
        main_queue.receive()  # first receive: in flight, then visible again at once
    assert main_queue.receive() == []  # the second receive dead-letters them all
    return main_queue, dead


def test_redrive_moves_every_dead_letter_exactly_once(tmp_path):
    main_queue, dead = dead_lettered(tmp_path, 7)
    assert dead.approximate_depth()[0] == 7
    moved = redrive(dead, main_queue)
    assert len(moved) == 7
    assert dead.approximate_depth() == (0, 0)
    assert main_queue.approximate_depth()[0] == 7
    assert redrive(dead, main_queue) == []  # nothing left, nothing sent twice


def test_redrive_of_one_job_leaves_the_others(tmp_path):
    main_queue, dead = dead_lettered(tmp_path, 3)
    assert len(redrive(dead, main_queue, job_ids=["job_1"])) == 1
    assert dead.approximate_depth() == (2, 0)
    [message] = main_queue.receive()
    assert json.loads(message.body)["job_id"] == "job_1"


def test_dlq_cli_lists_and_redrives(local_system, monkeypatch, capsys):
    local_system.queue.send("not json", group_id="g", dedup_id="poison-1")
    local_system.runner.drain()  # poison: straight to the dead-letter queue
    env = {"EMOJIFORGE_DATA_DIR": str(local_system.settings.data_dir)}
    code, out = run_cli(monkeypatch, capsys, env, "dlq", "list")
    assert code == 0
    assert "poison" in out
    code, out = run_cli(monkeypatch, capsys, env, "dlq", "redrive")
    assert "moved 1" in out


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("1h", 3600), ("7d", 604800)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds
