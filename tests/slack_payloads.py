"""Slack requests as Slack sends them: form bodies, signed for real with slack_sdk."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from emojiforge.webhook import HttpRequest

SIGNING_SECRET = "test-signing-secret-0123456789"
TEAM = "T0ACME"
USER = "U0ALICE"
CHANNEL = "C0GENERAL"


def signed(
    body: bytes,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: float | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> HttpRequest:
    ts = str(int(time.time() if timestamp is None else timestamp))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return HttpRequest(
        body=body,
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or "",
        },
    )


def slash_command(text: str = "", *, response_url: str = "", trigger: str = "trig-1") -> bytes:
    return urlencode(
        {
            "command": "/emoji",
            "text": text,
            "team_id": TEAM,
            "channel_id": CHANNEL,
            "user_id": USER,
            "response_url": response_url,
            "trigger_id": trigger,
        }
    ).encode()


def interaction(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def message_shortcut(text: str, *, ts: str = "1733300000.000100") -> bytes:
    return interaction(
        {
            "type": "message_action",
            "callback_id": "make_emoji_from_message",
            "trigger_id": "trig-msg",
            "team": {"id": TEAM},
            "user": {"id": USER},
            "channel": {"id": CHANNEL},
            "message": {"ts": ts, "text": text},
            "response_url": "",
        }
    )


def global_shortcut() -> bytes:
    return interaction(
        {
            "type": "shortcut",
            "callback_id": "make_emoji",
            "trigger_id": "trig-global",
            "team": {"id": TEAM},
            "user": {"id": USER},
        }
    )


def submission(
    view: dict[str, Any], *, view_id: str = "V0MODAL1", user: str = USER, **fields: str
) -> bytes:
    """Fill ``view`` (as opened) the way a person would and submit it."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        block_id = block["block_id"]
        element = block["element"]
        given = fields.get(block_id)
        if element["type"] == "checkboxes":
            ticked = (
                element.get("initial_options", [])
                if given is None
                else [
                    option for option in element["options"] if option["value"] in given.split(",")
                ]
            )
            values[block_id] = {"value": {"type": "checkboxes", "selected_options": ticked}}
        elif element["type"] in {"static_select", "radio_buttons"}:
            chosen = given or element["initial_option"]["value"]
            values[block_id] = {
                "value": {"type": element["type"], "selected_option": {"value": chosen}}
            }
        else:
            text = given if given is not None else element.get("initial_value")
            values[block_id] = {"value": {"type": "plain_text_input", "value": text}}
    return interaction(
        {
            "type": "view_submission",
            "team": {"id": TEAM},
            "user": {"id": user},
            "trigger_id": "trig-sub",
            "view": {**view, "id": view_id, "state": {"values": values}},
        }
    )


def block_action(
    action_id: str, value: str, *, action_ts: str = "1733300001.000200", response_url: str = ""
) -> bytes:
    return interaction(
        {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": USER},
            "trigger_id": "trig-act",
            "channel": {"id": CHANNEL},
            "actions": [
                {
                    "action_id": action_id,
                    "value": value,
                    "action_ts": action_ts,
                    "block_id": "b",
                    "type": "button",
                }
            ],
            "response_url": response_url,
        }
    )
