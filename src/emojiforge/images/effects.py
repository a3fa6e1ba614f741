"""Animation effects: turn one image (or a short animation) into a looping one.

Pure: frames in, frames out. Every effect is a function of the loop's phase
(0 ≤ phase < 1), so the frame after the last is the first again and the GIF
loops without a jump. Output frames are square RGBA, at most ``WORK_SIZE`` wide:
the emoji ends at 128 px, and 50 large frames would only cost memory and time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageChops

from emojiforge.errors import ImageError, InvalidInput
from emojiforge.images.model import MAX_GIF_FRAMES

EFFECTS: tuple[str, ...] = ("none", "party", "spin", "shake", "pulse", "intensifies", "scroll")
WORK_SIZE = 256
MIN_FRAME_MS = 20  # browsers slow down anything faster to 100 ms

Transform = Callable[[Image.Image, float], Image.Image]


@dataclass(frozen=True)
class _Effect:
    frames: int
    frame_ms: int
    transform: Transform


def apply_effect(
    frames: list[Image.Image], durations_ms: list[int], effect: str
) -> tuple[list[Image.Image], list[int]]:
    """Animate ``frames`` with ``effect``; returns the new frames and their durations.

    ``none`` returns the input as it is. Every other effect returns 2 to 50
    same-sized square RGBA frames of at least 20 ms each. An animated input keeps
    its own timing and the effect is spread over its frames (repeated until the
    effect has enough frames to look smooth).
    """
    if effect not in EFFECTS:
        raise InvalidInput("effect", f"unknown effect {effect!r}; pick one of {', '.join(EFFECTS)}")
    if not frames or len(frames) != len(durations_ms):
        raise ImageError("an animation needs at least one frame, and one duration per frame")
    if effect == "none":
        return frames, durations_ms
    frames = [frame.convert("RGBA") for frame in frames[:MAX_GIF_FRAMES]]
    durations_ms = durations_ms[:MAX_GIF_FRAMES]
    if effect == "scroll":
        return _scroll(frames, durations_ms)
    canvas = _squares(frames, spin=effect == "spin")
    spec = _SPECS[effect]
    if len(canvas) == 1:
        count = spec.frames
        timing = [spec.frame_ms] * count
    else:
        count = _cycles(len(canvas), spec.frames)
        timing = [max(MIN_FRAME_MS, durations_ms[i % len(canvas)]) for i in range(count)]
    out = [spec.transform(canvas[i % len(canvas)], i / count) for i in range(count)]
    return out, timing


def _cycles(input_frames: int, wanted: int) -> int:
    """Whole repeats of the input animation, at least ``wanted`` frames, at most 50."""
    repeats = max(1, math.ceil(wanted / input_frames))
    while repeats > 1 and repeats * input_frames > MAX_GIF_FRAMES:
        repeats -= 1
    return min(repeats * input_frames, MAX_GIF_FRAMES)


def _squares(frames: list[Image.Image], *, spin: bool) -> list[Image.Image]:
    """Centre every frame on one transparent square canvas.

    For spin, the canvas is widened to the circle the content sweeps, so no
    corner is cut off as it turns; round content needs no extra room.
    """
    side = max(max(frame.size) for frame in frames)
    squares = [_centred(frame, side) for frame in frames]
    if side > WORK_SIZE:
        squares = [sq.resize((WORK_SIZE, WORK_SIZE), Image.Resampling.LANCZOS) for sq in squares]
        side = WORK_SIZE
    if spin:
        reach = max(_reach(sq) for sq in squares)
        needed = math.ceil(2 * reach) + 2
        if needed > side:
            squares = [
                _centred(sq, needed).resize((side, side), Image.Resampling.LANCZOS)
                for sq in squares
            ]
    return squares


def _centred(frame: Image.Image, side: int) -> Image.Image:
    canvas = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    canvas.paste(frame, ((side - frame.width) // 2, (side - frame.height) // 2))
    return canvas


def _reach(square: Image.Image) -> float:
    """Distance from the centre to the farthest visible pixel."""
    # radial_gradient is 0 at the centre and 255 at the corners of its 256² square.
    distance = Image.radial_gradient("L").resize(square.size, Image.Resampling.BILINEAR)
    visible = square.getchannel("A").point(lambda alpha: 255 if alpha > 8 else 0)
    farthest = ImageChops.darker(distance, visible).getextrema()[1]
    assert isinstance(farthest, int)
    return farthest / 255 * square.width / math.sqrt(2)


def _party(frame: Image.Image, phase: float) -> Image.Image:
    shift = round(phase * 256)
    hue, saturation, value = frame.convert("RGB").convert("HSV").split()
    hue = hue.point([(h + shift) % 256 for h in range(256)])
    # White, grey and black have no hue to turn: tint them so they party too.
    saturation = saturation.point([max(s, 150) for s in range(256)])
    coloured = Image.merge("HSV", (hue, saturation, value)).convert("RGBA")
    coloured.putalpha(frame.getchannel("A"))
    return coloured


def _spin(frame: Image.Image, phase: float) -> Image.Image:
    return frame.rotate(-360 * phase, resample=Image.Resampling.BICUBIC)


def _pulse(frame: Image.Image, phase: float) -> Image.Image:
    # Shrink and grow back rather than grow past the edge, which would crop.
    return _zoomed(frame, 1 - 0.18 * (1 - math.cos(2 * math.pi * phase)) / 2)


def _shake(frame: Image.Image, phase: float) -> Image.Image:
    reach = frame.width * 0.05
    small = _zoomed(frame, 0.9)  # leave room for the jitter
    return _moved(small, _jitter(phase, reach))


def _intensifies(frame: Image.Image, phase: float) -> Image.Image:
    # The meme: a tight, fast, slightly zoomed-in tremble.
    return _moved(_zoomed(frame, 1.08), _jitter(phase, frame.width * 0.04))


def _jitter(phase: float, reach: float) -> tuple[int, int]:
    """Random-looking but repeatable offsets: sums of sines of unrelated frequencies."""
    turn = 2 * math.pi * phase
    dx = 0.6 * math.sin(5 * turn + 0.3) + 0.4 * math.sin(11 * turn + 1.7)
    dy = 0.6 * math.cos(7 * turn + 0.9) + 0.4 * math.sin(13 * turn + 2.3)
    return round(dx * reach), round(dy * reach)


def _zoomed(frame: Image.Image, factor: float) -> Image.Image:
    side = max(1, round(frame.width * factor))
    scaled = frame.resize((side, side), Image.Resampling.BICUBIC)
    if factor <= 1:
        return _centred(scaled, frame.width)
    crop = (side - frame.width) // 2
    return scaled.crop((crop, crop, crop + frame.width, crop + frame.height))


def _moved(frame: Image.Image, offset: tuple[int, int]) -> Image.Image:
    canvas = Image.new("RGBA", frame.size, (0, 0, 0, 0))
    canvas.paste(frame, offset)
    return canvas


_SPECS: dict[str, _Effect] = {
    "party": _Effect(frames=12, frame_ms=60, transform=_party),
    "spin": _Effect(frames=20, frame_ms=50, transform=_spin),
    "shake": _Effect(frames=12, frame_ms=40, transform=_shake),
    "pulse": _Effect(frames=16, frame_ms=50, transform=_pulse),
    "intensifies": _Effect(frames=12, frame_ms=30, transform=_intensifies),
}

_SCROLL_STEP = 0.08  # of the window width per frame: slow enough to read
_SCROLL_FRAME_MS = 50


def _scroll(
    frames: list[Image.Image], durations_ms: list[int]
) -> tuple[list[Image.Image], list[int]]:
    """A marquee: the (wide) image slides right to left through a square window.

    Copies follow each other half a window apart, so the strip wraps around
    seamlessly and some text is nearly always in view.
    """
    height = min(WORK_SIZE, max(frame.height for frame in frames))
    widths = [max(1, round(frame.width * height / frame.height)) for frame in frames]
    strips = [
        frame.resize((width, height), Image.Resampling.LANCZOS)
        for frame, width in zip(frames, widths, strict=True)
    ]
    period = max(widths) + height // 2
    count = max(12, min(MAX_GIF_FRAMES, round(period / (height * _SCROLL_STEP))))
    if len(frames) > 1:
        count = _cycles(len(frames), count)
    out = [_window(strips[i % len(strips)], period, i * period / count) for i in range(count)]
    if len(frames) > 1:
        timing = [max(MIN_FRAME_MS, durations_ms[i % len(frames)]) for i in range(count)]
    else:
        timing = [_SCROLL_FRAME_MS] * count
    return out, timing


def _window(strip: Image.Image, period: int, offset: float) -> Image.Image:
    side = strip.height
    view = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    # Copies sit one period apart; start with the one at or left of the window's edge.
    x = -round(offset) % period - period
    while x < side:
        view.paste(strip, (x, 0))  # copies never overlap, so a plain paste is exact
        x += period
    return view
