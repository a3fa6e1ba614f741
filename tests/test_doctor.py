"""`emojiforge doctor`: says what is wrong and how to fix it, against a fake Slack."""

from __future__ import annotations

from emojiforge.doctor import Check, run_checks
from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlack


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def test_a_healthy_setup_passes_every_check(tmp_path, fake_slack):
    checks = by_name(run_checks(make_settings(tmp_path, fake_slack)))
    assert all(check.ok for check in checks.values()), checks
    assert checks["bot token"].detail == "valid for Acme"
    assert checks["bot scopes"].detail == "all granted"


def test_a_revoked_token_is_reported_with_the_fix(tmp_path, fake_slack):
    fake_slack.fail_next("auth.test", error="token_revoked")
    check = by_name(run_checks(make_settings(tmp_path, fake_slack)))["bot token"]
    assert not check.ok
    assert "token_revoked" in check.detail
    assert "Reinstall" in check.fix


def test_missing_scopes_are_named(tmp_path):
    with FakeSlack(bot_scopes="chat:write,commands") as slack:
        check = by_name(run_checks(make_settings(tmp_path, slack)))["bot scopes"]
    assert not check.ok
    for scope in ("emoji:read", "files:write", "im:write", "reactions:write"):
        assert scope in check.detail


def test_dead_letters_and_missing_settings_fail_their_checks(tmp_path, fake_slack):
    settings = make_settings(tmp_path, fake_slack, EMOJIFORGE_PROVIDER="openai")
    from emojiforge.wiring import build_queues

    _, dead_letter = build_queues(settings)
    dead_letter.send("{}", group_id="g", dedup_id="d")
    checks = by_name(run_checks(settings))
    assert not checks["queue"].ok
    assert "1 dead letters" in checks["queue"].detail
    assert not checks["image provider"].ok
    assert "API key" in checks["image provider"].fix
