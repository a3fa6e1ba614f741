"""Health checks for ``emojiforge doctor``: each says what is wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from emojiforge.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_slack(settings: Settings) -> list[Check]:
    from slack_sdk.errors import SlackApiError

    from emojiforge.slack.client import make_web_client
    from emojiforge.slack.manifest import BOT_SCOPES

    checks = [
        Check(
            "signing secret",
            bool(settings.slack_signing_secret),
            "set" if settings.slack_signing_secret else "missing",
            "Set SLACK_SIGNING_SECRET (Slack app → Basic Information → Signing Secret).",
        )
    ]
    if not settings.slack_bot_token:
        checks.append(Check("bot token", False, "missing", "Set SLACK_BOT_TOKEN (xoxb-…)."))
        return checks
    client = make_web_client(
        settings.slack_bot_token.reveal(), settings.slack_api_url, max_retries=1
    )
    try:
        response = client.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error", "error")
        fix = "Reinstall the app to the workspace and copy the new bot token."
        return [*checks, Check("bot token", False, f"auth.test failed: {reason}", fix)]
    except OSError as error:
        return [
            *checks,
            Check("bot token", False, f"Slack unreachable: {error}", "Check the network."),
        ]
    team = response.get("team") or response.get("team_id")
    checks.append(Check("bot token", True, f"valid for {team}"))
    granted = {s.strip() for s in (response.headers.get("x-oauth-scopes") or "").split(",") if s}
    missing = sorted(set(BOT_SCOPES) - granted)
    checks.append(
        Check(
            "bot scopes",
            not missing,
            "all granted" if not missing else "missing " + ", ".join(missing),
            "Add the scopes (see `emojiforge manifest`) and reinstall the app.",
        )
    )
    return checks


def check_provider(settings: Settings) -> list[Check]:
    from emojiforge.wiring import configured_providers, default_provider_name

    providers = configured_providers(settings)
    chosen = default_provider_name(settings)
    ok = chosen in providers
    fix = f"Set the API key for {chosen}, or EMOJIFORGE_PROVIDER=offline." if not ok else ""
    return [Check("image provider", ok, f"{chosen} (configured: {', '.join(providers)})", fix)]


def check_storage(settings: Settings) -> list[Check]:
    from emojiforge.wiring import build_queues, build_store

    checks = []
    try:
        queue, dead_letter = build_queues(settings)
        visible, in_flight = queue.approximate_depth()
        dead, _ = dead_letter.approximate_depth()
        detail = f"{visible} waiting, {in_flight} in flight, {dead} dead letters"
        fix = "Run `emojiforge dlq list` and see docs/runbook.md." if dead else ""
        checks.append(Check("queue", dead == 0, detail, fix))
    except Exception as error:
        checks.append(Check("queue", False, f"unreachable: {error}", "Check the queue settings."))
    try:
        build_store(settings).list(limit=1)
        checks.append(Check("job store", True, "reachable"))
    except Exception as error:
        checks.append(
            Check("job store", False, f"unreachable: {error}", "Check the store settings.")
        )
    return checks


ALL_CHECKS: tuple[Callable[[Settings], list[Check]], ...] = (
    check_slack,
    check_provider,
    check_storage,
)


def run_checks(settings: Settings) -> list[Check]:
    return [check for group in ALL_CHECKS for check in group(settings)]
