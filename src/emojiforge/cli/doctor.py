"""``emojiforge doctor``: what is wrong with this set-up, and how to fix it."""

from __future__ import annotations

import argparse
from typing import Any

from emojiforge.doctor import run_checks
from emojiforge.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser("doctor", help="check settings, Slack, provider, queue, store")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    checks = run_checks(Settings.from_env())
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        print(f"[{mark}] {check.name}: {check.detail}")
        if not check.ok and check.fix:
            print(f"       → {check.fix}")
    failed = sum(not c.ok for c in checks)
    print(f"\n{len(checks) - failed} ok, {failed} to fix")
    return 1 if failed else 0
