"""Effects: every animation is square, Slack-sized, and loops without a jump."""

import itertools

import pytest
from PIL import Image, ImageChops, ImageStat

from emojiforge import jobs
from emojiforge.errors import InvalidInput
from emojiforge.images.effects import EFFECTS, apply_effect
from emojiforge.images.model import MAX_GIF_FRAMES
from emojiforge.images.text import render_text

ANIMATED = [effect for effect in EFFECTS if effect != "none"]


@pytest.fixture(scope="module")
def lgtm():
    return render_text("lgtm", theme="fire", size=256)


@pytest.fixture(scope="module")
def marquee():
    return render_text("ship it", single_line=True, size=128)


def source_for(effect: str, lgtm: Image.Image, marquee: Image.Image) -> Image.Image:
    return marquee if effect == "scroll" else lgtm


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean per-channel difference, 0 (same) to 255."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 4


def solid_box(image: Image.Image) -> tuple[int, int, int, int]:
    box = image.getchannel("A").point(lambda a: 255 if a >= 128 else 0).getbbox()
    assert box is not None
    return box


def test_effects_match_the_job_model():
    assert EFFECTS == jobs.EFFECTS


def test_none_returns_the_input_untouched(lgtm):
    frames, durations = apply_effect([lgtm], [0], "none")
    assert frames == [lgtm]
    assert durations == [0]


@pytest.mark.parametrize("effect", ANIMATED)
def test_every_effect_makes_a_slack_sized_square_animation(effect, lgtm, marquee):
    frames, durations = apply_effect([source_for(effect, lgtm, marquee)], [100], effect)
    assert 2 <= len(frames) <= MAX_GIF_FRAMES
    assert len(durations) == len(frames)
    assert all(ms >= 20 for ms in durations)
    assert {frame.size for frame in frames} == {(frames[0].width, frames[0].width)}
    assert all(frame.mode == "RGBA" for frame in frames)


@pytest.mark.parametrize("effect", ANIMATED)
def test_every_effect_moves_and_loops_without_a_jump(effect, lgtm, marquee):
    frames, _ = apply_effect([source_for(effect, lgtm, marquee)], [100], effect)
    steps = [difference(a, b) for a, b in itertools.pairwise(frames)]
    wrap = difference(frames[-1], frames[0])
    assert wrap > 0  # the last frame is not a duplicate of the first
    assert wrap <= 1.25 * max(steps)  # ...but flows into it like any other step


def test_spin_turns_a_full_circle(lgtm):
    frames, _ = apply_effect([lgtm], [100], "spin")
    quarter = frames[len(frames) // 4]
    turned = frames[0].rotate(-90, resample=Image.Resampling.BICUBIC)
    assert difference(quarter, turned) < 3
    assert difference(quarter, frames[0]) > 3 * difference(quarter, turned)


def test_spin_does_not_clip_the_corners(lgtm):
    frames, _ = apply_effect([lgtm], [100], "spin")
    side = frames[0].width
    for frame in frames:
        box = solid_box(frame)
        assert box[0] > 0
        assert box[1] > 0
        assert box[2] < side
        assert box[3] < side


def test_party_cycles_through_hues(lgtm):
    frames, _ = apply_effect([lgtm], [100], "party")

    def main_hue(frame: Image.Image) -> int:
        solid = frame.getchannel("A").point(lambda a: 255 if a > 200 else 0)
        return round(ImageStat.Stat(frame.convert("HSV").getchannel("H"), solid).median[0] / 32)

    hues = {main_hue(frame) for frame in frames}
    assert len(hues) >= 4


def test_party_colours_even_black_and_white_text():
    classic = render_text("ok", theme="classic", size=64)
    frames, _ = apply_effect([classic], [100], "party")
    assert difference(frames[3], frames[9]) > 5


def test_party_keeps_the_transparency(lgtm):
    frames, _ = apply_effect([lgtm], [100], "party")
    assert frames[5].getchannel("A").tobytes() == lgtm.getchannel("A").tobytes()


def test_scroll_pans_the_text_right_to_left(marquee):
    frames, _ = apply_effect([marquee], [100], "scroll")
    assert frames[0].size == (128, 128)

    def mismatch_when_slid_left(by: int) -> float:
        return difference(frames[0].crop((by, 0, 128, 128)), frames[1].crop((0, 0, 128 - by, 128)))

    slide = min(range(40), key=mismatch_when_slid_left)
    assert slide > 0
    assert mismatch_when_slid_left(slide) < 2


def test_scroll_shows_every_part_of_the_text(marquee):
    frames, _ = apply_effect([marquee], [100], "scroll")

    def seen(left: int) -> bool:
        # Frames land every few pixels, so allow the window to be a step off.
        windows = [marquee.crop((x, 0, x + 128, 128)) for x in range(left - 12, left + 1)]
        return min(difference(frame, window) for frame in frames for window in windows) < 2

    assert seen(12)  # the start of the line
    assert seen(marquee.width - 128)  # and its end


def test_pulse_shrinks_and_grows_back(lgtm):
    frames, _ = apply_effect([lgtm], [100], "pulse")
    widths = [solid_box(frame)[2] - solid_box(frame)[0] for frame in frames]
    smallest = widths.index(min(widths))
    assert 0 < smallest < len(frames) - 1
    assert widths[0] > min(widths) * 1.1


def test_an_animated_input_keeps_animating_under_the_effect(lgtm):
    red, blue = Image.new("RGBA", (64, 64), "red"), Image.new("RGBA", (64, 64), "blue")
    frames, durations = apply_effect([red, blue, red, blue, red, blue], [80] * 6, "shake")
    assert len(frames) % 6 == 0
    assert len(frames) <= MAX_GIF_FRAMES
    assert durations == [80] * len(frames)
    centre = [frame.getpixel((32, 32)) for frame in frames[:2]]
    assert centre[0] != centre[1]


def test_long_animations_are_capped_at_slack_frame_limit():
    many = [Image.new("RGBA", (32, 32), (i, 0, 0, 255)) for i in range(70)]
    frames, durations = apply_effect(many, [40] * 70, "spin")
    assert len(frames) <= MAX_GIF_FRAMES
    assert len(durations) == len(frames)


def test_large_inputs_are_worked_on_at_a_modest_size():
    big = Image.new("RGBA", (1024, 768), (0, 128, 0, 255))
    frames, _ = apply_effect([big], [100], "pulse")
    assert frames[0].width == frames[0].height <= 256


def test_an_unknown_effect_is_refused_naming_the_effect(lgtm):
    with pytest.raises(InvalidInput) as error:
        apply_effect([lgtm], [100], "wobble")
    assert error.value.field == "effect"
    assert "wobble" in error.value.message
