"""Where a message for a job goes: its channel (in its thread), else a DM.

The bot may not be in the channel (``not_in_channel``) or the channel may be
gone; the person still gets the result, in a direct message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from emojiforge.jobs import Job
from emojiforge.slack.api_errors import CHANNEL_GONE, error_code
from emojiforge.slack.steps import Step

log = logging.getLogger(__name__)

T = TypeVar("T")


class Conversations:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def in_channel_or_dm(
        self, job: Job, send: Callable[[str, str | None], T], *, channel: str | None = None
    ) -> tuple[str, T]:
        """``send`` to the job's channel (in its thread); to the user's DM when the
        job has no channel or the bot cannot post there."""
        channel = channel or job.channel_id
        if channel:
            thread_ts = job.thread_ts if channel == job.channel_id else None
            try:
                return channel, send(channel, thread_ts)
            except SlackApiError as exc:
                if error_code(exc) not in CHANNEL_GONE:
                    raise
                log.info(
                    "cannot post in %s (%s): sending job %s by DM",
                    channel,
                    error_code(exc),
                    job.job_id,
                )
        dm = self.open_dm(job)
        return dm, send(dm, None)

    def ephemeral_or_dm(self, job: Job, text: str) -> Step:
        """A note only the job's person sees: ephemeral in the channel, else a DM."""
        if job.channel_id:
            try:
                self._client.chat_postEphemeral(
                    channel=job.channel_id, user=job.user_id, text=text, thread_ts=job.thread_ts
                )
                return {"channel": job.channel_id, "ephemeral": True}
            except SlackApiError as exc:
                if error_code(exc) not in CHANNEL_GONE:
                    raise
        dm = self.open_dm(job)
        response = self._client.chat_postMessage(channel=dm, text=text)
        return {"channel": dm, "ts": response["ts"]}

    def reply_where_clicked(self, job: Job, text: str) -> Step:
        """Through the click's response_url when it still works, else ephemeral/DM."""
        if job.response_url:
            try:
                response = WebhookClient(job.response_url, timeout=10).send(
                    text=text, response_type="ephemeral", replace_original=False
                )
                if response.status_code == 200:
                    return {"via": "response_url"}
                log.info("response_url answered %s for job %s", response.status_code, job.job_id)
            except (SlackClientError, OSError) as exc:
                log.info("response_url failed for job %s: %s", job.job_id, type(exc).__name__)
        return self.ephemeral_or_dm(job, text)

    def open_dm(self, job: Job) -> str:
        response = self._client.conversations_open(users=job.user_id)
        return str(response["channel"]["id"])
