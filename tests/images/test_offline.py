"""The offline provider: lettering emoji with no API key and no network."""

import io

import pytest
from PIL import Image

from emojiforge.errors import InvalidInput
from emojiforge.images.model import Artwork, ImageProvider
from emojiforge.images.offline import OfflineProvider
from emojiforge.jobs import STYLES, EmojiSpec


def decode(artwork: Artwork) -> Image.Image:
    image = Image.open(io.BytesIO(artwork.data))
    image.load()
    return image


def test_it_is_an_image_provider_named_offline():
    provider: ImageProvider = OfflineProvider()
    assert provider.name == "offline"


@pytest.mark.parametrize("options", [1, 2, 4])
def test_it_returns_as_many_distinct_options_as_asked(options):
    artworks = OfflineProvider().generate(EmojiSpec("lgtm", style="text", options=options))
    assert len(artworks) == options
    assert len({artwork.data for artwork in artworks}) == options
    assert len({artwork.label for artwork in artworks}) == options


@pytest.mark.parametrize("style", STYLES)
def test_every_style_gives_a_transparent_square_png(style):
    (artwork,) = OfflineProvider().generate(EmojiSpec("ship it", style=style))
    image = decode(artwork)
    assert image.format == "PNG"
    assert image.width == image.height >= 128
    assert image.convert("RGBA").getchannel("A").getpixel((0, 0)) == 0
    assert artwork.plain_background is False


def test_styles_lead_with_different_looks():
    first = {OfflineProvider().generate(EmojiSpec("ok", style=s))[0].label for s in STYLES}
    assert len(first) >= 4


def test_pixel_style_is_blocky():
    (artwork,) = OfflineProvider().generate(EmojiSpec("gg", style="pixel"))
    alpha = decode(artwork).convert("RGBA").getchannel("A")
    assert set(alpha.get_flattened_data()) <= {0, 255}  # hard edges, no smoothing
    small = alpha.resize((alpha.width // 8, alpha.height // 8), Image.Resampling.NEAREST)
    assert small.resize(alpha.size, Image.Resampling.NEAREST).tobytes() == alpha.tobytes()


def test_the_scroll_effect_gets_one_wide_line():
    (artwork,) = OfflineProvider().generate(EmojiSpec("ship it", style="text", effect="scroll"))
    image = decode(artwork)
    assert image.width > 2 * image.height


def test_text_it_cannot_draw_is_reported_on_the_description():
    with pytest.raises(InvalidInput) as error:
        OfflineProvider().generate(EmojiSpec("漢字", style="text"))
    assert error.value.field == "description"
