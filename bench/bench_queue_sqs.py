"""Throughput of the SQS queue adapter against moto's server over loopback.

Run with ``python -m bench.bench_queue_sqs``. Each message is sent, received
and deleted before the next, as when a worker keeps up with the webhook: moto
scans its whole queue on every call, so letting messages pile up (as
``bench.bench_queue`` does) would measure moto's growing queue rather than the
adapter. The figures are the adapter plus boto3 plus one loopback HTTP round
trip per call, not SQS: real SQS adds network latency and caps a FIFO queue at
300 calls/s per action without high-throughput mode. ``ratio_to_sqlite``
compares the round trip with the embedded queue's (``bench.bench_queue``).
"""

from __future__ import annotations

import logging
import time
import uuid

import boto3
from moto.server import ThreadedMotoServer

from bench import bench_queue
from emojiforge.queues.sqs import SQSQueue, create_fifo_queues

GROUPS = bench_queue.GROUPS


def run(n: int = 300) -> dict[str, float]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        figures = _measure(f"http://{host}:{port}", n)
    finally:
        server.stop()
    sqlite_round_trip = bench_queue.run(n)["round_trip_msg_per_s"]
    figures["ratio_to_sqlite"] = figures["round_trip_msg_per_s"] / sqlite_round_trip
    return figures


def _measure(endpoint_url: str, n: int) -> dict[str, float]:
    # Explicit dummy credentials: the bench must never reach a real account.
    client = boto3.client(
        "sqs",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    main_url, _ = create_fifo_queues(client, f"bench-{uuid.uuid4().hex[:8]}")
    queue = SQSQueue(client, main_url)
    sending = consuming = 0.0
    for i in range(n):
        started = time.perf_counter()
        queue.send(f'{{"job_id": "job_{i}"}}', group_id=f"U{i % GROUPS}", dedup_id=f"job_{i}")
        sent = time.perf_counter()
        [message] = queue.receive()
        queue.delete(message.receipt)
        sending += sent - started
        consuming += time.perf_counter() - sent
    if queue.approximate_depth() != (0, 0):
        raise RuntimeError("the bench left messages on the queue")
    return {
        "messages": float(n),
        "send_msg_per_s": n / sending,
        "receive_delete_msg_per_s": n / consuming,
        "round_trip_msg_per_s": n / (sending + consuming),
    }


if __name__ == "__main__":
    # moto's server logs every request; the figures are the output here.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    for name, value in run().items():
        print(f"{name:>26}: {value:,.2f}")
