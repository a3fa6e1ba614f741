"""Artwork → Slack-ready emoji: decode, drop a plain background, animate, fit.

Imports Pillow (through the steps): the worker and the CLI use it, the webhook
never does.
"""

from __future__ import annotations

from emojiforge.images.background import remove_plain_background
from emojiforge.images.decode import decode
from emojiforge.images.effects import apply_effect
from emojiforge.images.emojify import emojify_frames
from emojiforge.images.model import Artwork, Emoji, ImageProvider
from emojiforge.jobs import EmojiSpec


def make_emoji(artwork: Artwork, effect: str = "none") -> Emoji:
    decoded = decode(artwork.data)
    frames = decoded.frames
    if artwork.plain_background:
        frames = [remove_plain_background(frame) for frame in frames]
    frames, durations = apply_effect(frames, decoded.durations_ms, effect)
    return emojify_frames(frames, durations)


def make_options(spec: EmojiSpec, provider: ImageProvider) -> list[Emoji]:
    """Every option the spec asks for, each within Slack's limits."""
    return [make_emoji(artwork, spec.effect) for artwork in provider.generate(spec)]
