from __future__ import annotations

from PIL import Image

from emojiforge.images.decode import WORKING_SIZE, decode
from tests.images.corpus import encode, encode_animation


def test_large_frames_are_shrunk_early_to_the_working_size():
    frames = [Image.new("RGB", (1000, 700), (i * 20, 0, 0)) for i in range(6)]

    decoded = decode(encode_animation(frames, "GIF", duration=50))

    assert decoded.animated
    assert all(max(frame.size) <= WORKING_SIZE for frame in decoded.frames)
    assert all(frame.mode == "RGBA" for frame in decoded.frames)


def test_a_long_animation_is_sampled_to_50_frames_with_the_same_loop_length():
    frames = [Image.new("L", (20, 20), i) for i in range(180)]

    decoded = decode(encode_animation(frames, "GIF", duration=40))

    assert len(decoded.frames) == len(decoded.durations_ms) == 50
    assert sum(decoded.durations_ms) == 180 * 40


def test_frames_without_a_usable_duration_play_at_browser_speed():
    frames = [Image.new("L", (20, 20), i * 60) for i in range(4)]

    decoded = decode(encode_animation(frames, "GIF", duration=0))

    assert decoded.durations_ms == [100] * 4


def test_a_still_image_is_one_frame_whatever_its_name_or_format():
    for fmt in ("PNG", "JPEG", "WEBP", "GIF"):
        decoded = decode(encode(Image.new("RGB", (30, 20), "teal"), fmt))

        assert not decoded.animated
        assert [frame.size for frame in decoded.frames] == [(30, 20)]
