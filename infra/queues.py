"""The job queue: SQS FIFO with a FIFO dead-letter queue (ADR-002)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

# A job is tried this many times before it is parked in the dead-letter queue; the
# app reads the same number (EMOJIFORGE_MAX_RECEIVES) to tell the user on the last try.
MAX_RECEIVES = 3
# A job nobody could run for days is stale for its user; SQS's default, stated.
JOB_RETENTION = Duration.days(4)
# The longest SQS keeps a message: time for an operator to inspect and redrive, and
# longer than JOB_RETENTION as AWS advises, so a job never expires on its way there.
DLQ_RETENTION = Duration.days(14)


class JobQueues(Construct):
    def __init__(self, scope: Construct, id: str, *, visibility_timeout_s: int) -> None:
        super().__init__(scope, id)
        # The dead-letter queue of a FIFO queue must itself be FIFO.
        self.dead_letter = sqs.Queue(
            self,
            "DeadLetter",
            fifo=True,
            retention_period=DLQ_RETENTION,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.jobs = sqs.Queue(
            self,
            "Jobs",
            fifo=True,
            # The webhook derives the de-duplication id from the Slack request, so a
            # retried delivery is dropped even though it gets a new job id and time
            # (which would make the content, and a content hash, differ).
            content_based_deduplication=False,
            visibility_timeout=Duration.seconds(visibility_timeout_s),
            retention_period=JOB_RETENTION,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letter, max_receive_count=MAX_RECEIVES
            ),
        )
