"""The job message: ADR-002's wire format plus optional, versioned extensions.

The ADR fields keep their names and places exactly::

    {"job_id", "correlation_id", "user_id", "channel_id",
     "emoji_spec": {"description", "style"}, "timestamp"}

Extensions that describe the emoji (name, effect, options, provider) live in
``emoji_spec``; extensions that delivery needs (team, message/thread ts,
response_url, view id) live at the top level, and so does a pick: ``pick`` and
``picked_from`` together say "add option ``pick`` (0-based) of job
``picked_from`` to the workspace"; such a job generates nothing. A message without ``schema`` is
schema 1. Parsing is strict: an unknown field or a wrong type raises
``InvalidInput`` naming the field, so a bad message goes to the dead-letter
queue with a clear reason instead of half-working.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from emojiforge.errors import InvalidInput
from emojiforge.names import validate_name

SCHEMA_VERSION = 1
MAX_DESCRIPTION = 500
MAX_OPTIONS = 4

STYLES = (
    "cartoon",
    "flat",
    "pixel",
    "clay",
    "line",
    "kawaii",
    "sticker",
    "realistic",
    "retro",
    "text",
)
EFFECTS = ("none", "party", "spin", "shake", "pulse", "intensifies", "scroll")

_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_SLACK_ID = re.compile(r"^[A-Z0-9]{1,32}$")
_TS = re.compile(r"^\d{1,12}\.\d{1,8}$")


@dataclass(frozen=True)
class EmojiSpec:
    description: str
    style: str = "cartoon"
    effect: str = "none"
    name: str | None = None
    options: int = 1
    provider: str | None = None
    source_text: str | None = None  # the message a message shortcut came from

    def provider_for_style(self) -> str | None:
        """Text emoji are drawn by the offline renderer whatever the provider:
        a font gets the letters right, an image model does not."""
        return "offline" if self.style == "text" else self.provider


@dataclass(frozen=True)
class Job:
    job_id: str
    correlation_id: str
    user_id: str
    channel_id: str | None
    emoji_spec: EmojiSpec
    timestamp: str
    schema: int = SCHEMA_VERSION
    team_id: str | None = None
    message_ts: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    view_id: str | None = None
    pick: int | None = None  # with picked_from: add that option of that job, make nothing
    picked_from: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        spec = {k: v for k, v in data["emoji_spec"].items() if v is not None}
        data["emoji_spec"] = spec
        # Optional fields that are unset stay off the wire, so the ADR shape is exact.
        return {k: v for k, v in data.items() if v is not None}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    def with_changes(self, **changes: Any) -> Job:
        return replace(self, **changes)

    @property
    def group_id(self) -> str:
        """FIFO group: one per team+user, so one person's jobs stay in order
        and nobody waits behind anybody else."""
        return f"{self.team_id or 'local'}:{self.user_id}"


def new_job_id(seed: str | None = None) -> str:
    """A job id; derived from ``seed`` (e.g. a view id) so a retry maps to one job."""
    if seed:
        cleaned = re.sub(r"[^A-Za-z0-9_.:-]", "_", seed)
        if len(cleaned) > 120:
            # Cutting would drop the end, where a regenerate's click time sits:
            # two clicks would become one job. Keep the start, hash the whole.
            cleaned = cleaned[:87] + "_" + hashlib.sha256(seed.encode()).hexdigest()[:32]
        return f"job_{cleaned}"
    return f"job_{secrets.token_hex(8)}"


def new_correlation_id() -> str:
    return f"req_{secrets.token_hex(8)}"


def utc_now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_TOP_FIELDS = {
    "job_id",
    "correlation_id",
    "user_id",
    "channel_id",
    "emoji_spec",
    "timestamp",
    "schema",
    "team_id",
    "message_ts",
    "thread_ts",
    "response_url",
    "view_id",
    "pick",
    "picked_from",
}
_SPEC_FIELDS = {"description", "style", "effect", "name", "options", "provider", "source_text"}


def parse_job(raw: str | bytes) -> Job:
    """Parse and validate a job message; ``InvalidInput`` names the bad field."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("message", f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InvalidInput("message", "must be a JSON object")
    return job_from_dict(data)


def job_from_dict(data: dict[str, Any]) -> Job:
    schema = data.get("schema", 1)
    if schema != SCHEMA_VERSION or isinstance(schema, bool):
        raise InvalidInput("schema", f"unsupported schema version {schema!r}")
    unknown = sorted(set(data) - _TOP_FIELDS)
    if unknown:
        raise InvalidInput(unknown[0], "unknown field")
    spec_data = _required(data, "emoji_spec", dict)
    unknown = sorted(set(spec_data) - _SPEC_FIELDS)
    if unknown:
        raise InvalidInput(f"emoji_spec.{unknown[0]}", "unknown field")
    spec = EmojiSpec(
        description=_description(spec_data),
        style=_choice(spec_data, "style", STYLES, "cartoon"),
        effect=_choice(spec_data, "effect", EFFECTS, "none"),
        name=_emoji_name(spec_data),
        options=_options(spec_data),
        provider=_optional(spec_data, "provider", str, prefix="emoji_spec."),
        source_text=_optional(spec_data, "source_text", str, prefix="emoji_spec."),
    )
    return Job(
        job_id=_matching(data, "job_id", _ID),
        correlation_id=_matching(data, "correlation_id", _ID),
        user_id=_matching(data, "user_id", _SLACK_ID),
        channel_id=_optional_matching(data, "channel_id", _SLACK_ID),
        emoji_spec=spec,
        timestamp=_timestamp(data),
        schema=SCHEMA_VERSION,
        team_id=_optional_matching(data, "team_id", _SLACK_ID),
        message_ts=_optional_matching(data, "message_ts", _TS),
        thread_ts=_optional_matching(data, "thread_ts", _TS),
        response_url=_response_url(data),
        view_id=_optional_matching(data, "view_id", _ID),
        pick=_pick(data),
        picked_from=_picked_from(data),
    )


def _required(data: dict[str, Any], name: str, kind: type, prefix: str = "") -> Any:
    if name not in data or data[name] is None:
        raise InvalidInput(prefix + name, "is required")
    value = data[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InvalidInput(prefix + name, f"must be a {kind.__name__}")
    return value


def _optional(data: dict[str, Any], name: str, kind: type, prefix: str = "") -> Any:
    if data.get(name) is None:
        return None
    return _required(data, name, kind, prefix)


def _matching(data: dict[str, Any], name: str, pattern: re.Pattern[str]) -> str:
    value: str = _required(data, name, str)
    if not pattern.match(value):
        raise InvalidInput(name, f"malformed value {value[:40]!r}")
    return value


def _optional_matching(data: dict[str, Any], name: str, pattern: re.Pattern[str]) -> str | None:
    return None if data.get(name) is None else _matching(data, name, pattern)


def _description(spec: dict[str, Any]) -> str:
    value: str = _required(spec, "description", str, "emoji_spec.")
    value = value.strip()
    if not value:
        raise InvalidInput("emoji_spec.description", "must not be empty")
    if len(value) > MAX_DESCRIPTION:
        raise InvalidInput("emoji_spec.description", f"longer than {MAX_DESCRIPTION} characters")
    return value


def _emoji_name(spec: dict[str, Any]) -> str | None:
    # Checked here too, not only in the modal: the name becomes a file name and
    # an ``admin.emoji.add`` argument, whoever put the job on the queue.
    value: str | None = _optional(spec, "name", str, "emoji_spec.")
    if value is None:
        return None
    try:
        return validate_name(value)
    except InvalidInput as error:
        raise InvalidInput("emoji_spec.name", error.message) from None


def _choice(spec: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _optional(spec, name, str, "emoji_spec.")
    if value is None:
        return default
    if value not in allowed:
        raise InvalidInput(f"emoji_spec.{name}", f"unknown {name} {value!r}")
    return str(value)


def _options(spec: dict[str, Any]) -> int:
    value = _optional(spec, "options", int, "emoji_spec.")
    if value is None:
        return 1
    if not 1 <= value <= MAX_OPTIONS:
        raise InvalidInput("emoji_spec.options", f"must be between 1 and {MAX_OPTIONS}")
    return int(value)


def _pick(data: dict[str, Any]) -> int | None:
    value = _optional(data, "pick", int)
    if value is not None and not 0 <= value < MAX_OPTIONS:
        raise InvalidInput("pick", f"must be between 0 and {MAX_OPTIONS - 1}")
    return None if value is None else int(value)


def _picked_from(data: dict[str, Any]) -> str | None:
    # Both or neither: a pick without its job (or the reverse) cannot be carried out.
    value = _optional_matching(data, "picked_from", _ID)
    if (value is None) != (data.get("pick") is None):
        raise InvalidInput(
            "picked_from" if value is None else "pick", "pick and picked_from go together"
        )
    return value


def _timestamp(data: dict[str, Any]) -> str:
    value: str = _required(data, "timestamp", str)
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("timestamp", f"not an ISO-8601 time: {value[:40]!r}") from None
    return value


def _response_url(data: dict[str, Any]) -> str | None:
    value: str | None = _optional(data, "response_url", str)
    if value is not None and not value.startswith(
        ("https://", "http://127.0.0.1", "http://localhost")
    ):
        raise InvalidInput("response_url", "must be an https URL")
    return value
