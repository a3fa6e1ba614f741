"""Block Kit messages and views for delivery: pure functions, no I/O.

Everything a person typed goes through ``escape`` before it reaches mrkdwn, so
a description such as ``<!channel>`` or ``<@U123>`` shows as text and never
pings anyone. Every field is cut to Slack's limit here, because Slack rejects
the whole message or view (``invalid_blocks``) when one field is too long.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from emojiforge.jobs import Job

# Block Kit limits (characters), from Slack's reference pages.
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_IMAGE_ALT = 2000
MAX_IMAGE_TITLE = 2000
MAX_VIEW_TITLE = 24
MAX_URL = 3000
MAX_PRIVATE_METADATA = 3000
# Top-level message text may be far longer, but it is the notification preview.
MAX_FALLBACK_TEXT = 300
# How much of the description a message or view repeats back: enough to recognise.
DESCRIPTION_SHOWN = 200

PICK_ACTION = "emoji_pick"
REGENERATE_ACTION = "emoji_regenerate"
ANOTHER_STYLE_ACTION = "emoji_another_style"
CUSTOMIZE_LINK_ACTION = "emoji_customize_link"
PROGRESS_CALLBACK = "emoji_progress"

STAGE_LABELS = {
    "queued": ":hourglass_flowing_sand: Queued…",
    "generating": ":art: Generating…",
    "delivering": ":outbox_tray: Delivering…",
    "done": ":white_check_mark: Done",
}


def escape(text: str) -> str:
    """Slack mrkdwn escaping: ``&`` first, so the entities added after stay intact."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, at a word break when one is near."""
    if len(text) <= limit:
        return text
    return _at_word_break(text[: limit - 1]) + "…"


def escape_clipped(text: str, limit: int) -> str:
    """``escape(text)`` within ``limit``; the cut is made before escaping, so an
    entity such as ``&amp;`` is never cut in half."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    kept, used = [], 0
    for char in text:
        used += len(escape(char))
        if used > limit - 1:
            break
        kept.append(char)
    return escape(_at_word_break("".join(kept))) + "…"


def _at_word_break(cut: str) -> str:
    space = cut.rfind(" ")
    if space >= len(cut) * 0.8:  # a word break near the end reads better than a cut word
        cut = cut[:space]
    return cut.rstrip()


PROVIDER_NAMES = {"openai": "OpenAI", "gemini": "Gemini", "offline": "the offline generator"}


def customize_url(workspace_url: str) -> str:
    """The page where anyone may add an emoji by hand: ``<workspace>/customize/emoji``."""
    return workspace_url.rstrip("/") + "/customize/emoji" if workspace_url else ""


def upload_comment(job: Job) -> str:
    """The comment posted with the uploaded files."""
    described = escape_clipped(job.emoji_spec.description, DESCRIPTION_SHOWN)
    made_by = PROVIDER_NAMES.get(job.emoji_spec.provider or "", "")
    by = f", made with {made_by}" if made_by else ""
    return f"Emoji for “{described}” ({escape(job.emoji_spec.style)} style{by})"


def result_text(job: Job, names: Sequence[str]) -> str:
    """The message's plain fallback: notifications and screen readers show it."""
    described = escape_clipped(job.emoji_spec.description, DESCRIPTION_SHOWN)
    shown = ", ".join(f":{name}:" for name in names)
    return clip(f"Your emoji for “{described}” is ready: {shown}", MAX_FALLBACK_TEXT)


def result_blocks(
    job: Job,
    names: Sequence[str],
    file_ids: Sequence[str],
    *,
    can_add_to_workspace: bool,
    customize_url: str,
    added_as: str | None = None,
) -> list[dict[str, Any]]:
    """The result message: each option (image + suggested ``:name:``) and the buttons.

    ``file_ids`` may be empty when the files cannot be shown inline (they are
    still in the upload message). ``added_as`` is the name the emoji was added
    under by API; without it, and when the workspace cannot add by API, the
    message carries the one-click link to Slack's customize page.
    """
    spec = job.emoji_spec
    described = escape_clipped(spec.description, DESCRIPTION_SHOWN)
    several = len(names) > 1
    heading = f"Here are {len(names)} options" if several else "Here is your emoji"
    blocks: list[dict[str, Any]] = [
        _section(f"*{heading}* for “{described}” ({escape(spec.style)} style).")
    ]
    for index, name in enumerate(names):
        label = f"Option {index + 1}: :{name}:" if several else f":{name}:"
        if index < len(file_ids):
            blocks.append(_image(file_ids[index], label, spec.description))
        blocks.append(_pick_section(job, index, name, several))
    if added_as:
        blocks.append(_section(f"Added to the workspace as `:{escape(added_as)}:`. Try it!"))
    elif not can_add_to_workspace:
        blocks.append(_customize_section(names[0] if names else "", customize_url))
    blocks.append(
        {
            "type": "actions",
            "elements": [
                _button("Regenerate", REGENERATE_ACTION, job.job_id),
                _button("Another style", ANOTHER_STYLE_ACTION, job.job_id),
            ],
        }
    )
    return blocks


# Why ``admin.emoji.add`` refused, in plain words; anything else is said generically.
_REFUSALS = {
    "error_name_taken": "that name is taken now",
    "error_name_taken_i18n": "that name is taken now",
    "error_bad_name_i18n": "Slack did not accept the name",
    "error_invalid_image": "Slack could not use the image",
    "resized_but_still_too_large": "the image is too large for Slack",
}


def picked_text(name: str, added: Mapping[str, Any], customize_url: str) -> str:
    """What the person who picked an option is told: it is in, or why not."""
    shown = escape(name)
    if added.get("name"):
        return f":{shown}: is now in the workspace. Try it!"
    why = _REFUSALS.get(str(added.get("error") or ""), "Slack would not add it")
    where = (
        f"<{customize_url}|Customize workspace → Emoji>"
        if customize_url
        else ("*Customize workspace → Emoji*")
    )
    return (
        f"I couldn't add `:{shown}:` to the workspace: {why}. "
        f"Save the image from the message above and add it under {where}."
    )


def failure_text(user_message: str, correlation_id: str) -> str:
    """What the person is told when a job fails; the reference finds it in the logs."""
    message = escape_clipped(user_message.strip().rstrip("."), 1000)
    return f"Sorry, I couldn't make that emoji: {message}. (reference: {escape(correlation_id)})"


def progress_view(job: Job, stage: str) -> dict[str, Any]:
    """The modal shown while the job runs; ``stage`` is a key of ``STAGE_LABELS``."""
    label = STAGE_LABELS.get(stage, clip(stage, 100))
    return _modal(job, [_section(f"*{label}*"), _description_context(job)])


def failure_view(job: Job, user_message: str) -> dict[str, Any]:
    """The modal after a failure: the same words as the failure message."""
    return _modal(job, [_section(failure_text(user_message, job.correlation_id))])


def _modal(job: Job, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": PROGRESS_CALLBACK,
        "title": _plain("EmojiForge", MAX_VIEW_TITLE),
        "close": _plain("Close", MAX_VIEW_TITLE),
        "private_metadata": clip(job.job_id, MAX_PRIVATE_METADATA),
        "blocks": [*blocks, _context(f"Reference: `{escape(job.correlation_id)}`")],
    }


def _description_context(job: Job) -> dict[str, Any]:
    described = escape_clipped(job.emoji_spec.description, DESCRIPTION_SHOWN)
    return _context(f"“{described}” · {escape(job.emoji_spec.style)}")


def _customize_section(name: str, url: str) -> dict[str, Any]:
    if not url or len(url) > MAX_URL:
        return _section(
            f"To use it, save the image and add it as `:{escape(name)}:` under"
            " *Customize workspace → Emoji*."
        )
    return {
        **_section(f"To use it, save the image and add it as `:{escape(name)}:`."),
        "accessory": {
            "type": "button",
            "action_id": CUSTOMIZE_LINK_ACTION,
            "text": _plain("Add to Slack", MAX_BUTTON_TEXT),
            "url": url,
        },
    }


def _pick_section(job: Job, index: int, name: str, several: bool) -> dict[str, Any]:
    # One section per option, its pick button as the accessory: an action_id must be
    # unique within its block, so every pick button needs a block of its own.
    text = f"Use option {index + 1}" if several else "Use this one"
    return {
        **_section(f"Suggested name: `:{escape(name)}:`"),
        "accessory": _button(text, PICK_ACTION, f"{job.job_id}:{index}", primary=True),
    }


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": _plain(text, MAX_BUTTON_TEXT),
        "value": value[:MAX_BUTTON_VALUE],
    }
    if primary:
        button["style"] = "primary"
    return button


def _image(file_id: str, title: str, description: str) -> dict[str, Any]:
    return {
        "type": "image",
        "slack_file": {"id": file_id},
        "alt_text": clip(description, MAX_IMAGE_ALT),
        "title": _plain(title, MAX_IMAGE_TITLE),
    }


def _section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn, MAX_SECTION_TEXT)}}


def _context(mrkdwn: str) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(mrkdwn, MAX_CONTEXT_TEXT)}],
    }


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}
