"""The playground's JSON API over real HTTP: a job goes intake → queue → worker → page."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from emojiforge.errors import InvalidInput
from emojiforge.names import validate_name
from emojiforge.playground import PLAYGROUND_TEAM, PLAYGROUND_USER
from tests.fakes.openai_api import MODERATION_BLOCKED, FakeOpenAI
from tests.playground.conftest import call, finished_job, running_playground


def name_error(name: str) -> str:
    try:
        validate_name(name)
    except InvalidInput as error:
        return error.message
    raise AssertionError(f"{name!r} is a valid name")


def test_the_page_and_its_assets_are_served_from_the_package(playground):
    page = call(playground.url + "/")
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert b"/static/app.js" in page.body
    for asset, kind in (("app.js", "text/javascript"), ("app.css", "text/css")):
        answer = call(f"{playground.url}/static/{asset}")
        assert answer.status == 200
        assert answer.headers["content-type"].startswith(kind)
    assert call(playground.url + "/static/..%2Fapi.py").status == 404
    assert call(playground.url + "/static/missing.js").status == 404


def test_config_offers_the_modal_choices_and_only_configured_providers(tmp_path):
    with running_playground(tmp_path) as offline_only:
        config = call(offline_only.url + "/api/config").json()
    assert [s["value"] for s in config["styles"]][:3] == ["cartoon", "flat", "pixel"]
    assert "party" in [e["value"] for e in config["effects"]]
    assert [p["value"] for p in config["providers"]] == ["offline"]
    assert config["max_options"] == 4
    assert config["slack_connected"] is False
    with running_playground(tmp_path, env={"OPENAI_API_KEY": "sk-test"}) as with_openai:
        config = call(with_openai.url + "/api/config").json()
    assert [p["value"] for p in config["providers"]] == ["openai", "offline"]
    assert config["default_provider"] == "openai"


def test_a_submitted_job_is_made_by_the_worker_and_downloadable(playground):
    form = {"description": "ship it", "style": "text", "effect": "party", "options": 2}
    answer = call(playground.url + "/api/jobs", method="POST", body=form, headers=playground.origin)
    assert answer.status == 202
    job_id = answer.json()["job_id"]
    assert answer.headers["location"] == f"/api/jobs/{job_id}"

    job = finished_job(playground, job_id)
    assert job["status"] == "delivered"
    assert job["provider"] == "offline"
    steps = [event["status"] for event in job["timeline"]]
    for step in ("queued", "generating", "delivering", "delivered"):
        assert step in steps
    assert [option["name"] for option in job["options"]] == ["ship-it", "ship-it-2"]

    record = playground.store.get(job_id)
    assert record is not None
    assert (record.user_id, record.team_id) == (PLAYGROUND_USER, PLAYGROUND_TEAM)

    option = job["options"][0]
    assert option["format"] == "gif"
    assert option["frames"] > 1
    shown = call(playground.url + option["url"])
    assert shown.headers["content-disposition"].startswith("inline")
    download = call(playground.url + option["download_url"])
    assert download.status == 200
    assert download.headers["content-type"] == "image/gif"
    assert download.headers["content-disposition"] == 'attachment; filename="ship-it.gif"'
    assert len(download.body) == option["bytes"] < 128 * 1024
    with Image.open(BytesIO(download.body)) as image:
        assert image.size == (128, 128)
    assert call(f"{playground.url}/api/jobs/{job_id}/options/7").status == 404


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"description": "ok", "name": "Ship It!"}, "name", name_error("Ship It!")),
        ({"description": "ok", "name": "thumbsup"}, "name", name_error("thumbsup")),
        ({"description": "   "}, "description", "Describe the emoji you want."),
        ({"description": "ok", "style": "cubist"}, "style", "Pick one of the styles."),
        ({"description": "ok", "options": 9}, "options", "Choose between 1 and 4 options."),
        (
            {"description": "ok", "provider": "openai"},
            "provider",
            "That image maker is not available.",
        ),
    ],
)
def test_a_bad_field_gets_the_slack_modal_message_and_nothing_is_queued(
    playground, form, field, message
):
    answer = call(playground.url + "/api/jobs", method="POST", body=form, headers=playground.origin)
    assert answer.status == 400
    assert answer.json()["errors"][field] == message
    assert playground.store.list() == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json"},  # no Origin: not from our page
        {"Content-Type": "application/json", "Origin": "https://evil.example"},
        {"Content-Type": "text/plain", "Origin": "SAME"},  # what a cross-site form can send
        {"Content-Type": "application/json", "Origin": "SAME", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_site_submissions_are_refused(playground, headers):
    headers = {k: playground.url if v == "SAME" else v for k, v in headers.items()}
    form = {"description": "ship it"}
    answer = call(playground.url + "/api/jobs", method="POST", body=form, headers=headers)
    assert answer.status == 403
    assert playground.store.list() == []


def test_a_rebound_hostname_can_neither_read_nor_submit(playground):
    # DNS rebinding: evil.example now resolves to 127.0.0.1, so Host and Origin agree.
    port = playground.url.rsplit(":", 1)[1]
    rebound = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
    assert call(playground.url + "/api/jobs", headers=rebound).status == 403
    form = {"description": "ship it"}
    headers = {**rebound, "Content-Type": "application/json"}
    assert (
        call(playground.url + "/api/jobs", method="POST", body=form, headers=headers).status == 403
    )


def test_recent_jobs_show_status_duration_provider_and_the_failure_reason(tmp_path):
    with FakeOpenAI(script=[MODERATION_BLOCKED]) as openai_fake:
        env = {"OPENAI_API_KEY": openai_fake.api_key, "OPENAI_BASE_URL": openai_fake.base_url}
        with running_playground(tmp_path, env=env) as playground:
            submit = playground.url + "/api/jobs"
            refused = {"description": "something edgy", "provider": "openai"}
            made = {"description": "lgtm", "style": "text", "provider": "offline"}
            ids = [
                call(submit, method="POST", body=form, headers=playground.origin).json()["job_id"]
                for form in (refused, made)
            ]
            failed, delivered = (finished_job(playground, job_id) for job_id in ids)
            recent = call(submit).json()["jobs"]

    assert failed["status"] == "failed"
    assert failed["reason"] == "moderation_blocked"
    assert failed["message"]
    assert "RAW-API-TEXT" not in failed["message"]
    assert delivered["status"] == "delivered"
    by_id = {job["job_id"]: job for job in recent}
    assert by_id[ids[0]]["provider"] == "openai"
    assert by_id[ids[0]]["reason"] == "moderation_blocked"
    assert by_id[ids[1]]["provider"] == "offline"
    assert all(job["duration_s"] >= 0 and job["source"] == "playground" for job in recent)


def test_without_slack_settings_the_slack_endpoint_says_so(playground):
    answer = call(playground.url + "/slack/events", method="POST", body=b"token=x")
    assert answer.status == 503
    assert answer.body == b"Slack is not configured"
