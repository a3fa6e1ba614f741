"""The Slack app manifest: exactly the features and scopes the code uses (pure)."""

from __future__ import annotations

from typing import Any

from emojiforge.slack.listeners import COMMAND, GLOBAL_SHORTCUT, MESSAGE_SHORTCUT

# Each scope, and the call that needs it.
BOT_SCOPES = {
    "commands": "/emoji and the shortcuts",
    "chat:write": "chat.postMessage, chat.postEphemeral",
    "files:write": "files.getUploadURLExternal / files.completeUploadExternal",
    "emoji:read": "emoji.list (name clashes)",
    "reactions:write": "reactions.add on the source message",
    "im:write": "conversations.open (results and notices by DM)",
}
ADMIN_USER_SCOPES = {"admin.teams:write": "admin.emoji.add (Enterprise organisations only)"}


def manifest(
    url: str | None, *, socket_mode: bool = False, name: str = "EmojiForge"
) -> dict[str, Any]:
    endpoint = None if socket_mode or not url else url.rstrip("/") + "/slack/events"
    command: dict[str, Any] = {
        "command": COMMAND,
        "description": "Make a custom emoji",
        "usage_hint": "[description] or help",
        "should_escape": False,
    }
    interactivity: dict[str, Any] = {"is_enabled": True}
    if endpoint:
        command["url"] = endpoint
        interactivity["request_url"] = endpoint
    return {
        "display_information": {
            "name": name,
            "description": "Custom emoji made with AI, in seconds.",
            "background_color": "#2c2d30",
        },
        "features": {
            "bot_user": {"display_name": name, "always_online": False},
            "slash_commands": [command],
            "shortcuts": [
                {
                    "name": "Make an emoji",
                    "type": "global",
                    "callback_id": GLOBAL_SHORTCUT,
                    "description": "Describe it, get it in seconds",
                },
                {
                    "name": "Make an emoji",
                    "type": "message",
                    "callback_id": MESSAGE_SHORTCUT,
                    "description": "Make an emoji from this message",
                },
            ],
        },
        "oauth_config": {"scopes": {"bot": sorted(BOT_SCOPES)}},
        "settings": {
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def to_yaml(value: Any, indent: int = 0) -> str:
    """A small YAML emitter for the manifest's plain dicts, lists and scalars."""
    pad = "  " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:\n{to_yaml(item, indent + 1)}")
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
        return "\n".join(lines)
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict):
                body = to_yaml(item, indent + 1).lstrip()
                lines.append(f"{pad}- {body}")
            else:
                lines.append(f"{pad}- {_scalar(item)}")
        return "\n".join(lines)
    return pad + _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
