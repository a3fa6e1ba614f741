"""``emojiforge`` command line: one sub-command per module, one line per error."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from emojiforge.cli import doctor, generate, manifest, ops, serve, settings_doc
from emojiforge.errors import EmojiForgeError

_COMMANDS = (generate, serve, manifest, ops, doctor, settings_doc)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="emojiforge", description="Make Slack-ready custom emoji."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except EmojiForgeError as error:
        # A user mistake or a known failure: one readable line, no traceback.
        print(f"emojiforge: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("emojiforge: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
