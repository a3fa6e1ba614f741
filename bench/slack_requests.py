"""Signed Slack requests for the benches, built the way the tests build them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import signed, slash_command, submission

from emojiforge.webhook import HttpRequest


def modal_view(slack: FakeSlack, send: Callable[[HttpRequest], int]) -> dict[str, Any]:
    """Run ``/emoji ship it`` through ``send`` and return the modal it opened."""
    status = send(signed(slash_command("ship it")))
    if status != 200:
        raise RuntimeError(f"the slash command was answered with HTTP {status}")
    view: dict[str, Any] = slack.calls_to("views.open")[-1].params["view"]
    return view


def submission_request(view: dict[str, Any], run: str, index: int) -> HttpRequest:
    """A distinct person submitting the modal: a new job (the job id comes from the
    view id) in its own message group, and nobody reaches the daily quota."""
    return signed(
        submission(
            view,
            view_id=f"V{run}{index:05d}".upper(),
            user=f"U{run}{index:05d}".upper(),
            style="text",
        )
    )
