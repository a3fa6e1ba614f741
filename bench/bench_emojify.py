"""Speed of emojify, and whether every corpus input comes out within Slack's limits.

Run with ``python -m bench.bench_emojify`` from the repository root. Speed is
reported against targets as ratios, never enforced: a slow machine is not a bug.
A corpus output outside the limits is one, so that exits with status 1.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from io import BytesIO

from PIL import Image, ImageDraw
from tests.images.corpus import corpus

from emojiforge.errors import ImageError
from emojiforge.images.emojify import emojify, emojify_frames
from emojiforge.images.model import EMOJI_SIZE, MAX_EMOJI_BYTES, MAX_GIF_FRAMES, Emoji

TARGET_STATIC_MS = 25.0
TARGET_ANIMATED_MS = 400.0
STATIC_RUNS = 30
ANIMATED_RUNS = 10


def artwork(size: int, shift: int = 0) -> Image.Image:
    """Emoji-like artwork: a face with details on transparency."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    unit = size // 16
    draw.ellipse((2 * unit + shift, 2 * unit, 14 * unit + shift, 14 * unit), fill=(250, 200, 40))
    draw.ellipse((5 * unit + shift, 5 * unit, 7 * unit + shift, 8 * unit), fill=(40, 30, 20))
    draw.ellipse((9 * unit + shift, 5 * unit, 11 * unit + shift, 8 * unit), fill=(40, 30, 20))
    draw.arc((5 * unit + shift, 7 * unit, 11 * unit + shift, 12 * unit), 20, 160, "brown", unit)
    return image


def animation(size: int, count: int) -> list[Image.Image]:
    return [artwork(size, shift=(index % 10) * size // 80) for index in range(count)]


def encoded(frames: list[Image.Image], fmt: str) -> bytes:
    buffer = BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=40, loop=0)
    return buffer.getvalue()


def timings_ms(work: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Median and 95th percentile wall time, and median CPU time, after a warm-up.

    CPU time is reported too because on a shared machine the wall time also
    measures everyone else's work.
    """
    work()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    wall.sort()
    p95 = wall[min(len(wall) - 1, round(0.95 * len(wall)))]
    return statistics.median(wall), p95, statistics.median(cpu)


def within_limits(emoji: Emoji) -> bool:
    with Image.open(BytesIO(emoji.data)) as image:
        frames = getattr(image, "n_frames", 1)
        image.seek(frames - 1)
        image.load()
        return (
            emoji.size < MAX_EMOJI_BYTES
            and image.size == (EMOJI_SIZE, EMOJI_SIZE)
            and frames <= MAX_GIF_FRAMES
        )


def corpus_breaches() -> tuple[int, list[str]]:
    samples = corpus()
    broken = []
    for sample in samples:
        try:
            if not within_limits(emojify(sample.data)):
                broken.append(sample.name)
        except ImageError as error:
            broken.append(f"{sample.name} ({error})")
    return len(samples), broken


def run() -> dict[str, float]:
    still = encoded([artwork(1024)], "PNG")
    gif = encoded(animation(256, 50), "GIF")
    frames = animation(256, 50)
    static_median, static_p95, static_cpu = timings_ms(lambda: emojify(still), STATIC_RUNS)
    gif_median, gif_p95, gif_cpu = timings_ms(lambda: emojify(gif), ANIMATED_RUNS)
    frames_median, frames_p95, frames_cpu = timings_ms(
        lambda: emojify_frames(frames, [40] * 50), ANIMATED_RUNS
    )
    total, broken = corpus_breaches()
    figures = {
        "static_1024_rgba_median_ms": static_median,
        "static_1024_rgba_p95_ms": static_p95,
        "static_1024_rgba_cpu_ms": static_cpu,
        "gif_50_frames_median_ms": gif_median,
        "gif_50_frames_p95_ms": gif_p95,
        "gif_50_frames_cpu_ms": gif_cpu,
        "frames_50_median_ms": frames_median,
        "frames_50_p95_ms": frames_p95,
        "frames_50_cpu_ms": frames_cpu,
        "static_ratio_to_target": static_median / TARGET_STATIC_MS,
        "animated_ratio_to_target": max(gif_median, frames_median) / TARGET_ANIMATED_MS,
        "corpus_inputs": float(total),
        "corpus_share_within_limits": (total - len(broken)) / total,
    }
    for name, value in figures.items():
        print(f"{name:>28}: {value:,.2f}")
    if broken:
        print("outside Slack's limits:", ", ".join(broken))
        raise SystemExit(1)
    return figures


if __name__ == "__main__":
    run()
