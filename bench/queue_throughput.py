"""Figure 7: queue send + receive + delete, embedded (SQLite) and on moto's SQS server.

Reuses ``bench.bench_queue`` and ``bench.bench_queue_sqs``; both sides run in
this invocation, medians over a few repeats, and the ratio is printed. A lost
or extra message is a correctness failure (the benches raise on it).
"""

from __future__ import annotations

import logging
import statistics

from bench import bench_queue, bench_queue_sqs
from bench.table import GroupResult, Row, at_least

EMBEDDED_RUNS = 5
EMBEDDED_MESSAGES = 2000
SQS_RUNS = 3
SQS_MESSAGES = 200


def run(context: dict[str, float]) -> GroupResult:
    result = GroupResult()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    try:
        embedded = [bench_queue.run(EMBEDDED_MESSAGES) for _ in range(EMBEDDED_RUNS)]
        sqs = [bench_queue_sqs.run(SQS_MESSAGES) for _ in range(SQS_RUNS)]
    except RuntimeError as error:  # a lost or leftover message
        result.check(False, f"queue: {error}")
        return result
    local = statistics.median(r["round_trip_msg_per_s"] for r in embedded)
    local_cpu = statistics.median(r["cpu_round_trip_msg_per_s"] for r in embedded)
    moto = statistics.median(r["round_trip_msg_per_s"] for r in sqs)
    result.figures.update(
        {
            "embedded_round_trip_msg_per_s": local,
            "embedded_send_msg_per_s": statistics.median(r["send_msg_per_s"] for r in embedded),
            "embedded_cpu_round_trip_msg_per_s": local_cpu,
            "moto_sqs_round_trip_msg_per_s": moto,
            "embedded_to_moto_sqs_ratio": local / moto,
        }
    )
    result.rows.append(
        at_least(
            "Embedded queue send+receive+delete",
            f"{local:,.0f} msg/s (CPU-bound rate {local_cpu:,.0f})",
            local,
            bench_queue.TARGET_MSG_PER_S,
            "msg/s",
        )
    )
    result.rows.append(
        Row(
            "  same on moto's SQS server (loopback)",
            f"{moto:,.0f} msg/s; embedded is {local / moto:.1f}x faster",
        )
    )
    return result
