"""Read untrusted image bytes into a few bounded RGBA frames.

Everything after this module may assume: at most ``MAX_KEPT_FRAMES`` frames,
each RGBA, the same size, at most ``WORKING_SIZE`` pixels on the long side.
A still image also loses its fully transparent margins.
The format is sniffed from the bytes, never taken from a file name.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from io import BytesIO

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from emojiforge.errors import ImageError
from emojiforge.images.model import MAX_GIF_FRAMES

MAX_PIXELS = 40_000_000  # per frame, checked from the header before any pixel is decoded
MAX_SOURCE_FRAMES = 2000
MAX_ANIMATION_PIXELS = 500_000_000  # summed over all frames: a few seconds of decoding
MAX_KEPT_FRAMES = MAX_GIF_FRAMES
WORKING_SIZE = 512  # 4x the emoji size: room for trimming, small enough to stay fast
DEFAULT_FRAME_MS = 100
# Browsers show GIF frames shorter than this at DEFAULT_FRAME_MS; we do the same so
# an animation keeps the speed people saw where it came from.
MIN_FRAME_MS = 20

# Only the formats providers and people actually send: fewer parsers, less attack surface.
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")

# What Pillow's decoders raise on corrupt or truncated input.
_DECODER_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


@dataclass(frozen=True)
class Decoded:
    """Frames of one image; a still image has one frame and ``durations_ms == [0]``."""

    frames: list[Image.Image]
    durations_ms: list[int]
    animated: bool


def decode(data: bytes) -> Decoded:
    """Decode PNG, APNG, JPEG, WebP or GIF bytes; ``ImageError`` says why not."""
    if not data:
        raise ImageError("could not read the image: it is empty (0 bytes)")
    try:
        with Image.open(BytesIO(data), formats=ACCEPTED_FORMATS) as source:
            _refuse_bombs(source)
            # A phone's multi-picture JPEG (MPO) holds extra views, not an animation.
            if source.format != "MPO" and getattr(source, "is_animated", False):
                return _decode_animation(source)
            return Decoded([_still_frame(source)], [0], animated=False)
    except Image.DecompressionBombError:
        raise ImageError("the image is too large to process (too many pixels)") from None
    except UnidentifiedImageError:
        raise ImageError("could not read the image: not a PNG, JPEG, WebP or GIF file") from None
    except _DECODER_ERRORS as exc:
        # Pillow's wording is not for people; the chained cause keeps it for the logs.
        raise ImageError("could not read the image: the file is damaged or incomplete") from exc


def sample_indices(count: int, keep: int) -> list[int]:
    """``keep`` indices spread evenly over ``range(count)``, first frame included."""
    if count <= keep:
        return list(range(count))
    return [i * count // keep for i in range(keep)]


def merge_durations(durations_ms: list[int], kept: list[int]) -> list[int]:
    """Durations for the ``kept`` frames such that the loop length stays the same:
    each kept frame also shows for the frames dropped after it."""
    bounds = [*kept[1:], len(durations_ms)]
    return [sum(durations_ms[start:end]) for start, end in zip(kept, bounds, strict=True)]


def _refuse_bombs(source: Image.Image) -> None:
    width, height = source.size
    if width < 1 or height < 1:
        raise ImageError("could not read the image: it has no pixels")
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"the image is too large to process ({width}x{height} pixels; "
            f"the limit is {MAX_PIXELS // 1_000_000} megapixels)"
        )
    frames = getattr(source, "n_frames", 1)
    if frames > MAX_SOURCE_FRAMES:
        raise ImageError(
            f"the animation has too many frames ({frames}; the limit is {MAX_SOURCE_FRAMES})"
        )
    # Every frame of an animation is decoded (each builds on the one before), so
    # the work grows with all of them, not only the frames we keep.
    if frames > 1 and width * height * frames > MAX_ANIMATION_PIXELS:
        raise ImageError(
            f"the animation is too large to process ({frames} frames of {width}x{height})"
        )


def _still_frame(source: Image.Image) -> Image.Image:
    # JPEG can decode at 1/2, 1/4 or 1/8 scale: far cheaper than decoding then shrinking.
    source.draft("RGB", (WORKING_SIZE, WORKING_SIZE))
    # Phone photos are stored sideways with an EXIF note; most images have none,
    # and turning them "upright" anyway would copy every pixel for nothing.
    upright: Image.Image = source
    if source.getexif().get(ExifTags.Base.Orientation, 1) != 1:
        upright = ImageOps.exif_transpose(source)
    # Fully transparent margins are invisible: cropping them before shrinking keeps
    # the detail of a small subject on a large canvas, and leaves less to shrink.
    if "A" in upright.getbands():
        visible = upright.getbbox(alpha_only=True)
        if visible is not None:
            upright = upright.crop(visible)
    return _working_rgba(upright)


def _decode_animation(source: Image.Image) -> Decoded:
    count = getattr(source, "n_frames", 1)
    kept = sample_indices(count, MAX_KEPT_FRAMES)
    wanted = set(kept)
    frames: list[Image.Image] = []
    durations: list[int] = []
    # Frames must be visited in order: each one is composited onto those before it.
    for index in range(count):
        source.seek(index)
        durations.append(_frame_duration(source))
        if index in wanted:
            frames.append(_working_rgba(source))
    return Decoded(frames, merge_durations(durations, kept), animated=len(frames) > 1)


def _frame_duration(frame: Image.Image) -> int:
    duration = frame.info.get("duration", DEFAULT_FRAME_MS)
    if not isinstance(duration, int | float) or duration < MIN_FRAME_MS:
        return DEFAULT_FRAME_MS
    return int(duration)


def _working_rgba(frame: Image.Image) -> Image.Image:
    if frame.mode == "I" or frame.mode.startswith("I;16"):
        # 16-bit greys would clip to white in a plain convert.
        frame = frame.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    factor = -(-max(frame.size) // WORKING_SIZE)  # ceiling division
    if factor == 1:
        return frame.convert("RGBA")
    # An integer box reduction is the cheapest good downscale. Opaque frames shrink
    # before gaining an alpha band; others are premultiplied first, so the colour of
    # fully transparent pixels does not bleed into the edges.
    if frame.mode in ("RGB", "L"):
        return frame.reduce(factor).convert("RGBA")
    rgba = frame if frame.mode == "RGBA" else frame.convert("RGBA")
    if rgba.getchannel("A").getextrema() == (255, 255):
        return rgba.reduce(factor)  # opaque after all (common in AI output): nothing can bleed
    return rgba.convert("RGBa").reduce(factor).convert("RGBA")
