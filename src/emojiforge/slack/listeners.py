"""Bolt listeners: each translates one Slack interaction into a modal or a job.

They run inside the webhook's 3-second window (``process_before_response``):
only fast work here — open a view, validate, enqueue. Generation is the worker's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emojiforge.errors import InvalidInput
from emojiforge.intake import JobIntake
from emojiforge.jobs import (
    Job,
    job_from_dict,
    new_correlation_id,
    new_job_id,
    utc_now_iso,
)
from emojiforge.kept_options import KeptOption, kept_option
from emojiforge.logs import current_context
from emojiforge.slack.emoji_names import EmojiNameCache
from emojiforge.slack.messages import CUSTOMIZE_LINK_ACTION
from emojiforge.slack.modal import (
    CALLBACK_ID,
    FieldErrors,
    ModalContext,
    Submission,
    emoji_modal,
    read_submission,
)
from emojiforge.store.base import JobRecord

log = logging.getLogger(__name__)

COMMAND = "/emoji"
GLOBAL_SHORTCUT = "make_emoji"
MESSAGE_SHORTCUT = "make_emoji_from_message"

HELP = (
    "*Make a custom emoji*\n"
    "• `/emoji` opens the form; `/emoji happy dance` fills in the description.\n"
    "• On any message: ⋯ → *Make an emoji* to make one from it (and react with it).\n"
    "• Styles include cartoon, pixel art and `text` (words like “lgtm”); "
    "animations include party, spin and intensifies.\n"
    "You'll get a preview in a few seconds; I'll tell you if anything goes wrong."
)


@dataclass(frozen=True)
class ListenerDeps:
    intake: JobIntake
    emoji_names: EmojiNameCache
    providers: Sequence[str]
    default_provider: str
    working_view: Callable[[Job], dict[str, Any]]
    can_add_emoji: bool = False  # Enterprise with an admin token: emoji added by API


# What reading a signed payload that lacks a field Slack always sends raises.
_MALFORMED = (KeyError, TypeError, AttributeError, IndexError, ValueError)


def register(app: App, deps: ListenerDeps) -> None:
    @app.error
    def on_error(error: Exception) -> BoltResponse:
        # A malformed payload is the sender's fault: a 4xx, not an outage alarm.
        if isinstance(error, _MALFORMED):
            log.warning("malformed Slack payload (%s)", type(error).__name__)
            return BoltResponse(status=400, body="malformed payload")
        log.error("listener failed", exc_info=error)
        return BoltResponse(status=500, body="internal error")

    def open_modal(client: WebClient, trigger_id: str, context: ModalContext, text: str) -> None:
        view = emoji_modal(
            context,
            description=text,
            providers=deps.providers,
            default_provider=deps.default_provider,
            can_add_emoji=deps.can_add_emoji,
        )
        client.views_open(trigger_id=trigger_id, view=view)

    @app.command(COMMAND)
    def on_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        text = (command.get("text") or "").strip()
        if text.lower() in {"help", "?"}:
            ack(text=HELP)
            return
        context = ModalContext(
            origin="command",
            team_id=command.get("team_id"),
            channel_id=command.get("channel_id"),
            response_url=command.get("response_url"),
        )
        try:
            open_modal(client, command["trigger_id"], context, text)
        except SlackApiError as error:
            log.warning("views.open failed: %s", error.response.get("error"))
            ack(text=f"Sorry, I couldn't open the form. {_reference()}")
            return
        ack()

    @app.shortcut(GLOBAL_SHORTCUT)
    def on_global_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        team = (shortcut.get("team") or {}).get("id")
        open_modal(client, shortcut["trigger_id"], ModalContext(origin="global", team_id=team), "")

    @app.shortcut(MESSAGE_SHORTCUT)
    def on_message_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        message = shortcut.get("message") or {}
        text = message.get("text") or ""
        context = ModalContext(
            origin="message",
            team_id=(shortcut.get("team") or {}).get("id"),
            channel_id=(shortcut.get("channel") or {}).get("id"),
            message_ts=message.get("ts"),
            # Reply in the message's thread (or start one on it).
            thread_ts=message.get("thread_ts") or message.get("ts"),
            response_url=shortcut.get("response_url"),
            source_text=text,
        )
        open_modal(client, shortcut["trigger_id"], context, text[:200])

    @app.view(CALLBACK_ID)
    def on_submission(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        try:
            submission = read_submission(view["state"]["values"], deps.providers)
            context = ModalContext.from_metadata(view.get("private_metadata") or "")
            team_id = context.team_id or (body.get("team") or {}).get("id")
            if submission.name and submission.name in deps.emoji_names.names(client, team_id):
                raise FieldErrors({"name": f":{submission.name}: is already taken here."})
            job = _job_from_submission(submission, context, body, view)
            deps.intake.submit(job)
        except FieldErrors as error:
            ack(response_action="errors", errors=error.errors)
            return
        except InvalidInput as error:
            ack(response_action="errors", errors={_block_for(error.field): error.message})
            return
        ack(response_action="update", view=deps.working_view(job))

    @app.action(CUSTOMIZE_LINK_ACTION)
    def on_customize_link(ack: Ack) -> None:
        # A link button still sends an interaction; without an ack Slack marks it failed.
        ack()

    @app.action("emoji_regenerate")
    def on_regenerate(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _regenerate(deps, body, respond)

    @app.action("emoji_another_style")
    def on_another_style(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        original = _original_job(deps, body)
        if original is None:
            return
        context = ModalContext(
            origin="message",
            team_id=original.team_id,
            channel_id=original.channel_id,
            message_ts=original.message_ts,
            thread_ts=original.thread_ts,
        )
        view = emoji_modal(
            context,
            description=original.emoji_spec.description,
            style="pixel" if original.emoji_spec.style != "pixel" else "cartoon",
            providers=deps.providers,
            default_provider=original.emoji_spec.provider or deps.default_provider,
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action("emoji_pick")
    def on_pick(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        action = body["actions"][0]
        job_id, _, index = str(action.get("value", "")).rpartition(":")
        record = deps.intake.store.get(job_id)
        if record is None:
            _tell(respond, "I no longer have that emoji.")
            return
        deps.intake.store.update(job_id, "picked", at=deps.intake.clock(), detail={"option": index})
        # Delivery kept the options only where it can add one by API (Enterprise).
        option = kept_option(record, int(index)) if index.isdigit() else None
        if option is not None:
            _submit_pick(deps, record, int(index), option, body, respond)
            return
        number = int(index) + 1 if index.isdigit() else index
        _tell(
            respond,
            f"Option {number} it is! Download it from the message above and add it "
            "under *Customize workspace → Emoji*.",
        )


def _tell(respond: Respond, text: str) -> None:
    """An ephemeral note through response_url; a failure here must not fail the ack."""
    try:
        respond(text=text, replace_original=False, response_type="ephemeral")
    except Exception as error:
        log.warning("could not answer through response_url: %s", type(error).__name__)


def _reference() -> str:
    correlation_id = current_context().get("correlation_id")
    return f"(reference: {correlation_id})" if correlation_id else ""


def _block_for(field: str) -> str:
    return (
        field if field in {"description", "style", "effect", "name", "options"} else "description"
    )


def _job_from_submission(
    submission: Submission, context: ModalContext, body: dict[str, Any], view: dict[str, Any]
) -> Job:
    user_id = body["user"]["id"]
    channel_id = None if submission.dm else context.channel_id
    return Job(
        # Derived from the view id: a double submit or a retry maps to the same job.
        job_id=new_job_id(view["id"]),
        correlation_id=current_context().get("correlation_id") or new_correlation_id(),
        user_id=user_id,
        channel_id=channel_id,
        emoji_spec=submission.spec(provider=None, source_text=context.source_text),
        timestamp=utc_now_iso(),
        team_id=context.team_id or (body.get("team") or {}).get("id"),
        # Set only when the person asked for the reaction (see the modal).
        message_ts=context.message_ts if channel_id and submission.react else None,
        thread_ts=context.thread_ts if channel_id else None,
        response_url=context.response_url,
        view_id=view["id"],
    )


def _original_job(deps: ListenerDeps, body: dict[str, Any]) -> Job | None:
    job_id = str(body["actions"][0].get("value", "")).split(":")[0]
    record = deps.intake.store.get(job_id)
    if record is None:
        return None
    try:
        return job_from_dict(dict(record.spec))
    except InvalidInput:
        return None


def _follow_up(original: Job, body: dict[str, Any], suffix: str, **changes: Any) -> Job:
    """A new job from a button on ``original``'s result message.

    Charged to (and answered to) whoever clicked: anyone in the channel can
    press the button, and must not spend the original requester's quota. The
    id comes from the original and ``suffix``, so a repeated click dedupes.
    """
    return original.with_changes(
        job_id=new_job_id(f"{original.job_id}_{suffix}"),
        user_id=(body.get("user") or {}).get("id") or original.user_id,
        correlation_id=current_context().get("correlation_id") or original.correlation_id,
        timestamp=utc_now_iso(),
        view_id=None,
        response_url=body.get("response_url") or original.response_url,
        **changes,
    )


def _submit(deps: ListenerDeps, job: Job, respond: Respond, answer: Callable[[bool], str]) -> None:
    """Queue a follow-up job and answer the click; ``answer`` gets "is it new"."""
    try:
        created = deps.intake.submit(job)
    except InvalidInput as error:
        _tell(respond, error.message)
        return
    _tell(respond, answer(created))


def _submit_pick(
    deps: ListenerDeps,
    record: JobRecord,
    index: int,
    option: KeptOption,
    body: dict[str, Any],
    respond: Respond,
) -> None:
    """Queue "add option ``index`` of this job to the workspace": the worker does
    the Slack calls, so this stays fast."""
    try:
        original = job_from_dict(dict(record.spec))
    except InvalidInput:
        _tell(respond, "I no longer have that emoji's details; try /emoji again.")
        return
    job = _follow_up(original, body, f"pick{index}", pick=index, picked_from=original.job_id)
    _submit(
        deps,
        job,
        respond,
        lambda created: (
            f"{'Adding' if created else 'Already adding'} `:{option.name}:` to the workspace…"
        ),
    )


def _regenerate(deps: ListenerDeps, body: dict[str, Any], respond: Respond) -> None:
    original = _original_job(deps, body)
    if original is None:
        _tell(respond, "I no longer have that emoji's details; try /emoji again.")
        return
    # Each click is a new generation: the click time goes into the id.
    job = _follow_up(original, body, f"r{body['actions'][0].get('action_ts', '')}")
    _submit(deps, job, respond, lambda _: "Making another one…")
