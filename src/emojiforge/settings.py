"""The only reader of the environment.

Every variable is declared once below, with its type, default and meaning;
``docs/settings.md`` is generated from these declarations and a test keeps the
two in step. Secret values are wrapped in ``Secret`` so that a log line or a
repr can never show them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from emojiforge.errors import ConfigError


class Secret:
    """A string that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _var(env: str, default: Any, doc: str, *, secret: bool = False) -> Any:
    return field(default=default, metadata={"env": env, "doc": doc, "secret": secret})


@dataclass(frozen=True)
class Settings:
    # Local running
    data_dir: Path = _var(
        "EMOJIFORGE_DATA_DIR",
        Path(".emojiforge"),
        "Folder for the embedded queue and job store (SQLite files).",
    )
    out_dir: Path = _var("EMOJIFORGE_OUT_DIR", Path("out"), "Where the CLI writes emoji.")
    log_level: str = _var("EMOJIFORGE_LOG_LEVEL", "INFO", "Log level (DEBUG, INFO, WARNING).")
    provider: str = _var(
        "EMOJIFORGE_PROVIDER",
        "auto",
        "Default image provider: `auto` (best configured), `offline`, `openai`, `gemini`.",
    )
    # Slack
    slack_signing_secret: Secret = _var(
        "SLACK_SIGNING_SECRET", Secret(""), "Slack app signing secret.", secret=True
    )
    slack_bot_token: Secret = _var(
        "SLACK_BOT_TOKEN", Secret(""), "Bot token (`xoxb-…`).", secret=True
    )
    slack_admin_token: Secret = _var(
        "SLACK_ADMIN_TOKEN",
        Secret(""),
        "Optional Enterprise user token with `admin.teams:write` for `admin.emoji.add`.",
        secret=True,
    )
    slack_app_token: Secret = _var(
        "SLACK_APP_TOKEN", Secret(""), "App-level token (`xapp-…`) for Socket Mode.", secret=True
    )
    slack_api_url: str = _var(
        "SLACK_API_URL",
        "https://slack.com/api/",
        "Slack Web API base URL (tests point it at a fake).",
    )
    workspace_url: str = _var(
        "EMOJIFORGE_WORKSPACE_URL",
        "",
        "e.g. `https://acme.slack.com`: used for the one-click 'add emoji' link.",
    )
    public_url: str = _var(
        "EMOJIFORGE_PUBLIC_URL",
        "",
        "Public https URL of the local server (a tunnel); enables `admin.emoji.add` locally.",
    )
    playground_channel: str = _var(
        "EMOJIFORGE_PLAYGROUND_CHANNEL",
        "",
        "Slack channel id the playground's “Post to Slack” button posts to (needs the bot token).",
    )
    # Jobs and limits
    max_options: int = _var("EMOJIFORGE_MAX_OPTIONS", 4, "Most options one job may ask for.")
    daily_quota: int = _var(
        "EMOJIFORGE_DAILY_QUOTA", 50, "Jobs one user may start per day (0 = unlimited)."
    )
    workspace_monthly_quota: int = _var(
        "EMOJIFORGE_WORKSPACE_MONTHLY_QUOTA",
        0,
        "Jobs one workspace may start per month (0 = unlimited).",
    )
    workspace_monthly_budget_usd: float = _var(
        "EMOJIFORGE_WORKSPACE_MONTHLY_BUDGET_USD",
        0.0,
        "Estimated image spend one workspace may use per month, in USD (0 = unlimited).",
    )
    image_price_usd: float = _var(
        "EMOJIFORGE_IMAGE_PRICE_USD",
        0.0,
        "Price of one image for cost estimates; 0 uses the built-in table for the model.",
    )
    worker_timeout_s: float = _var(
        "EMOJIFORGE_WORKER_TIMEOUT_S", 30.0, "Time budget of one job in the worker (seconds)."
    )
    max_receives: int = _var(
        "EMOJIFORGE_MAX_RECEIVES", 3, "Receives before a job moves to the dead-letter queue."
    )
    # AWS
    queue_url: str = _var(
        "EMOJIFORGE_QUEUE_URL", "", "SQS FIFO queue URL; empty means the embedded queue."
    )
    dlq_url: str = _var("EMOJIFORGE_DLQ_URL", "", "SQS FIFO dead-letter queue URL.")
    table_name: str = _var(
        "EMOJIFORGE_TABLE", "", "DynamoDB job table; empty means the SQLite store."
    )
    bucket_name: str = _var("EMOJIFORGE_BUCKET", "", "S3 bucket for generated emoji.")
    secret_arn: str = _var(
        "EMOJIFORGE_SECRET_ARN",
        "",
        "Secrets Manager secret (JSON) holding the Slack and provider keys in AWS.",
    )
    aws_endpoint_url: str = _var(
        "EMOJIFORGE_AWS_ENDPOINT_URL", "", "Override AWS endpoints (tests use moto's server)."
    )
    # AI providers
    openai_api_key: Secret = _var("OPENAI_API_KEY", Secret(""), "OpenAI API key.", secret=True)
    openai_base_url: str = _var(
        "OPENAI_BASE_URL", "", "OpenAI API base URL (empty: the SDK default)."
    )
    openai_model: str = _var("EMOJIFORGE_OPENAI_MODEL", "gpt-image-1.5", "OpenAI image model.")
    openai_quality: str = _var(
        "EMOJIFORGE_OPENAI_QUALITY", "low", "OpenAI image quality: low, medium, high, auto."
    )
    openai_timeout_s: float = _var(
        "EMOJIFORGE_OPENAI_TIMEOUT_S", 60.0, "Timeout of one OpenAI request (seconds)."
    )
    openai_moderation: bool = _var(
        "EMOJIFORGE_OPENAI_MODERATION",
        False,
        "Check descriptions with OpenAI's free moderation endpoint before paying for images.",
    )
    gemini_api_key: Secret = _var("GEMINI_API_KEY", Secret(""), "Gemini API key.", secret=True)
    gemini_model: str = _var(
        "EMOJIFORGE_GEMINI_MODEL", "gemini-2.5-flash-image", "Gemini image model."
    )
    gemini_base_url: str = _var(
        "GEMINI_BASE_URL", "", "Gemini API base URL (empty: the SDK default; tests use a fake)."
    )
    gemini_timeout_s: float = _var(
        "EMOJIFORGE_GEMINI_TIMEOUT_S", 60.0, "Timeout of one Gemini request (seconds)."
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.metadata["env"], f.default, raw)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.provider not in {"auto", "offline", "openai", "gemini"}:
            raise ConfigError("EMOJIFORGE_PROVIDER", f"unknown provider {self.provider!r}")
        if not 1 <= self.max_options <= 4:
            raise ConfigError("EMOJIFORGE_MAX_OPTIONS", "must be between 1 and 4")
        if self.max_receives < 1:
            raise ConfigError("EMOJIFORGE_MAX_RECEIVES", "must be at least 1")
        if self.worker_timeout_s <= 0:
            raise ConfigError("EMOJIFORGE_WORKER_TIMEOUT_S", "must be positive")

    @property
    def queue_path(self) -> Path:
        return self.data_dir / "queue.sqlite3"

    @property
    def store_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def playground_dir(self) -> Path:
        return self.data_dir / "playground"


def _flag(raw: str) -> bool:
    # Strict, so a typo such as "ture" is an error rather than a silent "off".
    value = raw.lower()
    if value not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise ValueError(raw)
    return value in {"1", "true", "yes", "on"}


_CONVERTERS: dict[type, Callable[[str], Any]] = {
    Path: Path,
    Secret: Secret,
    bool: _flag,
    int: int,
    float: float,
    str: str,
}


def _convert(env: str, default: Any, raw: str) -> Any:
    converter = _CONVERTERS[type(default) if not isinstance(default, Path) else Path]
    try:
        return converter(raw.strip() if not isinstance(default, Secret) else raw)
    except ValueError:
        kind = type(default).__name__
        raise ConfigError(env, f"expected {kind}, got {raw!r}") from None


def settings_table() -> str:
    """The Markdown table of every variable, for docs/settings.md."""
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for f in fields(Settings):
        default = "" if f.metadata["secret"] else f.default
        shown = f"`{default}`" if default not in ("", None) else "(empty)"
        rows.append(f"| `{f.metadata['env']}` | {shown} | {f.metadata['doc']} |")
    return "\n".join(rows) + "\n"
