"""Encode finished 128×128 RGBA frames as PNG or GIF strictly under a byte limit.

Each encoder tries the best-looking setting first and steps down only as far as
it must: a still image is lossless unless that does not fit, an animation gives
up colours, then frames, then colours again.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from io import BytesIO

from PIL import Image

from emojiforge.errors import ImageError
from emojiforge.images.decode import MIN_FRAME_MS, merge_durations, sample_indices

GIF_OPAQUE_FROM = 128  # GIF alpha is on or off: at least this alpha is drawn
PALETTE_SAMPLE_FRAMES = 16  # frames looked at to choose the shared palette
PROBE_FRAMES = 4  # enough to estimate bytes per frame, a tenth of the cost of 50
SKIP_ABOVE = 1.25  # skip a GIF setting predicted to be this many times over the limit

_PNG_STEPS: tuple[tuple[int, Image.Dither], ...] = tuple(
    (colours, dither)
    for colours in (256, 128, 64, 32, 16)
    for dither in (Image.Dither.FLOYDSTEINBERG, Image.Dither.NONE)
)
# (keep every n-th frame, colours): colours first, then frames, then colours again.
# Dithering is off: in an animation it shimmers and it compresses badly.
_GIF_STEPS: tuple[tuple[int, int], ...] = (
    (1, 256), (1, 128), (1, 64),
    (2, 64), (2, 32),
    (4, 32), (4, 16),
    (8, 16), (8, 8),
    (16, 8), (16, 4),
    (50, 4), (50, 2),
)  # fmt: skip


def encode_png(image: Image.Image, limit: int) -> bytes:
    """PNG bytes shorter than ``limit``: lossless RGBA if it fits, else a palette."""
    data = _png(image)
    if len(data) < limit:
        return data
    for colours, dither in _PNG_STEPS:
        quantized = image.quantize(colours, method=Image.Quantize.FASTOCTREE, dither=dither)
        data = _png(quantized)
        if len(data) < limit:
            return data
    raise ImageError("could not make the image small enough for Slack")


def encode_gif(frames: list[Image.Image], durations_ms: list[int], limit: int) -> bytes:
    """A looping GIF shorter than ``limit``; dropped frames lend their time to the
    frame before them, so the loop keeps its length."""
    durations = [max(d, MIN_FRAME_MS) for d in durations_ms]
    measured = _probe(frames, durations)  # (colours, bytes per frame) of the last try
    steps = list(_steps_for(len(frames)))
    for stride, colours in steps:
        kept = list(range(0, len(frames), stride))
        hopeless = measured and _predicted_size(measured, colours, len(kept)) > SKIP_ABOVE * limit
        if hopeless and (stride, colours) != steps[-1]:
            continue  # clearly cannot fit: skip the encoding work
        data = _gif([frames[i] for i in kept], merge_durations(durations, kept), colours)
        if len(data) < limit:
            return data
        measured = colours, len(data) / len(kept)
    raise ImageError("could not make the animation small enough for Slack")


def _probe(frames: list[Image.Image], durations_ms: list[int]) -> tuple[int, float] | None:
    """Bytes per frame at full colour, measured on a few frames: a noisy animation
    then skips the settings that cannot fit instead of encoding all of them."""
    if len(frames) <= 2 * PROBE_FRAMES:
        return None
    kept = sample_indices(len(frames), PROBE_FRAMES)
    colours = _GIF_STEPS[0][1]
    data = _gif([frames[i] for i in kept], merge_durations(durations_ms, kept), colours)
    return colours, len(data) / len(kept)


def _predicted_size(measured: tuple[int, float], colours: int, frame_count: int) -> float:
    """A rough size: bytes grow with frames and with bits per pixel (log2 of colours)."""
    measured_colours, bytes_per_frame = measured
    bits_ratio = math.log2(colours) / math.log2(measured_colours)
    return bytes_per_frame * bits_ratio * frame_count


def _steps_for(frame_count: int) -> Iterator[tuple[int, int]]:
    for stride, colours in _GIF_STEPS:
        yield min(stride, frame_count), colours


def _png(image: Image.Image) -> bytes:
    buffer = BytesIO()
    # No `optimize`: a lossless 128×128 RGBA PNG is at most ~66 KB, half the limit,
    # and its extra zlib effort costs ~5 ms to save a few hundred bytes.
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _gif(frames: list[Image.Image], durations_ms: list[int], colours: int) -> bytes:
    palette = _shared_palette(frames, colours - 1)  # one index stays free for "transparent"
    transparent = len(palette.getpalette() or []) // 3
    indexed = [_indexed(frame, palette, transparent) for frame in frames]
    buffer = BytesIO()
    indexed[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=indexed[1:],
        duration=durations_ms,
        loop=0,
        # Clear each frame before the next: with 1-bit alpha, frames would smear.
        disposal=2,
        transparency=transparent,
        optimize=False,
    )
    return buffer.getvalue()


def _shared_palette(frames: list[Image.Image], colours: int) -> Image.Image:
    """One palette for all frames, so colours do not flicker between frames."""
    step = max(1, len(frames) // PALETTE_SAMPLE_FRAMES)
    sample = frames[::step][:PALETTE_SAMPLE_FRAMES]
    width, height = sample[0].size
    montage = Image.new("RGB", (width * len(sample), height), _typical_colour(sample[0]))
    for position, frame in enumerate(sample):
        # Only pixels that will be drawn may claim palette entries.
        montage.paste(frame.convert("RGB"), (position * width, 0), _opaque_mask(frame))
    # Fast octree: median cut takes half a second on noisy frames, for little gain.
    quantized = montage.quantize(colours, method=Image.Quantize.FASTOCTREE)
    palette = Image.new("P", (1, 1))
    palette.putpalette((quantized.getpalette() or [0, 0, 0])[: 3 * colours])
    return palette


def _typical_colour(frame: Image.Image) -> tuple[int, int, int]:
    """The frame's average visible colour: filling the montage's gaps with a colour
    the frame already has wastes no palette entry."""
    # Averaging premultiplied pixels weighs each colour by how visible it is.
    average = frame.convert("RGBa").resize((1, 1), Image.Resampling.BOX).convert("RGB")
    red, green, blue = average.getpixel((0, 0))  # type: ignore[misc]
    return int(red), int(green), int(blue)


def _indexed(frame: Image.Image, palette: Image.Image, transparent: int) -> Image.Image:
    indexed = frame.convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE)
    see_through = frame.getchannel("A").point(lambda a: 0 if a >= GIF_OPAQUE_FROM else 255)
    indexed.paste(transparent, mask=see_through)
    entries = indexed.getpalette() or []
    indexed.putpalette([*entries[: 3 * transparent], 0, 0, 0])
    return indexed


def _opaque_mask(frame: Image.Image) -> Image.Image:
    return frame.getchannel("A").point(lambda a: 255 if a >= GIF_OPAQUE_FROM else 0)
