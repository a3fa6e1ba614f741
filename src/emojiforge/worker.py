"""The slow path: one job → options generated, emojified, delivered.

``Worker.process`` is a function of one queue message. It returns what the
host should do with the message (delete it, leave it for a retry, or move it
to the dead-letter queue); it never lets an exception escape, so a bad job
can't become a crash loop. The person in Slack is told about a failure once,
with the job's reference, whatever path the failure took.
"""

from __future__ import annotations

import enum
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from emojiforge.errors import (
    DeliveryError,
    EmojiForgeError,
    ImageError,
    InvalidInput,
    ProviderError,
)
from emojiforge.images.model import Emoji, ImageProvider
from emojiforge.jobs import EmojiSpec, Job, parse_job
from emojiforge.kept_options import KeptOption, kept_option
from emojiforge.logs import log_context
from emojiforge.metrics import Metrics, NoMetrics
from emojiforge.names import option_names, suggest_name
from emojiforge.quotas import QuotaExceeded, QuotaLimits, enforce
from emojiforge.store.base import JobStore

log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on our side while making your emoji. Please try again."
PICK_FAILED = (
    "I couldn't add that emoji to the workspace. Save the image from the message above "
    "and add it under Customize workspace → Emoji."
)


class Outcome(enum.Enum):
    DONE = "done"  # delete the message: delivered, or failed for good and the user told
    RETRY = "retry"  # leave it: the queue redelivers it (and dead-letters it after N receives)
    POISON = "poison"  # unreadable: move it to the dead-letter queue now


class Delivery(Protocol):
    def progress(self, job: Job, stage: str) -> None: ...

    def existing_emoji_names(self, job: Job) -> set[str]: ...

    def deliver(self, job: Job, emojis: list[tuple[str, Emoji]]) -> Any: ...

    def notify_failure(self, job: Job, user_message: str) -> None: ...

    def add_picked(self, job: Job, option: KeptOption) -> str | None: ...


MakeOptions = Callable[[EmojiSpec, ImageProvider], list[Emoji]]


@dataclass
class Worker:
    store: JobStore
    delivery: Delivery
    provider_for: Callable[[str | None], ImageProvider]
    make_options: MakeOptions
    max_receives: int = 3
    clock: Callable[[], float] = time.time
    metrics: Metrics = field(default_factory=NoMetrics)
    limits: QuotaLimits = field(default_factory=QuotaLimits)

    def process(self, body: str, *, receive_count: int = 1) -> Outcome:
        try:
            job = parse_job(body)
        except InvalidInput as error:
            with log_context(correlation_id=_peek(body, "correlation_id")):
                log.error("poison message: %s", error, extra={"job_id": _peek(body, "job_id")})
            return Outcome.POISON
        with log_context(correlation_id=job.correlation_id, job_id=job.job_id):
            return self._process(job, receive_count)

    def _process(self, job: Job, receive_count: int) -> Outcome:
        started = self.clock()
        record = self.store.get(job.job_id)
        if record is None:
            # Queued by a peer that could not record it (or the store was reset).
            self.store.create(
                job_id=job.job_id,
                correlation_id=job.correlation_id,
                user_id=job.user_id,
                team_id=job.team_id,
                spec=job.to_dict(),
                at=started,
            )
        elif record.status == "delivered":
            log.info("already delivered; dropping the redelivered message")
            return Outcome.DONE
        self.store.update(job.job_id, "receive", at=started, detail={"count": receive_count})
        if receive_count == 1:
            self.metrics.duration_ms("QueueWaitMs", _ms_since(job.timestamp, started))
        last_chance = receive_count >= self.max_receives
        try:
            self._make_and_deliver(job)
        except QuotaExceeded as error:
            return self._failed(job, "quota", error.message, False, last_chance)
        except ProviderError as error:
            return self._failed(job, error.reason, error.user_message, error.retryable, last_chance)
        except (ImageError, InvalidInput) as error:
            message = f"I couldn't make that emoji: {error}"
            return self._failed(job, "bad_input", message, False, last_chance)
        except EmojiForgeError as error:
            retryable = bool(getattr(error, "retryable", True))
            reason = str(getattr(error, "reason", type(error).__name__))
            return self._failed(job, reason, _unexpected(job), retryable, last_chance)
        except Exception:
            log.exception("unexpected failure")
            return self._failed(job, "unexpected", _unexpected(job), True, last_chance)
        end_to_end = _ms_since(job.timestamp, self.clock())
        log.info("delivered", extra={"duration_ms": round((self.clock() - started) * 1000)})
        self.metrics.count("JobsDelivered")
        self.metrics.duration_ms("EndToEndMs", end_to_end)
        return Outcome.DONE

    def _make_and_deliver(self, job: Job) -> None:
        if job.pick is not None:
            self._add_picked(job, job.pick)
            return
        spec = job.emoji_spec
        # Re-checked here too: jobs can arrive by redrive or from an older webhook.
        # The same tokens as at intake, so a job counted there is not counted again.
        enforce(self.store, self.limits, job, self.clock())
        provider = self.provider_for(spec.provider_for_style())
        self.store.update(job.job_id, "generating", at=self.clock(), provider=provider.name)
        self.delivery.progress(job, "generating")
        generating = self.clock()
        emojis = self.make_options(spec, provider)
        self.metrics.duration_ms("GenerationMs", (self.clock() - generating) * 1000)
        usage = getattr(provider, "last_usage", None)
        cost = float(getattr(usage, "estimated_cost_usd", 0.0))
        self.metrics.cost_usd(cost)
        # One event for what was made and what it cost: each store write is a
        # round trip in AWS.
        outcome: dict[str, Any] = {
            "options": [{"bytes": e.size, "frames": e.frames} for e in emojis]
        }
        if usage is not None:
            spent = {k: getattr(usage, k) for k in ("images", "model", "quality", "estimated")}
            outcome["cost"] = {**spent, "usd": cost}
        self.store.update(job.job_id, "options", at=self.clock(), detail=outcome)
        self.store.update(job.job_id, "delivering", at=self.clock(), add_cost_usd=cost)
        self.delivery.progress(job, "delivering")
        delivering = self.clock()
        names = _names(spec, len(emojis), self.delivery.existing_emoji_names(job))
        # The message says which provider made it, also when "auto" chose.
        made = job.with_changes(emoji_spec=replace(spec, provider=provider.name))
        self.delivery.deliver(made, list(zip(names, emojis, strict=True)))
        self.delivery.progress(made, "done")
        self.metrics.duration_ms("DeliveryMs", (self.clock() - delivering) * 1000)
        self.store.update(job.job_id, "delivered", at=self.clock(), detail={"names": names})

    def _add_picked(self, job: Job, pick: int) -> None:
        # Nothing to generate: the option was made and kept by the job it came from.
        option = kept_option(self.store.get(job.picked_from or ""), pick)
        if option is None:
            raise DeliveryError("option_gone", "That option is no longer kept.", retryable=False)
        self.store.update(job.job_id, "delivering", at=self.clock(), detail={"name": option.name})
        added_as = self.delivery.add_picked(job, option)
        self.store.update(job.job_id, "delivered", at=self.clock(), detail={"added_as": added_as})

    def _failed(
        self, job: Job, reason: str, user_message: str, retryable: bool, last_chance: bool
    ) -> Outcome:
        if retryable and not last_chance:
            log.warning("will retry: %s", reason)
            self.store.update(job.job_id, "retry", at=self.clock(), detail={"reason": reason})
            self.metrics.count("JobsRetried", reason=reason)
            return Outcome.RETRY
        log.error("job failed: %s", reason)
        self.metrics.count("JobsFailed", reason=reason)
        self.store.update(job.job_id, "failed", at=self.clock(), reason=reason)
        self.delivery.notify_failure(job, user_message)
        # A retryable failure on its last receive stays on the queue, which
        # then moves it to the dead-letter queue for an operator to redrive.
        return Outcome.RETRY if retryable else Outcome.DONE


def _unexpected(job: Job) -> str:
    return PICK_FAILED if job.pick is not None else UNEXPECTED


def _names(spec: EmojiSpec, count: int, existing: Sequence[str] | set[str]) -> list[str]:
    base = spec.name or suggest_name(spec.description)
    return option_names(base, count, set(existing))


def _ms_since(timestamp: str, now: float) -> float:
    try:
        then = datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
    return max(0.0, (now - then) * 1000)


def _peek(body: str, key: str) -> str | None:
    """Best effort: a field of an unparseable job, for the log line only."""
    try:
        value = json.loads(body).get(key)
    except (ValueError, AttributeError):
        return None
    return value[:128] if isinstance(value, str) else None
