from __future__ import annotations

import random
import struct
import zlib
from io import BytesIO

import pytest
from PIL import ExifTags, Image, ImageDraw, ImageSequence

from emojiforge.errors import ImageError
from emojiforge.images.emojify import emojify, emojify_frames
from emojiforge.images.encode import encode_png
from emojiforge.images.model import EMOJI_SIZE, MAX_EMOJI_BYTES, MAX_GIF_FRAMES, Emoji
from tests.images.corpus import corpus, encode, encode_animation, noise, shape_on

CORPUS = corpus()


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def frames_of(emoji: Emoji) -> list[Image.Image]:
    with Image.open(BytesIO(emoji.data)) as image:
        return [frame.convert("RGBA") for frame in ImageSequence.Iterator(image)]


def loop_ms(emoji: Emoji) -> int:
    with Image.open(BytesIO(emoji.data)) as image:
        return sum(frame.info.get("duration", 0) for frame in ImageSequence.Iterator(image))


def visible_box(frame: Image.Image) -> tuple[int, int, int, int] | None:
    return frame.getchannel("A").point(lambda a: 255 if a >= 128 else 0).getbbox()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its (empty) data does not have."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_the_corpus_is_large_and_varied():
    assert len(CORPUS) >= 100
    assert sum(sample.animated for sample in CORPUS) >= 8


@pytest.mark.parametrize("sample", CORPUS, ids=[sample.name for sample in CORPUS])
def test_every_input_becomes_a_slack_ready_emoji(sample):
    emoji = emojify(sample.data)

    assert emoji.size < MAX_EMOJI_BYTES
    assert (emoji.width, emoji.height) == (EMOJI_SIZE, EMOJI_SIZE)
    with Image.open(BytesIO(emoji.data)) as image:
        assert image.format == emoji.format.upper()
        assert image.size == (EMOJI_SIZE, EMOJI_SIZE)
    frames = frames_of(emoji)
    assert len(frames) == emoji.frames <= MAX_GIF_FRAMES
    assert all(visible_box(frame) is not None for frame in frames[:1])
    if sample.animated:
        assert emoji.format == "gif"
        assert emoji.frames > 1


def test_a_small_off_centre_shape_is_centred_and_fills_the_emoji():
    image = shape_on((0, 0, 0, 0), (400, 400), (300, 20, 340, 60), (200, 30, 30, 255))

    emoji = emojify(encode(image, "PNG"))

    left, top, right, bottom = visible_box(frames_of(emoji)[0]) or (0, 0, 0, 0)
    assert (left, top) == pytest.approx((4, 4), abs=1)
    assert (right, bottom) == pytest.approx((124, 124), abs=1)


def test_a_small_subject_on_a_huge_canvas_keeps_its_detail():
    canvas = Image.new("RGBA", (3000, 3000), (0, 0, 0, 0))
    for stripe in range(40):  # 3 px black and white stripes, 120 px in all
        shade = 0 if stripe % 2 else 255
        canvas.paste((shade, shade, shade, 255), (2500 + 3 * stripe, 200, 2503 + 3 * stripe, 320))

    emoji = emojify(encode(canvas, "PNG"))

    histogram = frames_of(emoji)[0].convert("L").crop((10, 10, 118, 118)).histogram()
    # The stripes were not blurred to grey: plenty of near-black and near-white remains.
    assert sum(histogram[:40]) > 1000
    assert sum(histogram[216:]) > 1000


def test_a_wide_image_keeps_its_proportions_and_is_centred():
    emoji = emojify(encode(Image.new("RGB", (1000, 100), (20, 120, 220)), "PNG"))

    left, top, right, bottom = visible_box(frames_of(emoji)[0]) or (0, 0, 0, 0)
    assert right - left == pytest.approx(120, abs=1)
    assert bottom - top == pytest.approx(12, abs=1)
    assert top + bottom == pytest.approx(EMOJI_SIZE, abs=1)


def test_a_tiny_image_is_scaled_up_to_the_full_emoji():
    emoji = emojify(encode(Image.new("RGB", (1, 1), (255, 0, 0)), "PNG"))

    frame = frames_of(emoji)[0]
    assert visible_box(frame) == (4, 4, 124, 124)
    assert pixel(frame, (64, 64)) == (255, 0, 0, 255)


def test_a_sideways_phone_photo_comes_out_upright():
    photo = Image.new("RGB", (200, 100), "red")
    photo.paste("blue", (0, 0, 100, 100))  # blue on the left as stored...
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # ...and "turn 90° clockwise to view"

    emoji = emojify(encode(photo, "JPEG", exif=exif.tobytes()))

    red, _, blue, _ = pixel(frames_of(emoji)[0], (64, 30))
    assert blue > 200 > red  # blue ends up on top


def test_an_animation_keeps_one_crop_so_the_content_moves_without_jitter():
    frames = []
    for step in range(10):
        frame = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
        ImageDraw.Draw(frame).ellipse((50 + 15 * step, 100, 110 + 15 * step, 160), fill="blue")
        frames.append(frame)

    emoji = emojify_frames(frames, [80] * 10)

    boxes = [visible_box(frame) for frame in frames_of(emoji)]
    lefts = [box[0] for box in boxes if box]
    sizes = {(box[2] - box[0], box[3] - box[1]) for box in boxes if box}
    assert lefts == sorted(lefts)
    assert lefts[0] < lefts[-1]
    assert len(sizes) <= 2  # the ball keeps its size: the frames were scaled alike


def test_an_animation_keeps_transparent_corners_and_an_opaque_subject():
    frames = [
        shape_on((0, 0, 0, 0), (200, 200), (40 + i, 40, 160 + i, 160), (250, 200, 0, 255))
        for i in range(0, 30, 3)
    ]
    emoji = emojify(encode_animation(frames, "GIF", duration=70, disposal=2))

    for frame in frames_of(emoji):
        assert pixel(frame, (0, 0))[3] == 0
        assert pixel(frame, (64, 64))[3] == 255


def test_a_long_animation_is_cut_to_50_frames_and_keeps_its_loop_length():
    frames = [Image.new("RGB", (40, 40), (i, 255 - i, 0)) for i in range(200)]

    emoji = emojify(encode_animation(frames, "GIF", duration=30))

    assert 1 < emoji.frames <= MAX_GIF_FRAMES
    assert loop_ms(emoji) == pytest.approx(200 * 30, rel=0.05)


def test_a_noisy_animation_drops_frames_to_fit_and_keeps_its_loop_length():
    frames = [noise(random.Random(i), (128, 128)) for i in range(60)]

    emoji = emojify(encode_animation(frames, "GIF", duration=50))

    assert emoji.size < MAX_EMOJI_BYTES
    assert 1 < emoji.frames < 50
    assert loop_ms(emoji) == pytest.approx(60 * 50, rel=0.05)


def test_removing_a_plain_background_leaves_the_subject_on_transparency():
    image = shape_on((255, 255, 255), (300, 300), (30, 60, 270, 240), (200, 0, 0))

    emoji = emojify(encode(image, "JPEG", quality=90), remove_background=True)

    frame = frames_of(emoji)[0]
    assert pixel(frame, (64, 10))[3] == 0  # above the wide ellipse: background
    assert pixel(frame, (64, 64))[3] == 255


def test_a_fully_transparent_image_is_refused_as_empty():
    with pytest.raises(ImageError, match="the image is empty"):
        emojify(encode(Image.new("RGBA", (64, 64), (255, 0, 0, 0)), "PNG"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"definitely not an image, just some text", "could not read the image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "could not read the image"),
        (png_claiming(100_000, 100_000), "too large"),
        (png_claiming(8_000, 8_000), "too large"),
    ],
    ids=["zero-bytes", "garbage", "broken-png-header", "bomb-100000", "bomb-8000"],
)
def test_unusable_bytes_raise_a_clear_image_error(data, expected):
    with pytest.raises(ImageError, match=expected):
        emojify(data)


def test_a_truncated_png_raises_a_clear_image_error():
    whole = encode(noise(random.Random(7), (300, 300)), "PNG")

    with pytest.raises(ImageError, match="could not read the image"):
        emojify(whole[: len(whole) // 2])


def test_an_animation_with_thousands_of_frames_is_refused():
    frames = [Image.new("L", (1, 1), i % 2 * 255) for i in range(2001)]

    with pytest.raises(ImageError, match="too many frames"):
        emojify(encode_animation(frames, "GIF", duration=20))


def test_frames_and_durations_must_match():
    with pytest.raises(ImageError, match="one duration per frame"):
        emojify_frames([Image.new("RGB", (8, 8))], [])


def test_a_still_that_cannot_fit_losslessly_is_reduced_but_keeps_its_size():
    busy = noise(random.Random(5), (128, 128), "RGBA")

    data = encode_png(busy, limit=20_000)

    assert len(data) < 20_000
    with Image.open(BytesIO(data)) as image:
        assert image.size == (128, 128)
        assert image.convert("RGBA").getchannel("A").getbbox() is not None
