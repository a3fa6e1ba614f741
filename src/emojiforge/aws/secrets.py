"""The app secret: one Secrets Manager JSON secret, read once per container.

Functions get only the secret's ARN (EMOJIFORGE_SECRET_ARN), never its values
in environment variables, where the console and ``GetFunctionConfiguration``
would show them. Values are cached for a few minutes, so a warm Lambda costs no
API call per invocation and still picks up a rotated value soon after.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emojiforge.errors import ConfigError
from emojiforge.settings import Secret, Settings

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

SETTING = "EMOJIFORGE_SECRET_ARN"
# Rotation is rare and a five-minute lag is harmless; an API call per request is not.
MAX_AGE_S = 300.0
# Secret is immutable, so one empty value can be every field's default.
EMPTY = Secret("")


@dataclass(frozen=True)
class AppSecrets:
    """The secret's values; each one is a ``Secret``, so a repr shows none of them."""

    slack_signing_secret: Secret
    slack_bot_token: Secret = EMPTY
    slack_admin_token: Secret = EMPTY
    openai_api_key: Secret = EMPTY
    gemini_api_key: Secret = EMPTY


# ARN -> (monotonic time read, values). Only one container's threads share it;
# two threads missing together both read, which is harmless.
_cache: dict[str, tuple[float, AppSecrets]] = {}
_clock = time.monotonic


def load_app_secrets(
    client: SecretsManagerClient,
    secret_arn: str,
    *,
    refresh: bool = False,
    max_age_s: float = MAX_AGE_S,
) -> AppSecrets:
    """The secret's values, from the cache unless ``refresh`` or older than ``max_age_s``.

    Raises ``ConfigError`` when the secret is not a JSON object of strings or
    lacks ``slack_signing_secret``, without which no request can be trusted.
    """
    cached = _cache.get(secret_arn)
    if cached is not None and not refresh and _clock() - cached[0] < max_age_s:
        return cached[1]
    raw = client.get_secret_value(SecretId=secret_arn).get("SecretString", "")
    secrets = _parse(raw)
    _cache[secret_arn] = (_clock(), secrets)
    return secrets


def settings_with_secrets(settings: Settings, secrets: AppSecrets) -> Settings:
    """``settings`` with every non-empty secret value filled in; an empty one
    leaves the setting as it was, so a key left blank in the secret cannot wipe
    a value given some other way."""
    given = {
        field.name: getattr(secrets, field.name)
        for field in dataclasses.fields(secrets)
        if getattr(secrets, field.name)
    }
    return dataclasses.replace(settings, **given)


def _parse(raw: str) -> AppSecrets:
    # Messages name keys, never values: they end up in logs.
    try:
        data: Any = json.loads(raw)
    except ValueError:
        raise ConfigError(SETTING, "the secret is not JSON") from None
    if not isinstance(data, dict):
        raise ConfigError(SETTING, "the secret is not a JSON object")
    values: dict[str, Secret] = {}
    for field in dataclasses.fields(AppSecrets):
        value = data.get(field.name, "")
        if not isinstance(value, str):
            raise ConfigError(SETTING, f"{field.name} in the secret is not a string")
        values[field.name] = Secret(value)
    if not values["slack_signing_secret"]:
        raise ConfigError(SETTING, "the secret has no slack_signing_secret")
    return AppSecrets(**values)
