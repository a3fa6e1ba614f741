"""Image bytes built to hurt: refused with a clear ImageError, by the limits, before the work.

The files are made by hand where Pillow would refuse to write them (headers
that promise far more pixels or frames than the file holds), so each one is
tiny and the test fast; only the code's limits keep decoding them cheap.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from emojiforge.errors import ImageError
from emojiforge.images import decode as decode_module
from emojiforge.images.decode import MAX_ANIMATION_PIXELS, MAX_PIXELS, MAX_SOURCE_FRAMES, decode
from emojiforge.images.emojify import emojify
from emojiforge.images.model import MAX_EMOJI_BYTES, MAX_GIF_FRAMES


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` but holds one row of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" + b"\x00" * ((width + 7) // 8))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def gif(width: int, height: int, frames: int) -> bytes:
    """A GIF with a ``width``×``height`` screen and ``frames`` one-pixel frames
    (about 20 bytes each), alternating colour so no frame merges into the last."""
    out = bytearray(b"GIF89a" + struct.pack("<HH", width, height) + b"\x80\x00\x00")
    out += b"\x00\x00\x00\xff\xff\xff"  # two-colour global palette
    out += b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
    for index in range(frames):
        out += b"!\xf9\x04\x00\x0a\x00\x00\x00"  # 100 ms
        x = index % max(1, width)
        out += b"," + struct.pack("<HHHH", x, 0, 1, 1) + b"\x00"
        # One pixel, LZW minimum code size 2: clear, colour, end of information.
        out += b"\x02\x02" + (b"\x44\x01" if index % 2 == 0 else b"\x4c\x01") + b"\x00"
    return bytes(out + b";")


def png_bytes(size: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (size, size), (200, 30, 30, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_png_claiming_gigapixels_is_refused_from_its_header():
    bomb = png_header_only(100_000, 100_000)
    assert len(bomb) < 20_000
    with pytest.raises(ImageError, match="too large"):
        decode(bomb)


def test_a_png_just_over_the_pixel_limit_is_refused_by_our_limit_not_pillows():
    side = int(MAX_PIXELS**0.5) + 1  # under Pillow's own bomb threshold
    with pytest.raises(ImageError, match="megapixels"):
        decode(png_header_only(side, side))


def test_a_thousand_frame_gif_becomes_an_emoji_of_at_most_50_frames():
    emoji = emojify(gif(64, 64, 1000))
    assert emoji.format == "gif"
    assert 1 < emoji.frames <= MAX_GIF_FRAMES
    assert emoji.size < MAX_EMOJI_BYTES


def test_a_gif_with_more_frames_than_the_limit_is_refused():
    with pytest.raises(ImageError, match="too many frames"):
        decode(gif(8, 8, MAX_SOURCE_FRAMES + 1))


def test_a_small_file_promising_a_huge_animation_is_refused_before_decoding_frames():
    side = 1_000
    frames = MAX_ANIMATION_PIXELS // (side * side) + 1
    data = gif(side, side, frames)
    assert len(data) < 50_000  # tiny on disk, half a billion pixels to composite
    with pytest.raises(ImageError, match="too large to process"):
        decode(data)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_a_truncated_png_is_a_clear_error(keep):
    data = png_bytes(256)
    with pytest.raises(ImageError, match=r"damaged or incomplete|not a PNG"):
        decode(data[: int(len(data) * keep)])


def test_a_truncated_gif_and_jpeg_are_clear_errors():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (10, 200, 10)).save(buffer, "JPEG", quality=95)
    jpeg = buffer.getvalue()
    for cut in (gif(32, 32, 40)[:200], jpeg[: len(jpeg) // 3]):
        with pytest.raises(ImageError):
            decode(cut)


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"<!doctype html><img src=x onerror=alert(1)>",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04" + b"\x00" * 40,
        b"BM" + b"\x00" * 60,  # BMP: a real format, but not one we accept
        b"II*\x00" + b"\x00" * 60,  # TIFF
        b"",
    ],
    ids=["svg", "html", "pdf", "zip", "bmp", "tiff", "empty"],
)
def test_bytes_that_are_not_an_accepted_image_are_refused_whatever_they_are_called(data):
    with pytest.raises(ImageError, match="could not read the image"):
        decode(data)


def test_the_format_comes_from_the_bytes_not_a_claimed_extension():
    # A PNG labelled GIF, or the reverse: only the content decides.
    assert decode(png_bytes()).animated is False
    assert decode(gif(16, 16, 5)).animated is True


def test_limits_are_the_ones_the_pipeline_promises():
    # The guarantees above rest on these figures; changing them is a decision.
    assert MAX_PIXELS <= 40_000_000
    assert MAX_SOURCE_FRAMES <= 2_000
    assert MAX_ANIMATION_PIXELS <= 500_000_000
    assert decode_module.MAX_KEPT_FRAMES == MAX_GIF_FRAMES
