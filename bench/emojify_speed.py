"""Figure 5: emojify speed and the corpus share within Slack's limits.

Wraps ``bench.bench_emojify.run`` (issue 2's bench) into table rows. A corpus
output outside the limits is a correctness failure.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from bench import bench_emojify
from bench.table import GroupResult, Row, at_most


def run(context: dict[str, float]) -> GroupResult:
    result = GroupResult()
    printed = io.StringIO()
    try:
        with redirect_stdout(printed):  # its own printout; the table says the same
            figures = bench_emojify.run()
    except SystemExit:
        result.check(False, "emojify: " + printed.getvalue().strip().splitlines()[-1])
        return result
    result.figures.update(figures)
    static, gif = figures["static_1024_rgba_median_ms"], figures["gif_50_frames_median_ms"]
    frames = figures["frames_50_median_ms"]
    result.rows.append(
        at_most(
            "Emojify 1024^2 RGBA PNG, median",
            f"median {static:.1f} / p95 {figures['static_1024_rgba_p95_ms']:.1f} ms "
            f"(CPU {figures['static_1024_rgba_cpu_ms']:.1f} ms)",
            static,
            bench_emojify.TARGET_STATIC_MS,
        )
    )
    slowest = max(gif, frames)
    result.rows.append(
        at_most(
            "Emojify 50-frame animation, median",
            f"GIF {gif:.0f} (p95 {figures['gif_50_frames_p95_ms']:.0f}, "
            f"CPU {figures['gif_50_frames_cpu_ms']:.0f}); frames {frames:.0f} ms",
            slowest,
            bench_emojify.TARGET_ANIMATED_MS,
        )
    )
    share = figures["corpus_share_within_limits"]
    result.rows.append(
        Row(
            "Corpus within Slack's limits",
            f"{share:.0%} of {figures['corpus_inputs']:.0f} inputs",
            "100%",
            share == 1.0,
        )
    )
    result.check(share == 1.0, f"emojify: only {share:.1%} of the corpus within limits")
    return result
