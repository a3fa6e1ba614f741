"""With Slack configured, playground jobs still never touch Slack, and Slack jobs still reach it."""

from __future__ import annotations

import json

from emojiforge.webhook import HttpRequest
from tests.conftest import make_settings
from tests.playground.conftest import Answer, call, finished_job, running_playground
from tests.slack_payloads import signed, slash_command, submission


def slack_env(tmp_path, fake_slack) -> dict[str, str]:
    settings = make_settings(tmp_path, fake_slack)
    return {
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret.reveal(),
        "SLACK_BOT_TOKEN": settings.slack_bot_token.reveal(),
        "SLACK_API_URL": settings.slack_api_url,
    }


def post_signed(url: str, request: HttpRequest) -> Answer:
    return call(url, method="POST", body=request.body, headers=dict(request.headers))


def test_playground_jobs_never_call_slack_while_slack_jobs_are_delivered_there(
    tmp_path, fake_slack
):
    with running_playground(tmp_path, env=slack_env(tmp_path, fake_slack)) as playground:
        assert call(playground.url + "/api/config").json()["slack_connected"] is True
        form = {"description": "ship it", "style": "text", "name": "shipit"}
        answer = call(
            playground.url + "/api/jobs", method="POST", body=form, headers=playground.origin
        )
        job = finished_job(playground, answer.json()["job_id"])
        assert job["status"] == "delivered"
        assert job["options"][0]["name"] == "shipit"  # no emoji.list clash check in Slack
        assert fake_slack.calls == []

        slack_url = playground.url + "/slack/events"
        post_signed(slack_url, signed(slash_command("lgtm")))
        view = fake_slack.calls_to("views.open")[-1].params["view"]
        acked = post_signed(slack_url, signed(submission(view, style="text")))
        assert json.loads(acked.body)["response_action"] == "update"
        slack_job = next(
            j for j in call(playground.url + "/api/jobs").json()["jobs"] if j["source"] == "slack"
        )
        assert finished_job(playground, slack_job["job_id"])["status"] == "delivered"
        assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1


def test_post_to_slack_shares_the_chosen_option_in_the_configured_channel_once(
    tmp_path, fake_slack
):
    env = {**slack_env(tmp_path, fake_slack), "EMOJIFORGE_PLAYGROUND_CHANNEL": "C0SHOWCASE"}
    with running_playground(tmp_path, env=env) as playground:
        assert call(playground.url + "/api/config").json()["slack_post"] is True
        form = {"description": "lgtm", "style": "text", "options": 2}
        answer = call(
            playground.url + "/api/jobs", method="POST", body=form, headers=playground.origin
        )
        job = finished_job(playground, answer.json()["job_id"])
        second = job["options"][1]
        post_url = playground.url + second["url"] + "/slack"

        refused = call(post_url, method="POST", body={}, headers={"Origin": "https://evil.example"})
        assert refused.status == 403
        assert fake_slack.uploads == {}

        first_try = call(post_url, method="POST", body={}, headers=playground.origin)
        again = call(post_url, method="POST", body={}, headers=playground.origin)
        assert first_try.status == 200
        assert again.json()["again"] is True
        [complete] = fake_slack.calls_to("files.completeUploadExternal")
        assert complete.params["channel_id"] == "C0SHOWCASE"
        [uploaded] = fake_slack.uploads.values()
        assert uploaded == call(playground.url + second["url"]).body


def test_without_a_channel_the_page_offers_no_post_button(tmp_path, fake_slack):
    with running_playground(tmp_path, env=slack_env(tmp_path, fake_slack)) as playground:
        assert call(playground.url + "/api/config").json()["slack_post"] is False
