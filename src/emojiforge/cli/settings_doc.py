"""``emojiforge settings-doc``: print docs/settings.md from the declarations."""

from __future__ import annotations

import argparse
from typing import Any

from emojiforge.settings import settings_table

HEADER = """# Settings

Every setting is an environment variable, read in one place
(`src/emojiforge/settings.py`). Secrets are never logged; in AWS they come
from Secrets Manager, not from the functions' environment. This file is
generated: `emojiforge settings-doc > docs/settings.md`.

"""


def register(commands: Any) -> None:
    parser = commands.add_parser("settings-doc", help="print the settings reference (Markdown)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(HEADER + settings_table(), end="")
    return 0
