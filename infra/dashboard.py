"""One CloudWatch dashboard: is the queue moving, are the functions healthy, what it costs."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.functions import METRICS_NAMESPACE, SERVICE_NAME
from infra.queues import JobQueues

PERIOD = Duration.minutes(5)
WIDTH = 8  # three widgets per row (the grid is 24 wide)


def app_metric(name: str, statistic: str) -> cloudwatch.Metric:
    """A custom metric the app emits as EMF through Powertools."""
    return cloudwatch.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name,
        dimensions_map={"service": SERVICE_NAME},
        statistic=statistic,
        period=PERIOD,
        label=f"{name} {statistic}",
    )


class AppDashboard(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        queues: JobQueues,
        webhook: lambda_.Function,
        worker: lambda_.Function,
        alarms: list[cloudwatch.Alarm],
    ) -> None:
        super().__init__(scope, id)
        self.dashboard = dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            # Named after the stack so operators find it; a second stack gets its own.
            dashboard_name=Stack.of(self).stack_name,
            default_interval=Duration.hours(3),
        )
        dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(alarms), width=24)
        )
        dashboard.add_widgets(
            _graph(
                "Queue depth",
                queues.jobs.metric_approximate_number_of_messages_visible(period=PERIOD),
                queues.jobs.metric_approximate_number_of_messages_not_visible(period=PERIOD),
            ),
            _graph(
                "Oldest job (s)",
                queues.jobs.metric_approximate_age_of_oldest_message(period=PERIOD),
            ),
            _graph(
                "Dead-letter depth",
                queues.dead_letter.metric_approximate_number_of_messages_visible(period=PERIOD),
            ),
        )
        dashboard.add_widgets(
            _graph(
                "Duration p99 (ms)",
                webhook.metric_duration(period=PERIOD, statistic="p99", label="webhook"),
                worker.metric_duration(period=PERIOD, statistic="p99", label="worker"),
            ),
            _graph(
                "Errors and throttles",
                webhook.metric_errors(period=PERIOD, label="webhook errors"),
                worker.metric_errors(period=PERIOD, label="worker errors"),
                worker.metric_throttles(period=PERIOD, label="worker throttles"),
            ),
            _graph(
                "Jobs",
                app_metric("JobsQueued", "Sum"),
                app_metric("JobsDelivered", "Sum"),
                app_metric("JobsFailed", "Sum"),
            ),
        )
        dashboard.add_widgets(
            _graph(
                "End to end (ms)",
                app_metric("EndToEndMs", "p50"),
                app_metric("EndToEndMs", "p95"),
            ),
            _graph("Webhook ack p99 (ms)", app_metric("WebhookAckMs", "p99")),
            _graph("Estimated cost (USD)", app_metric("EstimatedCostUsd", "Sum")),
        )


def _graph(title: str, *metrics: cloudwatch.IMetric) -> cloudwatch.GraphWidget:
    return cloudwatch.GraphWidget(title=title, left=list(metrics), width=WIDTH)
