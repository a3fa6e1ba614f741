"""The Queue protocol on an SQS FIFO queue; see ``queues.base`` for the semantics.

SQS does the work itself: de-duplication, group ordering, visibility, receive
counts, and dead-lettering (the main queue's RedrivePolicy moves a message
server-side, so no code here handles it). This adapter only translates names
and units, and maps SQS's "stale receipt" errors onto the protocol.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from emojiforge.errors import QueueError
from emojiforge.queues.base import Message
from emojiforge.queues.sqlite import DEAD_LETTER_SOURCE

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.literals import QueueAttributeNameType
    from mypy_boto3_sqs.type_defs import MessageTypeDef, ReceiveMessageRequestTypeDef

MAX_BATCH = 10
MAX_WAIT_S = 20
# The longest visibility timeout SQS accepts: 12 hours.
MAX_VISIBILITY_S = 43_200
# Long enough to hold a peek's earlier batches while it fetches the next ones,
# short enough that a peek interrupted mid-way releases its messages soon.
PEEK_VISIBILITY_S = 30
# SQS accepts group and de-duplication ids of at most 128 of these characters.
_VALID_ID = re.compile(r"[A-Za-z0-9!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]{1,128}")
# Error codes meaning "this receipt is not (or no longer) the message's current
# one". The query-compatible form carries a prefix, hence the suffix match.
_STALE_RECEIPT_CODES = {"ReceiptHandleIsInvalid", "MessageNotInflight"}


class SQSQueue:
    """One SQS FIFO queue; ``name`` defaults to the last part of its URL."""

    def __init__(self, client: SQSClient, queue_url: str, *, name: str | None = None) -> None:
        self._client = client
        self.queue_url = queue_url
        self.name = name or queue_url.rstrip("/").rsplit("/", 1)[-1]

    def send(
        self,
        body: str,
        *,
        group_id: str,
        dedup_id: str,
        attributes: Mapping[str, str] | None = None,
    ) -> str:
        """Enqueue; an id SQS would refuse is replaced by its hash (see ``sqs_id``).

        SQS refuses empty attribute values and more than ten attributes.
        """
        response = self._client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=body,
            MessageGroupId=sqs_id(group_id),
            MessageDeduplicationId=sqs_id(dedup_id),
            MessageAttributes={
                key: {"DataType": "String", "StringValue": value}
                for key, value in (attributes or {}).items()
            },
        )
        return response["MessageId"]

    def receive(
        self,
        *,
        max_messages: int = 1,
        wait_s: float = 0.0,
        visibility_timeout_s: float | None = None,
    ) -> list[Message]:
        """Receive; SQS counts whole seconds, so both durations round up."""
        if not 1 <= max_messages <= MAX_BATCH:
            raise ValueError(f"max_messages must be between 1 and {MAX_BATCH}")
        if not 0 <= wait_s <= MAX_WAIT_S:
            raise ValueError(f"wait_s must be between 0 and {MAX_WAIT_S}")
        request: ReceiveMessageRequestTypeDef = {
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": max_messages,
            "WaitTimeSeconds": math.ceil(wait_s),
            "MessageSystemAttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
        }
        # Left out, not None (which boto3 refuses), to keep the queue's default.
        if visibility_timeout_s is not None:
            request["VisibilityTimeout"] = _whole_seconds(visibility_timeout_s)
        response = self._client.receive_message(**request)
        return [to_message(raw) for raw in response.get("Messages", [])]

    def delete(self, receipt: str) -> None:
        # SQS itself ignores most stale receipts; the rest it calls invalid,
        # which the protocol also asks us to ignore.
        try:
            self._client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt)
        except ClientError as error:
            if not _is_stale_receipt(error):
                raise

    def change_visibility(self, receipt: str, timeout_s: float) -> None:
        if timeout_s < 0:
            raise ValueError("timeout_s must not be negative")
        try:
            self._client.change_message_visibility(
                QueueUrl=self.queue_url,
                ReceiptHandle=receipt,
                VisibilityTimeout=_whole_seconds(timeout_s),
            )
        except ClientError as error:
            if _is_stale_receipt(error):
                raise QueueError(
                    self.name, "the message was deleted or received again since"
                ) from error
            raise

    def approximate_depth(self) -> tuple[int, int]:
        attributes = self._client.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
            ],
        )["Attributes"]
        return (
            int(attributes.get("ApproximateNumberOfMessages", 0)),
            int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
        )

    def peek(self, limit: int = 50) -> list[Message]:
        """Up to ``limit`` visible messages, left on the queue; their receipt is empty.

        SQS cannot show a message without receiving it, so a peek receives,
        holding each batch for ``PEEK_VISIBILITY_S`` so no message is seen twice,
        then makes them all visible again at once. That costs three things
        SQLite's peek does not: it skips messages in flight; a FIFO group held
        by one batch yields nothing to the next, so of a group it shows only
        what the first batch reaching it took (at most ten); and every peek adds
        one to SQS's receive count, so on a queue with a RedrivePolicy it can
        push a message into the dead-letter queue. Meant for dead-letter queues
        (`emojiforge dlq list`), which have none. ``receive_count`` reports the
        receives before the peek.
        """
        peeked: list[Message] = []
        try:
            while len(peeked) < limit:
                batch = self.receive(
                    max_messages=min(MAX_BATCH, limit - len(peeked)),
                    visibility_timeout_s=PEEK_VISIBILITY_S,
                )
                if not batch:
                    break
                peeked += batch
        finally:
            self._release([m.receipt for m in peeked])
        return [_as_peeked(m) for m in peeked]

    def purge(self) -> int:
        """Delete every message; returns about how many went.

        SQS purges asynchronously (up to 60 s) and refuses a second purge of
        the same queue within 60 s (PurgeQueueInProgress).
        """
        visible, in_flight = self.approximate_depth()
        self._client.purge_queue(QueueUrl=self.queue_url)
        return visible + in_flight

    def _release(self, receipts: list[str]) -> None:
        for start in range(0, len(receipts), MAX_BATCH):
            # Failed entries are not retried: their short timeout frees them soon.
            self._client.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": receipt, "VisibilityTimeout": 0}
                    for n, receipt in enumerate(receipts[start : start + MAX_BATCH])
                ],
            )


def sqs_id(value: str) -> str:
    """``value`` if SQS accepts it as a group or de-duplication id, else its hash.

    The hash is deterministic, so a retried send still de-duplicates and a
    group keeps its order; received messages carry the hashed form.
    """
    if _VALID_ID.fullmatch(value):
        return value
    return "sha256-" + hashlib.sha256(value.encode()).hexdigest()


def to_message(raw: MessageTypeDef) -> Message:
    """A received SQS message as the protocol's ``Message``."""
    system = raw.get("Attributes", {})
    attributes = {
        key: value["StringValue"]
        for key, value in raw.get("MessageAttributes", {}).items()
        if "StringValue" in value
    }
    # Real SQS names the queue a dead letter came from; SQLite records the same.
    source_arn = system.get("DeadLetterQueueSourceArn")
    if source_arn:
        attributes[DEAD_LETTER_SOURCE] = source_arn.rsplit(":", 1)[-1]
    return Message(
        message_id=raw["MessageId"],
        body=raw["Body"],
        receipt=raw["ReceiptHandle"],
        group_id=system.get("MessageGroupId", ""),
        dedup_id=system.get("MessageDeduplicationId", ""),
        receive_count=int(system.get("ApproximateReceiveCount", 1)),
        sent_at=int(system.get("SentTimestamp", 0)) / 1000,
        attributes=attributes,
    )


def create_fifo_queues(
    client: SQSClient,
    name: str,
    *,
    max_receives: int = 3,
    visibility_timeout_s: int = 180,
) -> tuple[str, str]:
    """Create ``<name>.fifo`` and its dead-letter queue ``<name>-dlq.fifo``;
    returns (main url, dead-letter url). For tests and local development: in
    AWS the CDK stack owns the queues."""
    base = name.removesuffix(".fifo")
    # Explicit de-duplication ids only: content-based de-duplication would drop
    # a user's second, identical request within five minutes.
    fifo: dict[QueueAttributeNameType, str] = {
        "FifoQueue": "true",
        "ContentBasedDeduplication": "false",
    }
    dlq_url = client.create_queue(QueueName=f"{base}-dlq.fifo", Attributes=fifo)["QueueUrl"]
    dlq_arn = client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives}
    main_url = client.create_queue(
        QueueName=f"{base}.fifo",
        Attributes={
            **fifo,
            "VisibilityTimeout": str(visibility_timeout_s),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return main_url, dlq_url


def _whole_seconds(seconds: float) -> int:
    if seconds > MAX_VISIBILITY_S:
        raise ValueError(f"SQS visibility timeouts stop at {MAX_VISIBILITY_S} s")
    return math.ceil(seconds)


def _is_stale_receipt(error: ClientError) -> bool:
    # QueryErrorCode is missing from botocore's type of the error: read it as plain strings.
    details = {key: str(value) for key, value in error.response.get("Error", {}).items()}
    codes = {details.get("Code", ""), details.get("QueryErrorCode", "")}
    names = {code.rsplit(".", 1)[-1] for code in codes}
    if names & _STALE_RECEIPT_CODES:
        return True
    # FIFO queues report an expired receipt, or one whose message is gone, as
    # a bad ReceiptHandle parameter; other bad parameters are real errors.
    return "InvalidParameterValue" in names and "receipthandle" in _squeezed(details)


def _squeezed(details: Mapping[str, str]) -> str:
    return details.get("Message", "").lower().replace(" ", "")


def _as_peeked(message: Message) -> Message:
    return replace(message, receipt="", receive_count=message.receive_count - 1)
