"""The playground's HTTP routes: the page, its assets and a small JSON API.

``PlaygroundApi.route`` plugs into ``LocalServer(extra_routes=…)``. A
submission is checked with the Slack modal's own rules (so the page shows the
same messages), becomes an ordinary ``Job`` and goes through ``JobIntake`` —
the path a Slack submission takes — to the queue and the worker.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from emojiforge.errors import EmojiForgeError, InvalidInput
from emojiforge.images.prompts import STYLE_LABELS
from emojiforge.intake import JobIntake, QuotaExceeded
from emojiforge.jobs import (
    EFFECTS,
    MAX_DESCRIPTION,
    STYLES,
    Job,
    new_correlation_id,
    new_job_id,
    utc_now_iso,
)
from emojiforge.playground import PLAYGROUND_TEAM, PLAYGROUND_USER
from emojiforge.playground.delivery import OPTIONS_EVENT, option_path
from emojiforge.playground.guard import cross_site_refusal, host_refusal
from emojiforge.playground.job_views import job_detail, job_summary, latest_detail
from emojiforge.playground.static_files import SECURITY_HEADERS, static_file
from emojiforge.slack.modal import EFFECT_LABELS, PROVIDER_LABELS, FieldErrors, read_submission
from emojiforge.store.base import JobStore
from emojiforge.webhook import HttpRequest, HttpResponse

RECENT_JOBS = 20
FORM_FIELDS = ("description", "style", "effect", "name", "options", "provider")
_JOB = re.compile(r"^/api/jobs/(job_[A-Za-z0-9_.:-]{1,124})$")
_UNSAFE = re.compile(r"[^a-z0-9_-]")
_SLACK_POST = re.compile(r"^/api/jobs/(job_[A-Za-z0-9_.:-]{1,124})/options/(\d{1,2})/slack$")
# (emoji name, file bytes, extension) → posts it; raises EmojiForgeError on failure.
SlackPoster = Callable[[str, bytes, str], None]
SLACK_POST_EVENT = "slack-post"
_OPTION = re.compile(r"^/api/jobs/(job_[A-Za-z0-9_.:-]{1,124})/options/(\d{1,2})$")


def _json(status: int, data: Any, headers: Mapping[str, str] | None = None) -> HttpResponse:
    return HttpResponse(
        status,
        json.dumps(data, ensure_ascii=False),
        {
            **SECURITY_HEADERS,
            "content-type": "application/json; charset=utf-8",
            "cache-control": "no-store",
            **(headers or {}),
        },
    )


def _error(status: int, message: str) -> HttpResponse:
    return _json(status, {"error": message})


def as_modal_values(form: Mapping[str, Any]) -> dict[str, Any]:
    """The page's form in the shape of Slack's ``view.state.values``, so
    ``read_submission`` checks it exactly as it checks the modal."""
    return {
        field: {"value": {"value": str(form[field])}}
        for field in FORM_FIELDS
        if form.get(field) is not None
    }


class PlaygroundApi:
    def __init__(
        self,
        *,
        intake: JobIntake,
        store: JobStore,
        folder: Path,
        providers: Sequence[str],
        default_provider: str,
        max_options: int,
        slack_connected: bool,
        allowed_hosts: frozenset[str],
        post_to_slack: SlackPoster | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.intake = intake
        self.store = store
        self.folder = folder
        self.providers = list(providers)
        self.default_provider = default_provider
        self.max_options = max_options
        self.slack_connected = slack_connected
        self.allowed_hosts = allowed_hosts
        self.post_to_slack = post_to_slack
        self._posting = threading.Lock()
        self.clock = clock

    def route(self, method: str, path: str, request: HttpRequest) -> HttpResponse | None:
        """A response for the playground's paths; None lets the server answer 404."""
        if not (path == "/" or path.startswith(("/static/", "/api/"))):
            return None
        refusal = host_refusal(request.headers, self.allowed_hosts)
        if refusal:
            return _error(403, refusal)
        if method == "POST" and path == "/api/jobs":
            return self.submit(request)
        if method == "POST" and (match := _SLACK_POST.match(path)):
            return self.post_option(match.group(1), int(match.group(2)), request)
        if method != "GET":
            return None
        if path == "/":
            return static_file("index.html")
        if path.startswith("/static/"):
            return static_file(path.removeprefix("/static/"))
        if path == "/api/config":
            return _json(200, self.config())
        if path == "/api/jobs":
            now = self.clock()
            recent = self.store.list(limit=RECENT_JOBS)
            return _json(200, {"jobs": [job_summary(r, now) for r in recent]})
        if match := _JOB.match(path):
            record = self.store.get(match.group(1))
            if record is None or record.job_id != match.group(1):
                return _error(404, "no such job")
            return _json(200, job_detail(record, self.clock()))
        if match := _OPTION.match(path):
            return self.option_file(match.group(1), int(match.group(2)), request.query)
        return None

    def config(self) -> dict[str, Any]:
        return {
            "styles": [{"value": s, "label": STYLE_LABELS[s]} for s in STYLES],
            "effects": [{"value": e, "label": EFFECT_LABELS[e]} for e in EFFECTS],
            "providers": [{"value": p, "label": PROVIDER_LABELS.get(p, p)} for p in self.providers],
            "default_provider": self.default_provider,
            "max_options": self.max_options,
            "max_description": MAX_DESCRIPTION,
            "slack_connected": self.slack_connected,
            "slack_post": self.post_to_slack is not None,
        }

    def submit(self, request: HttpRequest) -> HttpResponse:
        refusal = cross_site_refusal(request.headers)
        if refusal:
            return _error(403, refusal)
        try:
            form = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return _error(400, "the body is not valid JSON")
        if not isinstance(form, dict):
            return _error(400, "the body must be a JSON object")
        try:
            job = self._job_from(form)
            self.intake.submit(job)
        except FieldErrors as error:
            return _json(400, {"errors": error.errors})
        except QuotaExceeded as error:
            return _json(429, {"errors": {"description": error.message}})
        except InvalidInput as error:
            field = error.field if error.field in FORM_FIELDS else "description"
            return _json(400, {"errors": {field: error.message}})
        url = f"/api/jobs/{job.job_id}"
        return _json(202, {"job_id": job.job_id, "url": url}, {"location": url})

    def _job_from(self, form: Mapping[str, Any]) -> Job:
        submission = read_submission(as_modal_values(form), self.providers)
        if submission.options > self.max_options:
            raise FieldErrors({"options": f"Choose between 1 and {self.max_options} options."})
        return Job(
            job_id=new_job_id(),
            correlation_id=new_correlation_id(),
            user_id=PLAYGROUND_USER,
            channel_id=None,
            team_id=PLAYGROUND_TEAM,
            emoji_spec=submission.spec(provider=self.default_provider),
            timestamp=utc_now_iso(),
        )

    def _option(self, job_id: str, index: int) -> tuple[dict[str, Any], Path] | HttpResponse:
        record = self.store.get(job_id)
        detail = latest_detail(record, OPTIONS_EVENT) if record else None
        options = {int(o["index"]): o for o in (detail or {}).get("options") or []}
        option = options.get(index)
        if record is None or record.job_id != job_id or option is None:
            return _error(404, "no such option")
        extension = "gif" if option["format"] == "gif" else "png"
        file = option_path(self.folder, job_id, index, extension)
        if not file.is_file():
            return _error(404, "the file is gone")
        return option, file

    def post_option(self, job_id: str, index: int, request: HttpRequest) -> HttpResponse:
        """Share one option in the configured Slack channel, once per option."""
        refusal = cross_site_refusal(request.headers)
        if refusal:
            return _error(403, refusal)
        if self.post_to_slack is None:
            return _error(404, "posting to Slack is not configured")
        found = self._option(job_id, index)
        if isinstance(found, HttpResponse):
            return found
        option, file = found
        # The lock keeps a double click from posting twice; the timeline event
        # remembers a post across requests and restarts.
        with self._posting:
            record = self.store.get(job_id)
            posted = record is not None and any(
                e.status == SLACK_POST_EVENT and e.detail.get("option") == index
                for e in record.events
            )
            if posted:
                return _json(200, {"posted": True, "again": True})
            try:
                self.post_to_slack(str(option["name"]), file.read_bytes(), file.suffix[1:])
            except EmojiForgeError as error:
                return _error(502, f"Slack refused the post: {error}")
            self.store.update(job_id, SLACK_POST_EVENT, at=self.clock(), detail={"option": index})
        return _json(200, {"posted": True})

    def option_file(self, job_id: str, index: int, query: str) -> HttpResponse:
        found = self._option(job_id, index)
        if isinstance(found, HttpResponse):
            return found
        option, file = found
        extension = file.suffix[1:]
        disposition = "attachment" if "download=1" in query.split("&") else "inline"
        # Names are already [a-z0-9_-]; cleaned again because this goes into a header.
        filename = f"{_UNSAFE.sub('_', str(option['name']))}.{extension}"
        headers = {
            **SECURITY_HEADERS,
            "content-type": f"image/{extension}",
            "content-disposition": f'{disposition}; filename="{filename}"',
            "cache-control": "private, max-age=3600",
        }
        return HttpResponse(200, file.read_bytes(), headers)
