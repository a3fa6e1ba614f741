"""The app secret on moto's Secrets Manager: parsed, cached, refreshed, never shown."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from emojiforge.aws import secrets as secrets_module
from emojiforge.aws.secrets import AppSecrets, load_app_secrets, settings_with_secrets
from emojiforge.errors import ConfigError
from emojiforge.settings import Secret, Settings
from tests.aws.conftest import unique_name

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

VALUES = {
    "slack_signing_secret": "signing-123",
    "slack_bot_token": "xoxb-456",
    "slack_admin_token": "",
    "openai_api_key": "sk-789",
}


def make_secret(client: SecretsManagerClient, values: dict[str, Any] | str) -> str:
    text = values if isinstance(values, str) else json.dumps(values)
    return client.create_secret(Name=unique_name("emojiforge/app"), SecretString=text)["ARN"]


def count_reads(client: SecretsManagerClient) -> list[str]:
    reads: list[str] = []
    client.meta.events.register(
        "before-call.secrets-manager.GetSecretValue",
        lambda **_: reads.append("read"),
    )
    return reads


def test_values_are_loaded_and_missing_optional_keys_are_empty(
    secretsmanager: SecretsManagerClient,
) -> None:
    arn = make_secret(secretsmanager, VALUES)

    loaded = load_app_secrets(secretsmanager, arn)

    assert loaded.slack_signing_secret.reveal() == "signing-123"
    assert loaded.slack_bot_token.reveal() == "xoxb-456"
    assert loaded.openai_api_key.reveal() == "sk-789"
    assert loaded.slack_admin_token == Secret("")
    assert loaded.gemini_api_key == Secret("")


def test_a_second_load_uses_the_cache_until_refreshed(
    secretsmanager: SecretsManagerClient,
) -> None:
    arn = make_secret(secretsmanager, VALUES)
    reads = count_reads(secretsmanager)
    load_app_secrets(secretsmanager, arn)
    secretsmanager.put_secret_value(
        SecretId=arn, SecretString=json.dumps({**VALUES, "slack_bot_token": "xoxb-rotated"})
    )

    assert load_app_secrets(secretsmanager, arn).slack_bot_token.reveal() == "xoxb-456"
    assert len(reads) == 1
    refreshed = load_app_secrets(secretsmanager, arn, refresh=True)
    assert refreshed.slack_bot_token.reveal() == "xoxb-rotated"
    assert len(reads) == 2


def test_the_cache_is_read_again_once_it_is_old(
    secretsmanager: SecretsManagerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(secrets_module, "_clock", lambda: now[0])
    arn = make_secret(secretsmanager, VALUES)
    load_app_secrets(secretsmanager, arn)
    secretsmanager.put_secret_value(
        SecretId=arn, SecretString=json.dumps({**VALUES, "openai_api_key": "sk-new"})
    )

    now[0] += secrets_module.MAX_AGE_S - 1
    assert load_app_secrets(secretsmanager, arn).openai_api_key.reveal() == "sk-789"
    now[0] += 2
    assert load_app_secrets(secretsmanager, arn).openai_api_key.reveal() == "sk-new"


def test_a_secret_without_a_signing_secret_is_a_config_error(
    secretsmanager: SecretsManagerClient,
) -> None:
    arn = make_secret(secretsmanager, {"slack_bot_token": "xoxb-456"})

    with pytest.raises(ConfigError, match="slack_signing_secret") as error:
        load_app_secrets(secretsmanager, arn)
    assert error.value.setting == "EMOJIFORGE_SECRET_ARN"


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"slack_signing_secret": 42}'])
def test_a_malformed_secret_is_a_config_error_that_shows_no_value(
    secretsmanager: SecretsManagerClient, text: str
) -> None:
    arn = make_secret(secretsmanager, text)

    with pytest.raises(ConfigError) as error:
        load_app_secrets(secretsmanager, arn)
    assert "42" not in str(error.value)


def test_repr_shows_no_secret(secretsmanager: SecretsManagerClient) -> None:
    loaded = load_app_secrets(secretsmanager, make_secret(secretsmanager, VALUES))

    shown = repr(loaded) + str(loaded)
    assert not any(value and value in shown for value in VALUES.values())
    assert "Secret('***')" in shown


def test_settings_get_the_secret_values_but_keep_theirs_for_empty_ones() -> None:
    settings = Settings(slack_admin_token=Secret("xoxp-from-env"), log_level="DEBUG")
    loaded = AppSecrets(
        slack_signing_secret=Secret("signing-123"), slack_bot_token=Secret("xoxb-456")
    )

    filled = settings_with_secrets(settings, loaded)

    assert filled.slack_signing_secret.reveal() == "signing-123"
    assert filled.slack_bot_token.reveal() == "xoxb-456"
    assert filled.slack_admin_token.reveal() == "xoxp-from-env"
    assert filled.log_level == "DEBUG"
    assert settings.slack_bot_token == Secret("")  # the original is untouched
