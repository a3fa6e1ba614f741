"""``emojiforge generate`` and ``emojiforge demo``: emoji into a folder, offline."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emojiforge.cli.progress import Progress
from emojiforge.cli.table import format_table
from emojiforge.errors import InvalidInput
from emojiforge.jobs import EFFECTS, MAX_OPTIONS, STYLES, EmojiSpec
from emojiforge.names import option_names, suggest_name, validate_name
from emojiforge.settings import Settings

DEMO = (
    EmojiSpec(description="lgtm", style="text"),
    EmojiSpec(description="ship it", style="text", effect="party"),
    EmojiSpec(description="+1", style="text", effect="pulse"),
    EmojiSpec(description="nope", style="text", effect="shake"),
    EmojiSpec(description="on fire", style="text", effect="intensifies"),
    EmojiSpec(description="deploy friday", style="text", effect="scroll"),
    EmojiSpec(description="wow", style="pixel", effect="spin", provider="offline"),
)


@dataclass(frozen=True)
class Written:
    name: str
    path: Path
    size: int
    frames: int


def register(commands: Any) -> None:
    gen = commands.add_parser("generate", help="make emoji from a description or an image")
    gen.add_argument("description", help='what the emoji shows, e.g. "ship it"')
    gen.add_argument(
        "--style", choices=STYLES, help="default: text offline, cartoon with an AI provider"
    )
    gen.add_argument("--effect", choices=EFFECTS, default="none")
    gen.add_argument("--from", dest="source", type=Path, help="start from this image file")
    gen.add_argument("--name", help="emoji name (default: suggested from the description)")
    gen.add_argument("--out", type=Path, help="output folder (default: EMOJIFORGE_OUT_DIR)")
    gen.add_argument("--options", type=int, default=1, help=f"how many (1-{MAX_OPTIONS})")
    gen.add_argument("--provider", help="offline, openai or gemini (default: best configured)")
    gen.add_argument(
        "--keep-background", action="store_true", help="with --from: keep a plain background"
    )
    gen.set_defaults(run=run_generate)

    demo = commands.add_parser("demo", help="make a set of sample emoji offline")
    demo.add_argument("--out", type=Path, help="output folder (default: EMOJIFORGE_OUT_DIR)")
    demo.set_defaults(run=run_demo)


def run_generate(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not 1 <= args.options <= MAX_OPTIONS:
        raise InvalidInput("--options", f"must be between 1 and {MAX_OPTIONS}")
    style = args.style or _default_style(settings, args.provider)
    spec = EmojiSpec(
        description=args.description.strip(),
        style=style,
        effect=args.effect,
        name=validate_name(args.name) if args.name else None,
        options=args.options,
        provider=args.provider,
    )
    if not spec.description:
        raise InvalidInput("description", "must not be empty")
    out = args.out or settings.out_dir
    with Progress(f"Making {spec.options} emoji"):
        written = _make(
            spec,
            out,
            settings,
            source=args.source,
            keep_background=args.keep_background,
        )
    print(_table(written))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    out = args.out or settings.out_dir
    written: list[Written] = []
    with Progress(f"Making {len(DEMO)} sample emoji into {out}/"):
        for spec in DEMO:
            written += _make(spec, out, settings, overwrite=True)
    print(_table(written))
    return 0


def _make(
    spec: EmojiSpec,
    out: Path,
    settings: Settings,
    *,
    source: Path | None = None,
    keep_background: bool = False,
    overwrite: bool = False,
) -> list[Written]:
    # Imported here: Pillow is only loaded by the commands that draw.
    from emojiforge.images.files import write_emoji
    from emojiforge.images.model import Artwork
    from emojiforge.images.pipeline import make_emoji, make_options
    from emojiforge.wiring import build_provider

    if source is not None:
        artwork = Artwork(data=_read(source), plain_background=not keep_background)
        emojis = [make_emoji(artwork, spec.effect)]
    else:
        emojis = make_options(spec, build_provider(settings, spec.provider_for_style()))
    base = spec.name or suggest_name(spec.description)
    # A new file never replaces an earlier one, except the demo's own samples.
    existing = {p.stem for p in out.glob("*.*")} if out.is_dir() and not overwrite else set()
    names = option_names(base, len(emojis), existing)
    return [
        Written(name, path, emoji.size, emoji.frames)
        for name, emoji in zip(names, emojis, strict=True)
        for path in [write_emoji(out, name, emoji)]
    ]


def _default_style(settings: Settings, provider: str | None) -> str:
    from emojiforge.wiring import default_provider_name

    return "text" if (provider or default_provider_name(settings)) == "offline" else "cartoon"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput("--from", f"cannot read {path}: {error.strerror}") from None


def _table(written: list[Written]) -> str:
    rows = [(w.name, w.path, f"{w.size:,}", w.frames) for w in written]
    return format_table(("name", "file", "bytes", "frames"), rows)
