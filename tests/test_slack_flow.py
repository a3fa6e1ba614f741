"""The Slack flow on one machine: signed requests in, emoji out on a fake Slack."""

from __future__ import annotations

import json
import time
from io import BytesIO
from typing import Any

from PIL import Image

from tests.conftest import LocalSystem
from tests.slack_payloads import (
    CHANNEL,
    block_action,
    global_shortcut,
    message_shortcut,
    signed,
    slash_command,
    submission,
)


def opened_view(system: LocalSystem) -> dict[str, Any]:
    view: dict[str, Any] = system.slack.calls_to("views.open")[-1].params["view"]
    return view


def open_and_submit(system: LocalSystem, text: str = "ship it", **fields: str):
    assert system.webhook.handle(signed(slash_command(text))).status == 200
    return system.webhook.handle(signed(submission(opened_view(system), **fields)))


def test_slash_command_opens_the_modal_prefilled_with_the_text(local_system):
    response = local_system.webhook.handle(signed(slash_command("happy dance")))
    assert response.status == 200
    view = opened_view(local_system)
    assert local_system.slack.calls_to("views.open")[-1].params["trigger_id"] == "trig-1"
    description = next(b for b in view["blocks"] if b["block_id"] == "description")
    assert description["element"]["initial_value"] == "happy dance"
    assert len(view["private_metadata"]) <= 3000


def test_help_answers_with_usage_and_opens_nothing(local_system):
    response = local_system.webhook.handle(signed(slash_command("help")))
    assert response.status == 200
    assert "/emoji" in str(response.body)
    assert not local_system.slack.calls_to("views.open")


def test_a_submission_becomes_one_job_and_the_emoji_is_posted(local_system):
    response = open_and_submit(local_system, "ship it", style="text", effect="party")
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_action"] == "update"  # the modal now says "working on it"
    assert local_system.queue.approximate_depth() == (1, 0)

    assert local_system.runner.drain() == 1

    job = local_system.store.list()[0]
    assert job.status == "delivered"
    uploads = list(local_system.slack.uploads.values())
    assert len(uploads) == 1
    image = Image.open(BytesIO(uploads[0]))
    assert image.size == (128, 128)
    assert image.format == "GIF"
    assert getattr(image, "n_frames", 1) > 1
    assert len(uploads[0]) < 131_072
    posted = [m for m in local_system.slack.messages if m.get("channel") == CHANNEL]
    assert posted, "the result is posted where the command was typed"
    assert local_system.queue.approximate_depth() == (0, 0)


def test_double_submit_makes_one_job(local_system):
    open_and_submit(local_system, "lgtm", style="text")
    again = local_system.webhook.handle(signed(submission(opened_view(local_system))))
    assert again.status == 200
    assert local_system.queue.approximate_depth() == (1, 0)
    assert len(local_system.store.list()) == 1


def test_bad_signature_is_401_and_enqueues_nothing(local_system):
    body = submission({"blocks": [], "private_metadata": ""})
    forged = signed(body, secret="not-the-secret")
    assert local_system.webhook.handle(forged).status == 401
    stale = signed(slash_command("x"), timestamp=time.time() - 600)
    assert local_system.webhook.handle(stale).status == 401
    assert local_system.queue.approximate_depth() == (0, 0)
    assert not local_system.slack.calls


def test_unsigned_url_verification_with_a_duplicate_type_key_is_refused(local_system):
    body = b'{"type": "event_callback", "type": "url_verification", "challenge": "x"}'
    unsigned = signed(body, content_type="application/json")
    tampered = type(unsigned)(body=body, headers={**unsigned.headers, "X-Slack-Signature": "v0=00"})
    assert local_system.webhook.handle(tampered).status == 401
    genuine = local_system.webhook.handle(signed(body, content_type="application/json"))
    assert genuine.status == 200
    assert json.loads(genuine.body) == {"challenge": "x"}


def test_invalid_or_taken_names_come_back_as_field_errors(local_system):
    bad = open_and_submit(local_system, "ship it", name="Ship It!")
    assert json.loads(bad.body)["response_action"] == "errors"
    assert "name" in json.loads(bad.body)["errors"]
    taken = local_system.webhook.handle(
        signed(submission(opened_view(local_system), name="partyparrot"))
    )
    errors = json.loads(taken.body)["errors"]
    assert "already taken" in errors["name"]
    empty = local_system.webhook.handle(
        signed(submission(opened_view(local_system), description="   "))
    )
    assert "description" in json.loads(empty.body)["errors"]
    assert local_system.queue.approximate_depth() == (0, 0)


def test_message_shortcut_seeds_the_description_and_replies_in_its_thread(local_system):
    response = local_system.webhook.handle(signed(message_shortcut("we shipped it!")))
    assert response.status == 200
    view = opened_view(local_system)
    description = next(b for b in view["blocks"] if b["block_id"] == "description")
    assert description["element"]["initial_value"] == "we shipped it!"
    # No admin token: emoji can't be added by API here, so no reaction is offered.
    assert all(b["block_id"] != "react" for b in view["blocks"])
    local_system.webhook.handle(signed(submission(view, description="shipped", style="text")))
    record = local_system.store.list()[0]
    assert record.spec["thread_ts"] == "1733300000.000100"
    assert "message_ts" not in record.spec
    assert record.spec["emoji_spec"]["source_text"] == "we shipped it!"


def test_on_enterprise_the_new_emoji_goes_on_the_message_only_when_asked(tmp_path):
    from emojiforge.runner import QueueRunner
    from emojiforge.wiring import build_queues, build_store, build_webhook, build_worker
    from tests.conftest import make_settings
    from tests.fakes.slack_api import FakeSlack

    with FakeSlack(enterprise=True) as slack:
        settings = make_settings(
            tmp_path,
            slack,
            SLACK_ADMIN_TOKEN=slack.admin_token,
            EMOJIFORGE_PUBLIC_URL="https://emoji.example.com",
        )
        queue, dead_letter = build_queues(settings)
        store = build_store(settings)
        webhook = build_webhook(settings, queue=queue, store=store)
        from emojiforge.wiring import build_kept_options

        worker = build_worker(settings, store=store, kept_options=build_kept_options(settings))
        runner = QueueRunner(queue, dead_letter, worker, wait_s=0)
        for view_id, react in (("V0ASKED", None), ("V0NOTASKED", "")):
            webhook.handle(signed(message_shortcut("ship it", ts="1733300000.000100")))
            view = slack.calls_to("views.open")[-1].params["view"]
            assert any(b["block_id"] == "react" for b in view["blocks"])
            fields = {"description": f"ship {view_id.lower()}", "style": "text"}
            if react is not None:
                fields["react"] = react
            webhook.handle(signed(submission(view, view_id=view_id, **fields)))
            runner.drain()
        assert len(slack.added_emoji) == 2
        assert len(slack.reactions) == 1
        assert slack.reactions[0]["timestamp"] == "1733300000.000100"


def test_global_shortcut_posts_the_result_in_a_dm(local_system):
    local_system.webhook.handle(signed(global_shortcut()))
    view = opened_view(local_system)
    assert all(b["block_id"] != "destination" for b in view["blocks"] if b["type"] == "input")
    local_system.webhook.handle(signed(submission(view, description="yay", style="text")))
    local_system.runner.drain()
    assert local_system.slack.calls_to("conversations.open")
    assert local_system.store.list()[0].status == "delivered"


def test_daily_quota_is_a_field_error_and_replays_do_not_count(tmp_path, fake_slack):
    from emojiforge.wiring import build_queues, build_store, build_webhook
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, fake_slack, EMOJIFORGE_DAILY_QUOTA="1")
    queue, _ = build_queues(settings)
    store = build_store(settings)
    webhook = build_webhook(settings, queue=queue, store=store)
    webhook.handle(signed(slash_command("one")))
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    assert json.loads(webhook.handle(signed(submission(view))).body)["response_action"] == "update"
    # The same submission again (a replay) is not a second job and not refused.
    assert json.loads(webhook.handle(signed(submission(view))).body)["response_action"] == "update"
    second = webhook.handle(signed(submission(view, view_id="V0MODAL2")))
    assert "daily limit" in json.loads(second.body)["errors"]["description"]
    assert queue.approximate_depth() == (1, 0)


def test_regenerate_button_queues_a_new_job_with_the_same_spec(local_system):
    open_and_submit(local_system, "ship it", style="text")
    local_system.runner.drain()
    first = local_system.store.list()[0]
    action = block_action(
        "emoji_regenerate", first.job_id, response_url=local_system.slack.response_url("r1")
    )
    response = local_system.webhook.handle(signed(action))
    assert response.status == 200
    assert "another" in local_system.slack.response_posts[-1][1]["text"]
    jobs = local_system.store.list()
    assert len(jobs) == 2
    assert jobs[0].job_id != first.job_id
    assert jobs[0].spec["emoji_spec"]["description"] == "ship it"
    assert local_system.queue.approximate_depth() == (1, 0)


def test_workspace_monthly_quota_refuses_further_jobs_across_users(tmp_path, fake_slack):
    from emojiforge.wiring import build_queues, build_store, build_webhook
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, fake_slack, EMOJIFORGE_WORKSPACE_MONTHLY_QUOTA="1")
    queue, _ = build_queues(settings)
    webhook = build_webhook(settings, queue=queue, store=build_store(settings))
    webhook.handle(signed(slash_command("one")))
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    first = webhook.handle(signed(submission(view, view_id="V1")))
    assert json.loads(first.body)["response_action"] == "update"
    other_user = webhook.handle(signed(submission(view, view_id="V2", user="U0BOB")))
    assert "month" in json.loads(other_user.body)["errors"]["description"]
    assert queue.approximate_depth() == (1, 0)


def test_an_expired_trigger_is_answered_with_a_message_and_no_job(local_system):
    local_system.slack.fail_next("views.open", error="expired_trigger_id")
    response = local_system.webhook.handle(signed(slash_command("too slow")))
    assert response.status == 200
    assert "couldn't open the form" in str(response.body)
    assert "req_" in str(response.body)  # the reference, for support
    assert local_system.queue.approximate_depth() == (0, 0)


def test_without_a_signing_secret_nothing_over_http_is_trusted(tmp_path, fake_slack):
    """Socket Mode needs no signing secret; then an HTTP request "signed" with
    an empty key must not get in."""
    from emojiforge.settings import Secret
    from emojiforge.wiring import build_queues, build_store, build_webhook
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, fake_slack)
    settings = type(settings)(**{**settings.__dict__, "slack_signing_secret": Secret("")})
    queue, _ = build_queues(settings)
    webhook = build_webhook(settings, queue=queue, store=build_store(settings), socket_mode=True)
    response = webhook.handle(signed(slash_command("x"), secret="whatever"))
    assert response.status == 503
    assert not fake_slack.calls


def test_the_add_to_slack_link_button_is_acknowledged(local_system):
    response = local_system.webhook.handle(
        signed(block_action("emoji_customize_link", "", action_ts="1733300002.000300"))
    )
    assert response.status == 200
    assert local_system.queue.approximate_depth() == (0, 0)
