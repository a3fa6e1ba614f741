"""Settings: the one reader of the environment, documented in docs/settings.md."""

from pathlib import Path

import pytest

from emojiforge.errors import ConfigError
from emojiforge.settings import Settings, settings_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_defaults_need_no_environment():
    settings = Settings.from_env({})
    assert settings.provider == "auto"
    assert settings.max_receives == 3


def test_values_are_converted_and_validated():
    settings = Settings.from_env({"EMOJIFORGE_MAX_OPTIONS": "2", "EMOJIFORGE_DATA_DIR": "x"})
    assert settings.max_options == 2
    assert settings.data_dir == Path("x")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"EMOJIFORGE_MAX_OPTIONS": "many"})
    assert caught.value.setting == "EMOJIFORGE_MAX_OPTIONS"
    with pytest.raises(ConfigError):
        Settings.from_env({"EMOJIFORGE_PROVIDER": "dalle"})


def test_secrets_never_show_in_repr():
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-123-456-secretvalue"})
    assert "secretvalue" not in repr(settings)
    assert settings.slack_bot_token.reveal() == "xoxb-123-456-secretvalue"


def test_every_variable_is_documented():
    assert settings_table() in DOC.read_text(encoding="utf-8"), (
        "docs/settings.md is out of date: run `emojiforge settings-doc > docs/settings.md`"
    )
