"""Alarms that page a person: a job was lost, jobs are stuck, or Slack is not acked."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.queues import JobQueues

FIVE_MINUTES = Duration.minutes(5)
# A user watches the modal while waiting; five minutes in the queue is already broken.
MAX_JOB_AGE_S = 300
# Jobs waiting at once. With the default concurrency cap of 5 and ~10 s per image, a
# hundred waiting jobs is over three minutes of queue: a burst the cap cannot absorb,
# or a worker that stopped consuming, seen before the oldest job gets too old.
QUEUE_BACKLOG_LIMIT = 100
# Slack gives up on an ack after 3 s; alarm while there is still a margin.
WEBHOOK_P99_LIMIT_MS = 2500

_AT_LEAST = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
_ABOVE = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD


class AppAlarms(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alarm_email: str,
        queues: JobQueues,
        webhook: lambda_.Function,
        worker: lambda_.Function,
        api: apigw.HttpApi,
    ) -> None:
        super().__init__(scope, id)
        self.topic = sns.Topic(self, "Topic", display_name="EmojiForge alarms", enforce_ssl=True)
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self._action = actions.SnsAction(self.topic)
        self.alarms: list[cloudwatch.Alarm] = []

        # Messages moved to a dead-letter queue do not count as sent there, so only the
        # visible count shows them.
        self._alarm(
            "DeadLetterNotEmpty",
            "A job failed every try and sits in the dead-letter queue.",
            queues.dead_letter.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic="Maximum"
            ),
            threshold=1,
            comparison=_AT_LEAST,
        )
        self._alarm(
            "QueueBacklog",
            "Many jobs are waiting: a burst beyond the worker's concurrency cap, or a stall.",
            queues.jobs.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic="Maximum"
            ),
            threshold=QUEUE_BACKLOG_LIMIT,
            comparison=_ABOVE,
        )
        self._alarm(
            "JobsWaitingTooLong",
            "The oldest job has waited too long: the worker is down, failing or capped.",
            queues.jobs.metric_approximate_age_of_oldest_message(
                period=Duration.minutes(1), statistic="Maximum"
            ),
            threshold=MAX_JOB_AGE_S,
            comparison=_ABOVE,
        )
        self._alarm(
            "WorkerErrors",
            "The worker crashed or timed out (a handled job failure is not an error).",
            worker.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
            threshold=1,
            comparison=_AT_LEAST,
        )
        self._alarm(
            "WorkerThrottles",
            "Lambda refused worker invocations: account concurrency is exhausted.",
            worker.metric_throttles(period=FIVE_MINUTES, statistic="Sum"),
            threshold=1,
            comparison=_AT_LEAST,
        )
        self._alarm(
            "WebhookErrors",
            "The webhook crashed: Slack users see an error instead of the modal.",
            webhook.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
            threshold=1,
            comparison=_AT_LEAST,
        )
        self._alarm(
            "WebhookSlowAck",
            "Webhook p99 is close to Slack's 3 s ack limit: trigger_ids will expire.",
            webhook.metric_duration(period=FIVE_MINUTES, statistic="p99"),
            threshold=WEBHOOK_P99_LIMIT_MS,
            comparison=_ABOVE,
        )
        self._alarm(
            "EndpointServerErrors",
            "The HTTP API answered Slack with 5xx.",
            api.metric_server_error(period=FIVE_MINUTES, statistic="Sum"),
            threshold=1,
            comparison=_AT_LEAST,
        )

    def _alarm(
        self,
        name: str,
        description: str,
        metric: cloudwatch.Metric,
        *,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
    ) -> None:
        alarm = metric.create_alarm(
            self,
            name,
            # A fixed, readable name: docs/runbook.md has a section per alarm.
            alarm_name=f"{Stack.of(self).stack_name}-{name}",
            alarm_description=f"{description} Runbook: docs/runbook.md#{name.lower()}",
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=1,
            # No traffic is not a failure: a quiet night must not page anyone.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms.append(alarm)
