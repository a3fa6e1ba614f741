"""A deterministic corpus of varied input images, as encoded bytes.

Stills and animations in every accepted format, from 1×1 to 3000×3000, plain,
photo-like, noisy, transparent, wide and tall. Seeded, so every run (and every
test worker) builds the same corpus; sizes stay modest so building it is quick.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from io import BytesIO

from PIL import Image, ImageChops, ImageDraw, ImageFilter

SEED = 20_240_115


@dataclass(frozen=True)
class Sample:
    name: str
    data: bytes
    animated: bool = False


def corpus() -> list[Sample]:
    """Every sample, built once per process."""
    return list(_corpus())


@cache
def _corpus() -> tuple[Sample, ...]:
    samples = [
        sample for make in _MAKERS for sample in make(random.Random(f"{SEED}-{make.__name__}"))
    ]
    names = [sample.name for sample in samples]
    assert len(set(names)) == len(names), "corpus sample names must be unique"
    return tuple(samples)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = BytesIO()
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    # The fastest settings of each encoder: the corpus is about inputs, not their size.
    fast = {"PNG": {"compress_level": 1}, "WEBP": {"method": 0}}.get(fmt, {})
    image.save(buffer, fmt, **{**fast, **options})
    return buffer.getvalue()


def encode_animation(frames: list[Image.Image], fmt: str, **options: object) -> bytes:
    if fmt == "GIF" and frames[0].mode == "RGB":
        # Pillow's own GIF palette search (median cut) is slow on busy frames.
        frames = [frame.quantize(256, method=Image.Quantize.FASTOCTREE) for frame in frames]
    buffer = BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], loop=0, **options)
    return buffer.getvalue()


def noise(rng: random.Random, size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    bands = len(mode)
    return Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * bands))


def photo_like(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Smooth colour fields with a few soft shapes: what a photo looks like to a codec."""
    # Drawn small and scaled up: blurring at full size would dominate corpus build time.
    small = (max(1, size[0] // 8), max(1, size[1] // 8))
    image = noise(rng, (4, 4)).resize(small, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.ellipse(_random_box(rng, small), fill=_colour(rng))
    image = image.filter(ImageFilter.GaussianBlur(1)).resize(size, Image.Resampling.BICUBIC)
    grain = noise(rng, size, "L").point(lambda v: v // 16)
    return Image.merge("RGB", [ImageChops.add(band, grain) for band in image.split()])


def shape_on(
    background: tuple[int, ...],
    size: tuple[int, int],
    box: tuple[int, int, int, int],
    fill: tuple[int, ...],
) -> Image.Image:
    mode = "RGBA" if len(background) == 4 else "RGB"
    image = Image.new(mode, size, background)
    ImageDraw.Draw(image).ellipse(box, fill=fill)
    return image


def _colour(rng: random.Random, alpha: int | None = None) -> tuple[int, ...]:
    rgb = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    return rgb if alpha is None else (*rgb, alpha)


def _random_box(rng: random.Random, size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = size
    left, top = rng.randrange(width), rng.randrange(height)
    return (
        left,
        top,
        left + rng.randrange(1, width // 2 + 2),
        top + rng.randrange(1, height // 2 + 2),
    )


def _gradients(rng: random.Random) -> Iterator[Sample]:
    for index, (size, fmt) in enumerate(
        [((256, 256), "PNG"), ((640, 480), "JPEG"), ((300, 500), "WEBP"), ((128, 128), "PNG")]
    ):
        linear = Image.linear_gradient("L").resize(size).rotate(index * 40, expand=False)
        yield Sample(f"gradient-grey-{index}.{fmt.lower()}", encode(linear, fmt))
        radial = Image.merge(
            "RGB", (Image.radial_gradient("L").resize(size), linear, Image.new("L", size, 90))
        )
        yield Sample(f"gradient-colour-{index}.{fmt.lower()}", encode(radial, fmt))
    fade = Image.new("RGBA", (256, 256), _colour(rng, 255))
    fade.putalpha(Image.linear_gradient("L"))
    yield Sample("gradient-alpha.png", encode(fade, "PNG"))


def _noise(rng: random.Random) -> Iterator[Sample]:
    for size in ((64, 64), (200, 150), (512, 512)):
        for fmt in ("PNG", "JPEG", "WEBP"):
            yield Sample(f"noise-{size[0]}x{size[1]}.{fmt.lower()}", encode(noise(rng, size), fmt))
    yield Sample("noise-rgba.png", encode(noise(rng, (160, 160), "RGBA"), "PNG"))


def _photos(rng: random.Random) -> Iterator[Sample]:
    sizes = [(640, 480), (480, 640), (1024, 1024), (333, 777), (900, 600)]
    for index in range(15):
        fmt = ("JPEG", "PNG", "WEBP")[index % 3]
        image = photo_like(rng, sizes[index % len(sizes)])
        yield Sample(f"photo-{index}.{fmt.lower()}", encode(image, fmt, quality=85))


def _tiny(rng: random.Random) -> Iterator[Sample]:
    for size in ((1, 1), (2, 2), (3, 3), (1, 5), (7, 2)):
        yield Sample(f"tiny-{size[0]}x{size[1]}.png", encode(noise(rng, size), "PNG"))
    dot = Image.new("RGBA", (3, 3), (0, 0, 0, 0))
    dot.putpixel((1, 1), (255, 0, 0, 255))
    yield Sample("tiny-transparent-dot.png", encode(dot, "PNG"))
    yield Sample("tiny-1x1.gif", encode(Image.new("P", (1, 1), 3), "GIF"))
    sprite = noise(rng, (16, 16)).quantize(8)
    yield Sample("pixel-art-16.png", encode(sprite, "PNG"))


def _huge(rng: random.Random) -> Iterator[Sample]:
    size = (3000, 3000)
    image = shape_on((255, 255, 255), size, (400, 300, 2600, 2800), _colour(rng))
    yield Sample("huge-3000.jpeg", encode(image, "JPEG", quality=80))
    yield Sample("huge-3000.png", encode(image, "PNG"))


def _odd_shapes(rng: random.Random) -> Iterator[Sample]:
    for size in ((2000, 100), (100, 2000), (1000, 100), (100, 1000), (600, 20), (20, 600)):
        image = photo_like(rng, size) if size[0] > size[1] else noise(rng, size)
        yield Sample(f"aspect-{size[0]}x{size[1]}.png", encode(image, "PNG"))
    banner = shape_on((0, 0, 0, 0), (1200, 120), (10, 10, 1190, 110), _colour(rng, 255))
    yield Sample("aspect-transparent-banner.png", encode(banner, "PNG"))


def _transparent(rng: random.Random) -> Iterator[Sample]:
    for index in range(20):
        size = (rng.randrange(64, 700), rng.randrange(64, 700))
        box = _random_box(rng, size)
        image = shape_on((0, 0, 0, 0), size, box, _colour(rng, rng.choice((255, 255, 180))))
        fmt = "WEBP" if index % 5 == 4 else "PNG"
        yield Sample(f"transparent-shape-{index}.{fmt.lower()}", encode(image, fmt, lossless=True))


def _plain_backgrounds(rng: random.Random) -> Iterator[Sample]:
    for index in range(15):
        size = (rng.randrange(128, 800),) * 2
        side = size[0]
        box = (side // 6, side // 5, side - side // 5, side - side // 6)
        background = (255, 255, 255) if index % 3 else _colour(rng)
        image = shape_on(background, size, box, _colour(rng))
        fmt = ("PNG", "JPEG", "WEBP")[index % 3]
        yield Sample(f"plain-background-{index}.{fmt.lower()}", encode(image, fmt))


def _modes(rng: random.Random) -> Iterator[Sample]:
    paletted = shape_on((0, 0, 0, 0), (200, 200), (20, 40, 180, 160), _colour(rng, 255)).quantize(
        16
    )
    yield Sample("mode-palette-alpha.png", encode(paletted, "PNG"))
    grey_alpha = shape_on((0, 0, 0, 0), (120, 90), (5, 5, 60, 80), (200, 200, 200, 255))
    yield Sample("mode-la.png", encode(grey_alpha.convert("LA"), "PNG"))
    deep = Image.linear_gradient("L").convert("I").point(lambda v: v * 256).convert("I;16")
    yield Sample("mode-grey-16bit.png", encode(deep, "PNG"))
    yield Sample("mode-cmyk.jpeg", encode(photo_like(rng, (300, 200)).convert("CMYK"), "JPEG"))
    yield Sample("mode-bilevel.png", encode(noise(rng, (100, 100), "L").convert("1"), "PNG"))


def _bouncing_ball(rng: random.Random, count: int, size: int, background: tuple[int, ...]):
    colour = _colour(rng, 255)
    frames = []
    for index in range(count):
        frame = Image.new("RGBA", (size, size), background)
        x = (index * 7) % (size - size // 4)
        ImageDraw.Draw(frame).ellipse(
            (x, size // 3, x + size // 4, size // 3 + size // 4), fill=colour
        )
        frames.append(frame)
    return frames


def _animations(rng: random.Random) -> Iterator[Sample]:
    clear = (0, 0, 0, 0)
    yield Sample(
        "anim-ball-20.gif",
        encode_animation(_bouncing_ball(rng, 20, 160, clear), "GIF", duration=60, disposal=2),
        animated=True,
    )
    yield Sample(
        "anim-ball-opaque-30.gif",
        encode_animation(_bouncing_ball(rng, 30, 200, (250, 250, 240, 255)), "GIF", duration=40),
        animated=True,
    )
    many = [frame.convert("RGB") for frame in _bouncing_ball(rng, 200, 96, (30, 60, 90, 255))]
    yield Sample("anim-200-frames.gif", encode_animation(many, "GIF", duration=30), animated=True)
    noisy = [noise(rng, (128, 128)) for _ in range(60)]
    yield Sample("anim-noise-60.gif", encode_animation(noisy, "GIF", duration=50), animated=True)
    photos = [photo_like(rng, (180, 180)) for _ in range(12)]
    yield Sample("anim-photos-12.gif", encode_animation(photos, "GIF", duration=100), animated=True)
    yield Sample(
        "anim-ball.apng",
        encode_animation(_bouncing_ball(rng, 16, 140, clear), "PNG", duration=80),
        animated=True,
    )
    yield Sample(
        "anim-ball.webp",
        encode_animation(_bouncing_ball(rng, 16, 140, clear), "WEBP", duration=80, lossless=True),
        animated=True,
    )
    yield Sample(
        "anim-large-frames.gif",
        encode_animation(_bouncing_ball(rng, 24, 700, clear), "GIF", duration=50, disposal=2),
        animated=True,
    )
    blinking = [Image.new("RGB", (64, 64), _colour(rng)) for _ in range(4)]
    yield Sample(
        "anim-zero-durations.gif", encode_animation(blinking, "GIF", duration=0), animated=True
    )
    still_like = [Image.new("RGB", (50, 50), (10, 200, 10))] * 3
    yield Sample("anim-identical-frames.gif", encode_animation(still_like, "GIF", duration=100))


_MAKERS: list[Callable[[random.Random], Iterator[Sample]]] = [
    _gradients,
    _noise,
    _photos,
    _tiny,
    _huge,
    _odd_shapes,
    _transparent,
    _plain_backgrounds,
    _modes,
    _animations,
]
