"""``emojiforge manifest``: the Slack app manifest to paste at api.slack.com/apps."""

from __future__ import annotations

import argparse
from typing import Any

from emojiforge.errors import InvalidInput
from emojiforge.slack.manifest import manifest, to_yaml


def register(commands: Any) -> None:
    parser = commands.add_parser("manifest", help="print the Slack app manifest (YAML)")
    parser.add_argument("--url", help="public base URL, e.g. https://abc.example.com")
    parser.add_argument("--socket-mode", action="store_true", help="no public URL: Socket Mode")
    parser.add_argument("--name", default="EmojiForge", help="the app's name in Slack")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.socket_mode and not (args.url or "").startswith("https://"):
        raise InvalidInput("--url", "give the public https URL Slack will call, or --socket-mode")
    print(to_yaml(manifest(args.url, socket_mode=args.socket_mode, name=args.name)))
    return 0
