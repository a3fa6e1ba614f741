"""Figure 8: the reliability load test (``bench.load``: 1,000 requests, concurrency 50).

Wraps ``bench.load.run`` into rows. Lost or duplicated jobs, non-200 answers and
refused submissions are correctness failures; the ack time is a target only.
"""

from __future__ import annotations

import importlib

from bench.table import GroupResult, Row, at_most

REQUESTS = 1000
CONCURRENCY = 50
# Slack gives up after 3 s; "well under" is read as a tenth of it.
TARGET_P99_MS = 300.0
MUST_BE_ZERO = ("lost_jobs", "duplicated_jobs", "non_200", "refused_submissions")


def run(context: dict[str, float]) -> GroupResult:
    result = GroupResult()
    try:
        load = importlib.import_module("bench.load")
    except ModuleNotFoundError:
        # Slot for the reliability engineer's bench/load.py (run(n, concurrency) -> dict).
        result.rows.append(Row("Load test 1,000 req @ 50", "NOT RUN: bench/load.py is missing"))
        return result
    figures = load.run(REQUESTS, CONCURRENCY, quiet=True)
    result.figures.update({f"load_{k}": float(v) for k, v in figures.items()})
    p50, p99 = figures["ack_p50_ms"], figures["ack_p99_ms"]
    result.rows.append(
        at_most(
            f"Load test {REQUESTS:,} req @ {CONCURRENCY}, ack p99",
            f"p50 {p50:.0f} / p99 {p99:.0f} ms; {figures['throughput_rps']:.0f} req/s",
            p99,
            TARGET_P99_MS,
        )
    )
    bad = {key: figures.get(key, 0.0) for key in MUST_BE_ZERO}
    summary = ", ".join(f"{key} {value:.0f}" for key, value in bad.items())
    ok = not any(bad.values())
    result.rows.append(Row("  lost / duplicated / non-200 / refused", summary, "all 0", ok))
    result.check(ok, f"load test: {summary}")
    return result
