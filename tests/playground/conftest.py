"""The local server as ``emojiforge serve`` wires it, playground included, on port 0."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from emojiforge.queues.base import Queue
from emojiforge.runner import QueueRunner
from emojiforge.server import LocalServer
from emojiforge.settings import Settings
from emojiforge.store.base import JobStore
from emojiforge.wiring import (
    build_playground,
    build_queues,
    build_store,
    build_webhook,
    build_worker,
)


@dataclass
class Playground:
    url: str
    settings: Settings
    store: JobStore
    queue: Queue
    runner: QueueRunner

    @property
    def origin(self) -> dict[str, str]:
        """Headers a same-origin fetch from the page carries."""
        return {"Origin": self.url, "Content-Type": "application/json"}


@contextmanager
def running_playground(
    tmp_path: Path, *, env: Mapping[str, str] | None = None, worker_threads: bool = True
) -> Iterator[Playground]:
    """``worker_threads=False`` leaves jobs on the queue until the test drains
    it, so a test can see a job waiting without relying on timing."""
    settings = Settings.from_env({"EMOJIFORGE_DATA_DIR": str(tmp_path / "data"), **(env or {})})
    queue, dead_letter = build_queues(settings)
    store = build_store(settings)
    webhook = None
    if settings.slack_signing_secret:
        webhook = build_webhook(settings, queue=queue, store=store)
    runner = QueueRunner(queue, dead_letter, build_worker(settings, store=store), wait_s=0.1)
    playground = build_playground(settings, queue=queue, store=store, host="127.0.0.1")
    server = LocalServer(
        webhook,
        [runner] if worker_threads else [],
        port=0,
        extra_routes=playground.route,
    )
    server.start()
    try:
        yield Playground(server.url, settings, store, queue, runner)
    finally:
        server.stop()


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Playground]:
    with running_playground(tmp_path) as running:
        yield running


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    url: str,
    *,
    method: str = "GET",
    body: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    data = (
        None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    )
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers.items()), error.read())


def eventually(check: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def finished_job(playground: Playground, job_id: str) -> dict[str, Any]:
    url = f"{playground.url}/api/jobs/{job_id}"
    eventually(lambda: call(url).json()["finished"])
    job: dict[str, Any] = call(url).json()
    return job
