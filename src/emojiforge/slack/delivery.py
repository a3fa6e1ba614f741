"""Deliver finished emoji to Slack: upload, result message, workspace emoji, reaction.

Every side effect is an idempotent step (see ``slack.steps``), so a job the
queue delivers twice never uploads or posts twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from emojiforge.errors import DeliveryError
from emojiforge.images.model import Emoji
from emojiforge.jobs import Job
from emojiforge.kept_options import KEPT_EVENT, KeptOption, KeptOptions, kept_detail
from emojiforge.slack import messages
from emojiforge.slack.api_errors import VIEW_GONE, as_delivery_errors, error_code, is_transient
from emojiforge.slack.conversations import Conversations
from emojiforge.slack.steps import JobSteps, Step
from emojiforge.store.base import JobStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryResult:
    channel_id: str  # where it went: the job's channel, or the user's DM
    message_ts: str  # the result message
    file_ids: tuple[str, ...]
    added_as: str | None = None  # the workspace emoji name, when added by API
    reacted: bool = False


class SlackDelivery:
    def __init__(
        self,
        client: WebClient,
        store: JobStore,
        *,
        admin_client: WebClient | None = None,
        workspace_url: str = "",
        kept_options: KeptOptions | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._to = Conversations(client)
        self._store = store
        self._admin = admin_client
        self._workspace_url = workspace_url
        self._kept_options = kept_options
        self._clock = clock

    # -- public API ---------------------------------------------------------------

    def progress(self, job: Job, stage: str) -> None:
        """Show ``stage`` in the job's modal, if it has one. Never raises."""
        if job.view_id:
            self._update_view(job, messages.progress_view(job, stage))

    def existing_emoji_names(self, job: Job) -> set[str]:
        """The workspace's names (the job's workspace: this app serves one)."""
        with as_delivery_errors():
            response = self._client.emoji_list()
        return set(response.get("emoji") or {})

    def deliver(self, job: Job, emojis: list[tuple[str, Emoji]]) -> DeliveryResult:
        """Upload ``emojis`` (final name, emoji) and post the result; see the module doc.

        Raises ``DeliveryError``; its ``retryable`` says whether to try again later.
        """
        if not emojis:
            raise ValueError("deliver() needs at least one emoji")
        # The job's status is the worker's to set; delivery records only its steps.
        steps = self._steps(job)
        with as_delivery_errors():
            upload = steps.once("upload", lambda: self._upload(job, emojis))
            added = self._maybe_add_to_workspace(job, emojis, steps)
            kept = self._maybe_keep_options(job, emojis, steps)
            message = steps.once(
                "message", lambda: self._post_result(job, emojis, upload, added, kept)
            )
            reacted = self._maybe_react(job, added.get("name"), steps)
        return DeliveryResult(
            channel_id=message["channel"],
            message_ts=message["ts"],
            file_ids=tuple(upload["file_ids"]),
            added_as=added.get("name"),
            reacted=reacted,
        )

    def add_picked(self, job: Job, option: KeptOption) -> str | None:
        """Add the option a person picked (``job.pick``) to the workspace, react
        with it when the job asks to, and tell the person either way, once.

        Returns the name it was added under; None when Slack refused (a taken
        name, say): the person has been told in plain words, and retrying would
        not help. Raises ``DeliveryError`` when a later try can succeed.
        """
        admin, kept_options = self._admin, self._kept_options
        if admin is None or kept_options is None:
            # The webhook only queues a pick for a kept option; this is a
            # configuration change in between (admin token removed).
            raise DeliveryError(
                "cannot_add_emoji", "Emoji can't be added by API here.", retryable=False
            )
        steps = self._steps(job)
        with as_delivery_errors():
            added = steps.once(
                "emoji-added",
                lambda: _add_emoji(admin, job, option.name, kept_options.url(option.key)),
            )
            self._maybe_react(job, added.get("name"), steps)
            steps.once(
                "pick-notice",
                lambda: self._to.reply_where_clicked(job, self._picked_text(option.name, added)),
            )
        name = added.get("name")
        return str(name) if name else None

    def notify_failure(self, job: Job, user_message: str) -> None:
        """Tell the user, once, that the job failed. Never raises: the job has
        already failed, and a failing notice must not hide why."""
        try:
            steps = self._steps(job)
            steps.once("failure-notice", lambda: self._send_failure(job, user_message))
        except Exception:
            log.warning(
                "could not tell user about failed job %s (%s)",
                job.job_id,
                job.correlation_id,
                exc_info=True,
            )

    # -- steps --------------------------------------------------------------------

    def _steps(self, job: Job) -> JobSteps:
        return JobSteps(self._store, job.job_id, self._clock)

    def _upload(self, job: Job, emojis: list[tuple[str, Emoji]]) -> Step:
        uploads = [
            {
                "file": emoji.data,
                "filename": f"{name}.{emoji.extension}",
                "title": f":{name}:",
                "alt_txt": messages.clip(job.emoji_spec.description, 1000),
            }
            for name, emoji in emojis
        ]

        def upload_to(channel: str, thread_ts: str | None) -> Any:
            return self._client.files_upload_v2(
                file_uploads=uploads,
                channel=channel,
                thread_ts=thread_ts,
                initial_comment=messages.upload_comment(job),
            )

        channel, response = self._to.in_channel_or_dm(job, upload_to)
        return {"channel": channel, "file_ids": [f["id"] for f in response.get("files") or []]}

    def _maybe_add_to_workspace(
        self, job: Job, emojis: list[tuple[str, Emoji]], steps: JobSteps
    ) -> Step:
        # Only a single option is added without asking: with several, the user picks.
        # admin.emoji.add takes a URL, so the emoji is kept where Slack can fetch it.
        admin, kept_options = self._admin, self._kept_options
        if admin is None or kept_options is None or len(emojis) != 1:
            return {"name": None}
        name, emoji = emojis[0]

        def add_emoji() -> Step:
            url = kept_options.url(kept_options.keep(job.job_id, 0, name, emoji))
            return _add_emoji(admin, job, name, url)

        return steps.once("emoji-added", add_emoji)

    def _maybe_keep_options(
        self, job: Job, emojis: list[tuple[str, Emoji]], steps: JobSteps
    ) -> Step:
        # With several options the person picks one later, maybe after any link
        # made now has expired: keep them all where a fresh link can be made.
        kept_options = self._kept_options
        if self._admin is None or kept_options is None or len(emojis) < 2:
            return kept_detail([])

        def keep_all() -> Step:
            return kept_detail(
                [
                    (index, name, kept_options.keep(job.job_id, index, name, emoji))
                    for index, (name, emoji) in enumerate(emojis)
                ]
            )

        return steps.once(KEPT_EVENT, keep_all)

    def _post_result(
        self, job: Job, emojis: list[tuple[str, Emoji]], upload: Step, added: Step, kept: Step
    ) -> Step:
        names = [name for name, _ in emojis]
        # One option is added right away; of several, the pick adds one (if kept).
        can_add = bool(added.get("name")) if len(emojis) == 1 else bool(kept.get("options"))
        link = "" if can_add else messages.customize_url(self._workspace())

        def post(channel: str, thread_ts: str | None, file_ids: list[str]) -> Any:
            blocks = messages.result_blocks(
                job,
                names,
                file_ids,
                can_add_to_workspace=can_add,
                customize_url=link,
                added_as=added.get("name"),
            )
            return self._client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=messages.result_text(job, names),
                blocks=blocks,
            )

        def post_with_images(channel: str, thread_ts: str | None) -> Any:
            try:
                return post(channel, thread_ts, upload["file_ids"])
            except SlackApiError as exc:
                # A file still being processed cannot be shown in an image block yet;
                # the images are already in the upload message just above.
                if error_code(exc) != "invalid_blocks":
                    raise
                return post(channel, thread_ts, [])

        channel, response = self._to.in_channel_or_dm(
            job, post_with_images, channel=upload["channel"]
        )
        return {"channel": channel, "ts": response["ts"]}

    def _maybe_react(self, job: Job, name: str | None, steps: JobSteps) -> bool:
        channel, ts = job.channel_id, job.message_ts
        if not (name and channel and ts):
            return False
        outcome = steps.once("reaction", lambda: self._react(job, channel, ts, name))
        return bool(outcome.get("name"))

    def _react(self, job: Job, channel: str, ts: str, name: str) -> Step:
        try:
            self._client.reactions_add(channel=channel, timestamp=ts, name=name)
        except SlackApiError as exc:
            if is_transient(exc):
                raise
            if error_code(exc) != "already_reacted":
                log.warning("no reaction for job %s: %s", job.job_id, error_code(exc))
                return {"name": None, "error": error_code(exc)}
        return {"name": name}

    def _send_failure(self, job: Job, user_message: str) -> Step:
        text = messages.failure_text(user_message, job.correlation_id)
        if job.view_id:
            self._update_view(job, messages.failure_view(job, user_message))
        return self._to.ephemeral_or_dm(job, text)

    def _picked_text(self, name: str, added: Step) -> str:
        # Only a refusal needs the customize link; don't ask Slack for it otherwise.
        link = "" if added.get("name") else messages.customize_url(self._workspace())
        return messages.picked_text(name, added, link)

    def _workspace(self) -> str:
        if not self._workspace_url:
            try:
                self._workspace_url = str(self._client.auth_test().get("url") or "")
            except (SlackClientError, OSError) as exc:
                log.info("workspace URL unknown, no customize link: %s", exc)
        return self._workspace_url

    def _update_view(self, job: Job, view: dict[str, Any]) -> None:
        try:
            self._client.views_update(view_id=job.view_id, view=view)
        except SlackApiError as exc:
            # The user may have closed the modal; the channel/DM message still arrives.
            level = logging.INFO if error_code(exc) in VIEW_GONE else logging.WARNING
            log.log(level, "modal of job %s not updated: %s", job.job_id, error_code(exc))
        except (SlackClientError, OSError) as exc:
            log.warning("modal of job %s not updated: %s", job.job_id, exc)


def _add_emoji(admin: WebClient, job: Job, name: str, url: str) -> Step:
    try:
        admin.admin_emoji_add(name=name, url=url)
    except SlackApiError as exc:
        if is_transient(exc):
            raise
        # Taken name, no Enterprise, no scope: the user still has the image and the link.
        log.warning("emoji %s not added for job %s: %s", name, job.job_id, error_code(exc))
        return {"name": None, "error": error_code(exc)}
    return {"name": name}
