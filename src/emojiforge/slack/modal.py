"""The "Make an emoji" modal: building it and reading a submission (pure).

The modal's context (where it was opened from) rides in ``private_metadata``,
which Slack caps at 3,000 characters; the source message text is cut until
the context fits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from emojiforge.errors import InvalidInput
from emojiforge.images.prompts import STYLE_LABELS
from emojiforge.jobs import EFFECTS, MAX_DESCRIPTION, STYLES, EmojiSpec
from emojiforge.names import validate_name

CALLBACK_ID = "emoji_modal"
MAX_METADATA = 3000
MAX_SOURCE_TEXT = 1000

EFFECT_LABELS = {
    "none": "None (still image)",
    "party": "Party (colour cycle)",
    "spin": "Spin",
    "shake": "Shake",
    "pulse": "Pulse",
    "intensifies": "Intensifies",
    "scroll": "Scroll (marquee)",
}
PROVIDER_LABELS = {"openai": "OpenAI", "gemini": "Gemini", "offline": "Offline (text only)"}


@dataclass(frozen=True)
class ModalContext:
    """Where the modal came from: enough to post the result back there."""

    origin: str  # "command", "message" or "global"
    team_id: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    source_text: str | None = None

    def __post_init__(self) -> None:
        # Slack sends "" for absent values in places; absent is None here.
        for name in self.__dataclass_fields__:
            if getattr(self, name) == "":
                object.__setattr__(self, name, None)

    def to_metadata(self) -> str:
        context = self
        if context.source_text and len(context.source_text) > MAX_SOURCE_TEXT:
            context = replace(context, source_text=context.source_text[:MAX_SOURCE_TEXT])
        encoded = _encode(context)
        while len(encoded) > MAX_METADATA and context.source_text:
            # JSON escaping can grow non-Latin text several times over: cut until it fits.
            context = replace(
                context, source_text=context.source_text[: len(context.source_text) // 2]
            )
            encoded = _encode(context)
        if len(encoded) > MAX_METADATA:
            context = replace(context, source_text=None, response_url=None)
            encoded = _encode(context)
        return encoded

    @classmethod
    def from_metadata(cls, raw: str) -> ModalContext:
        try:
            data = json.loads(raw or "{}")
            return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        except (ValueError, TypeError):
            raise InvalidInput("private_metadata", "could not read the modal's context") from None


def _encode(context: ModalContext) -> str:
    data = {k: v for k, v in asdict(context).items() if v is not None}
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Submission:
    description: str
    style: str
    effect: str
    name: str | None
    options: int
    provider: str | None
    dm: bool  # post the result in a DM rather than the conversation
    react: bool = False  # put the new emoji on the source message as a reaction

    def spec(self, *, provider: str | None, source_text: str | None = None) -> EmojiSpec:
        """The job's emoji spec; ``provider`` fills in when the form had no choice."""
        return EmojiSpec(
            description=self.description,
            style=self.style,
            effect=self.effect,
            name=self.name,
            options=self.options,
            provider=self.provider or provider,
            source_text=source_text,
        )


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label[:75]}, "value": value}


def _select(block_id: str, label: str, choices: Mapping[str, str], initial: str) -> dict[str, Any]:
    options = [_option(value, text) for value, text in choices.items()]
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {
            "type": "static_select",
            "action_id": "value",
            "options": options,
            "initial_option": _option(initial, choices[initial]),
        },
    }


def emoji_modal(
    context: ModalContext,
    *,
    description: str = "",
    style: str = "cartoon",
    providers: Sequence[str] = ("offline",),
    default_provider: str | None = None,
    can_add_emoji: bool = False,
) -> dict[str, Any]:
    """The modal view. ``providers`` lists the configured ones; the choice
    only appears when there is more than one."""
    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": MAX_DESCRIPTION,
        "placeholder": {"type": "plain_text", "text": "e.g. a happy dancing taco, or “lgtm”"},
    }
    if description.strip():
        text_input["initial_value"] = description.strip()[:MAX_DESCRIPTION]
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": "description",
            "label": {"type": "plain_text", "text": "What should the emoji show?"},
            "element": text_input,
        },
        _select("style", "Style", {s: STYLE_LABELS[s] for s in STYLES}, style),
        _select("effect", "Animation", EFFECT_LABELS, "none"),
        {
            "type": "input",
            "block_id": "name",
            "optional": True,
            "label": {"type": "plain_text", "text": "Emoji name"},
            "hint": {
                "type": "plain_text",
                "text": "Lower case, a-z 0-9 - _. Empty: we suggest one.",
            },
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "max_length": 48,
                "placeholder": {"type": "plain_text", "text": "happy-dance"},
            },
        },
        _select("options", "How many options?", {str(n): str(n) for n in range(1, 5)}, "1"),
    ]
    if len(providers) > 1:
        chosen = default_provider if default_provider in providers else None
        chosen = chosen or providers[0]
        labels = {p: PROVIDER_LABELS.get(p, p) for p in providers}
        blocks.append(_select("provider", "Image maker", labels, chosen))
    if context.channel_id:
        blocks.append(_destination_block())
    if context.message_ts and can_add_emoji:
        # Only where the workspace lets us add emoji by API (Enterprise + admin token).
        blocks.append(_react_block())
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": "Make an emoji"},
        "submit": {"type": "plain_text", "text": "Make it"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": context.to_metadata(),
        "blocks": blocks,
    }


def _destination_block() -> dict[str, Any]:
    here = _option("here", "Post it in this conversation")
    return {
        "type": "input",
        "block_id": "destination",
        "label": {"type": "plain_text", "text": "Where should it go?"},
        "element": {
            "type": "radio_buttons",
            "action_id": "value",
            "options": [here, _option("dm", "Send it to me privately")],
            "initial_option": here,
        },
    }


def _react_block() -> dict[str, Any]:
    react = _option("react", "React to the message with the new emoji")
    return {
        "type": "input",
        "block_id": "react",
        "optional": True,
        "label": {"type": "plain_text", "text": "Reaction"},
        "element": {
            "type": "checkboxes",
            "action_id": "value",
            "options": [react],
            "initial_options": [react],
        },
    }


def read_submission(values: Mapping[str, Any], providers: Sequence[str]) -> Submission:
    """Parse ``view.state.values``; raise ``FieldErrors`` with one message per
    bad block, which the webhook returns as ``response_action: errors``."""
    errors: dict[str, str] = {}

    def value(block: str) -> str | None:
        element = values.get(block, {}).get("value", {})
        if "selected_option" in element:
            option = element["selected_option"] or {}
            return str(option.get("value")) if option else None
        raw = element.get("value")
        return str(raw) if raw is not None else None

    description = (value("description") or "").strip()
    if not description:
        errors["description"] = "Describe the emoji you want."
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Keep it under {MAX_DESCRIPTION} characters."
    style = value("style") or "cartoon"
    if style not in STYLES:
        errors["style"] = "Pick one of the styles."
    effect = value("effect") or "none"
    if effect not in EFFECTS:
        errors["effect"] = "Pick one of the animations."
    name: str | None = None
    raw_name = (value("name") or "").strip()
    if raw_name:
        try:
            name = validate_name(raw_name)
        except InvalidInput as error:
            errors["name"] = error.message
    options_raw = value("options") or "1"
    options = int(options_raw) if options_raw.isdigit() else 0
    if not 1 <= options <= 4:
        errors["options"] = "Choose between 1 and 4 options."
    provider = value("provider")
    if provider is not None and provider not in providers:
        errors["provider"] = "That image maker is not available."
    if errors:
        raise FieldErrors(errors)
    return Submission(
        description=description,
        style=style,
        effect=effect,
        name=name,
        options=options,
        provider=provider,
        dm=value("destination") == "dm",
        react=any(
            option.get("value") == "react"
            for option in values.get("react", {}).get("value", {}).get("selected_options") or []
        ),
    )


class FieldErrors(InvalidInput):
    """Several modal fields are wrong at once; ``errors`` maps block id → message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(first, errors[first])
        self.errors = dict(errors)
