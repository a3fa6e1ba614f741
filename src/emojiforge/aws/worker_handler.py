"""AWS Lambda entry point of the worker: one SQS FIFO record → Worker.process.

Partial batch failures come from Powertools (``SqsFifoPartialProcessor``): a
record that should be retried is reported in ``batchItemFailures`` and SQS
redelivers only that one (then dead-letters it after maxReceiveCount). A
poison record is sent to the dead-letter queue at once and reported done.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import (
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from emojiforge.aws.metrics import EmfMetrics
from emojiforge.aws.runtime import configure_logging, lambda_settings
from emojiforge.queues.base import Queue
from emojiforge.runner import park_poison
from emojiforge.wiring import (
    build_kept_options,
    build_queues,
    build_store,
    build_worker,
)
from emojiforge.worker import Outcome, Worker

_built: tuple[Worker, Queue] | None = None
_metrics = EmfMetrics(service="emojiforge")


class RetryLater(Exception):
    """Raised so Powertools reports the record as failed: SQS redelivers it."""


def _get() -> tuple[Worker, Queue]:
    global _built
    if _built is None:
        settings = lambda_settings()
        configure_logging(settings)
        _, dead_letter = build_queues(settings)
        worker = build_worker(
            settings,
            store=build_store(settings),
            kept_options=build_kept_options(settings),
            metrics=_metrics,
        )
        _built = (worker, dead_letter)
    return _built


def record_handler(record: SQSRecord) -> None:
    worker, dead_letter = _get()
    count = int(record.attributes.approximate_receive_count or 1)
    outcome = worker.process(record.body, receive_count=count)
    if outcome is Outcome.RETRY:
        raise RetryLater(record.message_id)
    if outcome is Outcome.POISON:
        attributes = {
            key: value.string_value
            for key, value in (record.message_attributes or {}).items()
            if value.string_value is not None
        }
        group = record.attributes.message_group_id or "poison"
        park_poison(dead_letter, record.body, group, record.message_id, attributes)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    processor = SqsFifoPartialProcessor()
    # With batch size 1 every failure is an "entire batch" failure; report it
    # as a batch item failure instead of raising, so a retry is not counted as
    # a Lambda error (that alarm is for real crashes).
    processor.raise_on_entire_batch_failure = False
    try:
        result = process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    finally:
        _metrics.flush()
    return dict(result)


def reset() -> None:
    global _built
    _built = None
