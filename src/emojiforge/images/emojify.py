"""Turn any image or animation into a Slack-ready emoji.

Square, 128×128, trimmed to its content and centred with a small margin, PNG for
a still and a looping GIF of at most 50 frames for an animation, strictly under
Slack's byte limit. Frames of an animation share one crop box, so the content
does not jitter from frame to frame.
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from emojiforge.errors import ImageError
from emojiforge.images.background import remove_plain_background
from emojiforge.images.decode import decode, merge_durations, sample_indices
from emojiforge.images.encode import encode_gif, encode_png
from emojiforge.images.model import EMOJI_SIZE, MAX_EMOJI_BYTES, MAX_GIF_FRAMES, Emoji

MARGIN = 4  # px on each side, so the emoji does not touch its neighbours in a message
CONTENT_SIZE = EMOJI_SIZE - 2 * MARGIN
VISIBLE_ALPHA = 8  # fainter pixels are encoder dust, not content to keep when trimming
PIXEL_ART_SCALE = 4  # upscaling at least this much keeps pixels sharp instead of blurring


def emojify(data: bytes, *, remove_background: bool = False) -> Emoji:
    """Make an emoji from encoded image bytes (PNG, APNG, JPEG, WebP or GIF).

    ``remove_background`` clears a plain background painted around the subject.
    Raises ``ImageError`` when the bytes are no usable image.
    """
    decoded = decode(data)
    frames = decoded.frames
    if remove_background:
        frames = [remove_plain_background(frame) for frame in frames]
    return emojify_frames(frames, decoded.durations_ms)


def emojify_frames(frames: list[Image.Image], durations_ms: list[int]) -> Emoji:
    """Make an emoji from frames (one frame: a still) and their durations in ms."""
    if not frames or len(frames) != len(durations_ms):
        raise ImageError("an emoji needs at least one frame, and one duration per frame")
    if len({frame.size for frame in frames}) > 1:
        raise ImageError("all frames of an animation must be the same size")
    if len(frames) > MAX_GIF_FRAMES:
        kept = sample_indices(len(frames), MAX_GIF_FRAMES)
        frames, durations_ms = [frames[i] for i in kept], merge_durations(durations_ms, kept)
    rgba = [frame if frame.mode == "RGBA" else frame.convert("RGBA") for frame in frames]
    box = _content_box(rgba)
    squares = [_fit_square(frame.crop(box)) for frame in rgba]
    if len(squares) == 1:
        data = encode_png(squares[0], MAX_EMOJI_BYTES)
        return Emoji(data, "png", EMOJI_SIZE, EMOJI_SIZE, frames=1)
    data = encode_gif(squares, durations_ms, MAX_EMOJI_BYTES)
    return Emoji(data, "gif", EMOJI_SIZE, EMOJI_SIZE, frames=_frame_count(data))


def _content_box(frames: list[Image.Image]) -> tuple[int, int, int, int]:
    """The smallest box holding every visible pixel of every frame."""
    boxes = [_visible(frame).getbbox() for frame in frames]
    found = [box for box in boxes if box is not None]
    if not found:
        raise ImageError("the image is empty")
    lefts, tops, rights, bottoms = zip(*found, strict=True)
    return min(lefts), min(tops), max(rights), max(bottoms)


def _visible(frame: Image.Image) -> Image.Image:
    return frame.getchannel("A").point(lambda a: 255 if a > VISIBLE_ALPHA else 0)


def _fit_square(content: Image.Image) -> Image.Image:
    """``content`` scaled to fill CONTENT_SIZE on its long side, centred on a
    transparent EMOJI_SIZE square."""
    width, height = content.size
    scale = CONTENT_SIZE / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if scale >= PIXEL_ART_SCALE:
        whole = int(scale)
        content = content.resize((width * whole, height * whole), Image.Resampling.NEAREST)
    resized = content.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    square = Image.new("RGBA", (EMOJI_SIZE, EMOJI_SIZE), (0, 0, 0, 0))
    square.paste(resized, ((EMOJI_SIZE - size[0]) // 2, (EMOJI_SIZE - size[1]) // 2))
    return square


def _frame_count(data: bytes) -> int:
    # The GIF writer merges identical neighbouring frames, so count what was written.
    with Image.open(BytesIO(data)) as written:
        return int(getattr(written, "n_frames", 1))
