"""``python -m bench [group ...]``: measure, print one table, save JSON, judge correctness.

Groups run in the order below (``cost`` last: it prices what the others
measured). Targets are printed as met/MISSED and never fail the run; a failed
correctness check (an emoji over Slack's limits, a lost or duplicated job, the
webhook importing openai or Pillow) makes the exit status 1.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable

from bench import (
    cold_start,
    cost,
    emojify_speed,
    load_test,
    pipeline,
    queue_throughput,
    webhook_ack,
)
from bench.table import GroupResult, render, save

GROUPS: dict[str, Callable[[dict[str, float]], GroupResult]] = {
    "webhook": webhook_ack.run,
    "cold": cold_start.run,
    "emojify": emojify_speed.run,
    "pipeline": pipeline.run,
    "queue": queue_throughput.run,
    "load": load_test.run,
    "cost": cost.run,
}


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in GROUPS]
    if unknown:
        print(f"unknown group(s): {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
        return 2
    chosen = [name for name in GROUPS if name in argv] or list(GROUPS)
    results: dict[str, GroupResult] = {}
    measured: dict[str, float] = {}
    started = time.perf_counter()
    for name in chosen:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        group_started = time.perf_counter()
        try:
            result = GROUPS[name](measured)
        except Exception:
            # A crashed group is a failed check, but the other groups still run.
            result = GroupResult(failures=[f"{name} crashed:\n{traceback.format_exc()}"])
        result.figures[f"{name}_group_seconds"] = time.perf_counter() - group_started
        results[name] = result
        measured.update(result.figures)
    rows = [row for result in results.values() for row in result.rows]
    print(render(rows))
    path = save(results)
    print(f"\n{len(chosen)} group(s) in {time.perf_counter() - started:.0f} s; figures in {path}")
    failures = [failure for result in results.values() for failure in result.failures]
    for failure in failures:
        print(f"CORRECTNESS FAILURE: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
