"""Secrets never reach a log line, however the code happens to log them.

The suite-wide scan (``log_scan``) checks every line; these tests prove the
scan and the redactor both bite, so a green suite means something.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from emojiforge import logs
from emojiforge.logs import ContextFilter, JsonFormatter
from emojiforge.settings import Settings
from tests.security.log_scan import find_secrets
from tests.slack_payloads import SIGNING_SECRET

SLACK_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"
OPENAI_KEY = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx"


@pytest.fixture
def production_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger wired exactly as ``logs.configure`` wires the root one."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("emojiforge.tests.security")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def test_the_scan_finds_every_kind_of_secret_the_suite_uses():
    for secret in (SLACK_TOKEN, "xapp-1-A0-123-abc", OPENAI_KEY, SIGNING_SECRET, "xoxb-test-bot"):
        assert find_secrets(f"some line {secret} more") != [], secret
    assert find_secrets("disk-usage task-runner risk-1234567 [redacted]") == []


def test_a_token_in_the_message_is_redacted(production_log):
    logger, stream = production_log
    logger.warning("calling Slack with %s", SLACK_TOKEN)
    assert SLACK_TOKEN not in stream.getvalue()
    assert "[redacted]" in stream.getvalue()


def test_a_token_inside_an_exception_argument_is_redacted(production_log):
    logger, stream = production_log
    logger.warning("upload failed: %s", RuntimeError(f"bad auth {SLACK_TOKEN}"))
    logger.info("provider said %r", {"error": f"Incorrect API key provided: {OPENAI_KEY}"})
    assert find_secrets(stream.getvalue()) == []


def test_a_token_in_an_extra_field_or_traceback_is_redacted(production_log):
    logger, stream = production_log
    logger.info("request", extra={"authorization": f"Bearer {OPENAI_KEY}"})
    try:
        raise ValueError(f"token {SLACK_TOKEN} refused")
    except ValueError:
        logger.exception("delivery failed")
    assert find_secrets(stream.getvalue()) == []


def test_settings_never_print_their_secrets(production_log):
    logger, stream = production_log
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "OPENAI_API_KEY": OPENAI_KEY,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        }
    )
    logger.info("settings: %s", settings)
    logger.info("settings: %r", settings)
    assert find_secrets(stream.getvalue() + repr(settings) + str(settings)) == []


def test_configure_installs_the_redacting_json_handler():
    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers)
    installed = [h for h in before if getattr(h, "_emojiforge", False)]
    for handler in installed:  # configure() is idempotent: let it install ours
        root.removeHandler(handler)
    try:
        logs.configure("INFO", stream=stream)
        logging.getLogger("emojiforge.tests").warning("token %s", SLACK_TOKEN)
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_emojiforge", False)]:
            root.removeHandler(handler)
        for handler in installed:
            root.addHandler(handler)
    assert stream.getvalue().startswith("{")
    assert find_secrets(stream.getvalue()) == []
