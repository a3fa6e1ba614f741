"""One fresh Lambda container, run as a subprocess by ``bench.cold_start``.

    python -m bench.cold_child webhook|worker RESULT_FILE  < events.json

Imports the handler, answers each event in turn (the first is the cold one),
and writes timings plus what got imported to RESULT_FILE. Nothing else is
imported before the handler, so the import time is the handler's own.
"""

import time

BEFORE_ANYTHING = time.perf_counter()

import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from contextlib import ExitStack, redirect_stdout  # noqa: E402

HANDLERS = {
    "webhook": "emojiforge.aws.webhook_handler",
    "worker": "emojiforge.aws.worker_handler",
}
# The webhook must never load these (Slack's trigger_id dies 3 s after a click).
HEAVY = ("openai", "PIL")


def main() -> None:
    kind, result_file = sys.argv[1], sys.argv[2]
    events = json.load(sys.stdin)
    before_import, cpu_before_import = time.perf_counter(), time.process_time()
    handler = importlib.import_module(HANDLERS[kind]).handler
    imported = time.perf_counter()
    durations, answers, counted = [], [], None
    first_answered_at = cpu_to_first_answer = 0.0
    # Powertools writes EMF metrics to stdout; they are not the figures.
    with open(os.devnull, "w") as sink, redirect_stdout(sink), ExitStack() as later:
        for index, event in enumerate(events):
            if index == 1:
                # Counted on a warm invocation only: importing the counter
                # (botocore) earlier would blur the cold import figure.
                from bench.api_calls import counting

                counted = later.enter_context(counting())
            started = time.perf_counter()
            answers.append(handler(event, None))
            durations.append((time.perf_counter() - started) * 1000)
            if index == 0:
                first_answered_at = time.time()
                # CPU time as well: on a busy machine wall time includes others' work.
                cpu_to_first_answer = time.process_time() - cpu_before_import
    result = {
        "startup_ms": (before_import - BEFORE_ANYTHING) * 1000,
        "import_ms": (imported - before_import) * 1000,
        "first_ms": durations[0],
        "cpu_import_plus_first_ms": cpu_to_first_answer * 1000,
        "warm_ms": durations[1:],
        "spawn_to_first_answer_ms": (first_answered_at - float(os.environ["BENCH_SPAWNED_AT"]))
        * 1000,
        "answers": answers,
        "heavy_imported": [name for name in HEAVY if name in sys.modules],
        "aws_calls_warm": counted.as_dict() if counted else None,
    }
    with open(result_file, "w") as out:
        json.dump(result, out, default=str)


if __name__ == "__main__":
    main()
