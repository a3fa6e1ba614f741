"""Throughput of the embedded SQLite queue: send, then receive + delete.

Run with ``python -m bench.bench_queue``. The worker receives one message at a
time, so that is what the receive phase measures; the file is a fresh temp
file on local disk, in WAL mode as in production. CPU time is reported too:
on a shared machine wall-clock figures swing with other processes' load.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from emojiforge.queues.sqlite import SQLiteQueue

GROUPS = 50  # jobs are grouped by user; a few dozen users are active at once
TARGET_MSG_PER_S = 1_000


def run(n: int = 2000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, SQLiteQueue(Path(tmp) / "bench.db", "jobs") as queue:
        started, cpu_started = time.perf_counter(), time.process_time()
        for i in range(n):
            queue.send(f'{{"job_id": "job_{i}"}}', group_id=f"U{i % GROUPS}", dedup_id=f"job_{i}")
        sent = time.perf_counter()
        consumed = 0
        while messages := queue.receive():
            for message in messages:
                queue.delete(message.receipt)
            consumed += len(messages)
        finished, cpu_finished = time.perf_counter(), time.process_time()
    if consumed != n:
        raise RuntimeError(f"sent {n} messages but consumed {consumed}")
    figures = {
        "messages": float(n),
        "send_msg_per_s": n / (sent - started),
        "receive_delete_msg_per_s": n / (finished - sent),
        "round_trip_msg_per_s": n / (finished - started),
        "cpu_round_trip_msg_per_s": n / (cpu_finished - cpu_started),
    }
    figures["ratio_to_target"] = figures["round_trip_msg_per_s"] / TARGET_MSG_PER_S
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:>26}: {value:,.2f}")
