"""EmojiForgeStack: wires the pieces of ADR-002 together and grants least privilege."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.alarms import AppAlarms
from infra.config import StackConfig
from infra.dashboard import AppDashboard
from infra.endpoint import SlackEndpoint
from infra.functions import AppFunctions
from infra.nag import acknowledge_findings
from infra.queues import MAX_RECEIVES, JobQueues
from infra.storage import JOB_TABLE_ACTIONS, AppSecret, ImageBucket, JobTable


class EmojiForgeStack(Stack):
    def __init__(self, scope: Construct, id: str, *, config: StackConfig) -> None:
        super().__init__(
            scope, id, description="EmojiForge: custom Slack emoji made with AI (ADR-002)"
        )
        queues = JobQueues(self, "Queues", visibility_timeout_s=config.queue_visibility_timeout_s)
        table = JobTable(self, "Jobs").table
        bucket = ImageBucket(self, "Images").bucket
        secret = AppSecret(self, "AppSecret").secret

        # Names and ARNs only: the keys themselves are read from Secrets Manager at
        # cold start, so they never show in the console, the template or a log.
        environment = {
            "EMOJIFORGE_QUEUE_URL": queues.jobs.queue_url,
            "EMOJIFORGE_DLQ_URL": queues.dead_letter.queue_url,
            "EMOJIFORGE_TABLE": table.table_name,
            "EMOJIFORGE_BUCKET": bucket.bucket_name,
            "EMOJIFORGE_SECRET_ARN": secret.secret_arn,
            "EMOJIFORGE_MAX_RECEIVES": str(MAX_RECEIVES),
            # Settings reads the first, the Powertools logger the second.
            "EMOJIFORGE_LOG_LEVEL": "INFO",
            "LOG_LEVEL": "INFO",
        }
        functions = AppFunctions(
            self, "Functions", config=config, queues=queues, environment=environment
        )
        webhook, worker = functions.webhook, functions.worker

        # Least privilege. The webhook only enqueues: no receive or delete, and no
        # bucket. The worker's receive/delete comes with its SQS event source. SQS
        # dead-letters a job after its last failed try; the worker itself sends only a
        # poison record (one that can never succeed) straight to the dead-letter queue.
        queues.jobs.grant_send_messages(webhook)
        queues.dead_letter.grant_send_messages(worker)
        for function in (webhook, worker):
            secret.grant_read(function)
            table.grant(function, *JOB_TABLE_ACTIONS)
        # Read as well as write: a presigned GET URL is only as good as its signer's rights.
        bucket.grant_put(worker)
        bucket.grant_read(worker)

        endpoint = SlackEndpoint(
            self, "Endpoint", webhook=webhook, log_retention=config.log_retention
        )
        alarms = AppAlarms(
            self,
            "Alarms",
            alarm_email=config.alarm_email,
            queues=queues,
            webhook=webhook,
            worker=worker,
            api=endpoint.api,
        )
        dashboard = AppDashboard(
            self, "Dashboard", queues=queues, webhook=webhook, worker=worker, alarms=alarms.alarms
        )

        acknowledge_findings(
            functions=[webhook, worker], api=endpoint.api, bucket=bucket, secret=secret
        )

        outputs = {
            # The base URL is what `emojiforge manifest --url` takes; it adds the path.
            "EndpointUrl": endpoint.api.api_endpoint,
            "SlackRequestUrl": endpoint.slack_url,
            "QueueUrl": queues.jobs.queue_url,
            "DeadLetterQueueUrl": queues.dead_letter.queue_url,
            "TableName": table.table_name,
            "BucketName": bucket.bucket_name,
            "SecretArn": secret.secret_arn,
            "AlarmTopicArn": alarms.topic.topic_arn,
            "DashboardUrl": dashboard_url(self.region, dashboard.dashboard.dashboard_name),
            # For the runbook's Logs Insights queries across both functions.
            "WebhookLogGroup": webhook.log_group.log_group_name,
            "WorkerLogGroup": worker.log_group.log_group_name,
        }
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)


def dashboard_url(region: str, name: str) -> str:
    """The console link operators open first (region and name resolve at deploy)."""
    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home"
        f"?region={region}#dashboards:name={name}"
    )
