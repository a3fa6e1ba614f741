"""The synthesized EmojiForge template keeps the promises of ADR-002."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cfnlint.api import lint_all
from infra.functions import WEBHOOK_HANDLER, WORKER_HANDLER

from emojiforge.settings import Settings
from emojiforge.store.dynamodb_items import create_table
from tests.infra.synth import synthesize

FOURTEEN_DAYS_S = 14 * 24 * 3600


@pytest.fixture(scope="module")
def template(code_dir: Path) -> Template:
    return synthesize(code_dir)


@pytest.fixture(scope="module")
def tuned(code_dir: Path) -> Template:
    """Every context setting overridden, the way an operator would with ``-c``."""
    return synthesize(
        code_dir,
        workerTimeoutSeconds="60",
        workerMaxConcurrency="3",
        logRetentionDays="7",
        alarmEmail="ops@example.com",
    )


def only(template: Template, kind: str, props: dict[str, Any] | None = None) -> tuple[str, Any]:
    matches = template.find_resources(kind, {"Properties": props} if props else None)
    assert len(matches) == 1, f"expected one {kind} matching {props}, found {len(matches)}"
    return next(iter(matches.items()))


def function_statements(template: Template, handler: str) -> list[dict[str, Any]]:
    """The IAM statements of the role of the function with ``handler``."""
    _, function = only(template, "AWS::Lambda::Function", {"Handler": handler})
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_of(statement: dict[str, Any]) -> set[str]:
    granted = statement["Action"]
    return {granted} if isinstance(granted, str) else set(granted)


def function_actions(template: Template, handler: str) -> set[str]:
    """Every IAM action granted to the role of the function with ``handler``."""
    return {
        action
        for statement in function_statements(template, handler)
        for action in actions_of(statement)
    }


def queue_ids(template: Template) -> tuple[str, str]:
    """(jobs queue, dead-letter queue) logical ids: the jobs queue has the redrive policy."""
    queues = fifo_queues(template)
    jobs = [i for i, q in queues.items() if "RedrivePolicy" in q["Properties"]]
    dead = [i for i, q in queues.items() if "RedrivePolicy" not in q["Properties"]]
    assert len(jobs) == len(dead) == 1
    return jobs[0], dead[0]


def fifo_queues(template: Template) -> Mapping[str, Any]:
    return template.find_resources("AWS::SQS::Queue", {"Properties": {"FifoQueue": True}})


# Functions


def test_stack_has_exactly_a_webhook_and_a_worker(template: Template) -> None:
    template.resource_count_is("AWS::Lambda::Function", 2)


@pytest.mark.parametrize(
    ("handler", "memory_mb", "timeout_s"),
    [(WEBHOOK_HANDLER, 512, 10), (WORKER_HANDLER, 1024, 30)],
)
def test_function_has_adr_002_size_on_arm64_python_313_with_tracing(
    template: Template, handler: str, memory_mb: int, timeout_s: int
) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": handler,
            "MemorySize": memory_mb,
            "Timeout": timeout_s,
            "Architectures": ["arm64"],
            "Runtime": "python3.13",
            "TracingConfig": {"Mode": "Active"},
        },
    )


def test_worker_timeout_follows_context(tuned: Template) -> None:
    tuned.has_resource_properties(
        "AWS::Lambda::Function", {"Handler": WORKER_HANDLER, "Timeout": 60}
    )


def test_worker_job_budget_ends_before_lambda_kills_it(template: Template) -> None:
    _, worker = only(template, "AWS::Lambda::Function", {"Handler": WORKER_HANDLER})
    variables = worker["Properties"]["Environment"]["Variables"]
    assert 0 < float(variables["EMOJIFORGE_WORKER_TIMEOUT_S"]) < worker["Properties"]["Timeout"]
    assert float(variables["EMOJIFORGE_OPENAI_TIMEOUT_S"]) <= float(
        variables["EMOJIFORGE_WORKER_TIMEOUT_S"]
    )


SECRET_LIKE = re.compile(r"TOKEN|SECRET|KEY|PASSWORD", re.IGNORECASE)
TOKEN_LOOKING = re.compile(r"^(xox[a-z]-|xapp-|sk-)|[A-Za-z0-9+/]{32,}")


def test_no_function_environment_variable_carries_a_secret(template: Template) -> None:
    for function in template.find_resources("AWS::Lambda::Function").values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert "EMOJIFORGE_SECRET_ARN" in variables
        for name, value in variables.items():
            if SECRET_LIKE.search(name):
                assert name.endswith("_ARN"), f"{name} looks like a secret in plain text"
                assert isinstance(value, dict), f"{name} must reference the secret, not inline it"
            if isinstance(value, str):
                assert not TOKEN_LOOKING.search(value), f"{name}={value!r} looks like a key"


def test_every_emojiforge_variable_set_is_one_settings_reads(template: Template) -> None:
    declared = {f.metadata["env"] for f in fields(Settings)}
    for function in template.find_resources("AWS::Lambda::Function").values():
        variables = function["Properties"]["Environment"]["Variables"]
        ours = {name for name in variables if name.startswith("EMOJIFORGE_")}
        assert ours <= declared, f"not declared in settings.py: {ours - declared}"


def test_functions_get_the_aws_resource_names(template: Template) -> None:
    expected = {
        "EMOJIFORGE_QUEUE_URL",
        "EMOJIFORGE_DLQ_URL",
        "EMOJIFORGE_TABLE",
        "EMOJIFORGE_BUCKET",
        "EMOJIFORGE_SECRET_ARN",
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "LOG_LEVEL",
    }
    for function in template.find_resources("AWS::Lambda::Function").values():
        assert expected <= set(function["Properties"]["Environment"]["Variables"])
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like({"POWERTOOLS_METRICS_NAMESPACE": "EmojiForge"})
            }
        },
    )


def test_each_function_logs_to_its_own_group_with_retention(template: Template) -> None:
    # One group per function, plus the HTTP API's access logs.
    template.resource_count_is("AWS::Logs::LogGroup", 3)
    template.all_resources_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})
    template.all_resources_properties(
        "AWS::Lambda::Function", {"LoggingConfig": {"LogGroup": {"Ref": Match.any_value()}}}
    )


def test_log_retention_follows_context(tuned: Template) -> None:
    tuned.all_resources_properties("AWS::Logs::LogGroup", {"RetentionInDays": 7})


# Queues


def test_jobs_go_to_a_fifo_dead_letter_queue_after_three_receives(template: Template) -> None:
    template.resource_count_is("AWS::SQS::Queue", 2)
    queues = fifo_queues(template)
    jobs_id, dead_id = queue_ids(template)
    redrive = queues[jobs_id]["Properties"]["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == 3
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dead_id, "Arn"]}
    assert queues[dead_id]["Properties"]["MessageRetentionPeriod"] == FOURTEEN_DAYS_S
    assert queues[jobs_id]["Properties"]["MessageRetentionPeriod"] < FOURTEEN_DAYS_S


def test_queues_are_encrypted_and_deduplicate_by_id_not_content(template: Template) -> None:
    template.all_resources_properties("AWS::SQS::Queue", {"SqsManagedSseEnabled": True})
    template.has_resource_properties(
        "AWS::SQS::Queue", {"FifoQueue": True, "ContentBasedDeduplication": False}
    )


def test_queues_refuse_plain_http(template: Template) -> None:
    template.resource_count_is("AWS::SQS::QueuePolicy", 2)
    template.all_resources_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


@pytest.mark.parametrize(("fixture", "worker_timeout_s"), [("template", 30), ("tuned", 60)])
def test_visibility_timeout_is_six_times_the_worker_timeout(
    request: pytest.FixtureRequest, fixture: str, worker_timeout_s: int
) -> None:
    template: Template = request.getfixturevalue(fixture)
    _, worker = only(template, "AWS::Lambda::Function", {"Handler": WORKER_HANDLER})
    assert worker["Properties"]["Timeout"] == worker_timeout_s
    _, jobs = only(template, "AWS::SQS::Queue", {"RedrivePolicy": Match.any_value()})
    visibility = jobs["Properties"]["VisibilityTimeout"]
    assert visibility >= 6 * worker_timeout_s


def test_worker_takes_one_job_at_a_time_and_reports_failures_per_job(
    template: Template,
) -> None:
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "BatchSize": 1,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": 5},
        },
    )


def test_worker_concurrency_cap_follows_context(tuned: Template) -> None:
    tuned.has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"ScalingConfig": {"MaximumConcurrency": 3}}
    )


# Least privilege


def test_webhook_may_enqueue_but_not_consume(template: Template) -> None:
    actions = function_actions(template, WEBHOOK_HANDLER)
    assert "sqs:SendMessage" in actions
    assert not actions & {"sqs:ReceiveMessage", "sqs:DeleteMessage"}


def test_webhook_cannot_touch_the_image_bucket(template: Template) -> None:
    actions = function_actions(template, WEBHOOK_HANDLER)
    assert not [action for action in actions if action.startswith("s3:")]


def test_webhook_enqueues_only_on_the_jobs_queue(template: Template) -> None:
    jobs_id, _ = queue_ids(template)
    sends = [
        statement["Resource"]
        for statement in function_statements(template, WEBHOOK_HANDLER)
        if "sqs:SendMessage" in actions_of(statement)
    ]
    assert sends == [{"Fn::GetAtt": [jobs_id, "Arn"]}]


def test_worker_consumes_jobs_and_can_sign_image_urls(template: Template) -> None:
    actions = function_actions(template, WORKER_HANDLER)
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "s3:PutObject"} <= actions
    assert "s3:GetObject*" in actions or "s3:GetObject" in actions
    assert not [action for action in actions if action.startswith("s3:Delete")]


def test_worker_sends_only_to_the_dead_letter_queue(template: Template) -> None:
    # Poison records go straight to the dead-letter queue; the worker never enqueues jobs.
    _, dead_id = queue_ids(template)
    sends = [
        statement["Resource"]
        for statement in function_statements(template, WORKER_HANDLER)
        if "sqs:SendMessage" in actions_of(statement)
    ]
    assert sends == [{"Fn::GetAtt": [dead_id, "Arn"]}]


@pytest.mark.parametrize("handler", [WEBHOOK_HANDLER, WORKER_HANDLER])
def test_function_reads_the_secret_and_uses_the_table_without_scan(
    template: Template, handler: str
) -> None:
    actions = function_actions(template, handler)
    assert {"secretsmanager:GetSecretValue", "dynamodb:PutItem", "dynamodb:Query"} <= actions
    assert "dynamodb:Scan" not in actions
    assert not [action for action in actions if action.endswith(":*")]


# State


def test_job_table_is_on_demand_with_ttl_pitr_and_lookup_indexes(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "GlobalSecondaryIndexes": Match.array_with(
                [
                    Match.object_like({"IndexName": "by_correlation"}),
                    Match.object_like({"IndexName": "by_user"}),
                ]
            ),
        },
    )


class RecordingDynamoDB:
    """Just enough of a DynamoDB client to capture what ``create_table`` asks for."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}

    def create_table(self, **kwargs: Any) -> None:
        self.calls["create_table"] = kwargs

    def update_time_to_live(self, **kwargs: Any) -> None:
        self.calls["update_time_to_live"] = kwargs

    def get_waiter(self, name: str) -> Any:
        return SimpleNamespace(wait=lambda **kwargs: None)


def test_table_layout_matches_the_one_the_dynamodb_store_creates_locally(
    template: Template,
) -> None:
    # A GSI key of another type than the store writes would reject every write.
    client = RecordingDynamoDB()
    create_table(client, "jobs")  # type: ignore[arg-type]
    local = client.calls["create_table"]
    _, table = only(template, "AWS::DynamoDB::Table")
    deployed = table["Properties"]

    def by_name(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
        return {item[key]: item for item in items}

    assert by_name(deployed["AttributeDefinitions"], "AttributeName") == by_name(
        local["AttributeDefinitions"], "AttributeName"
    )
    assert deployed["KeySchema"] == local["KeySchema"]
    assert by_name(deployed["GlobalSecondaryIndexes"], "IndexName") == by_name(
        local["GlobalSecondaryIndexes"], "IndexName"
    )
    ttl = client.calls["update_time_to_live"]["TimeToLiveSpecification"]
    assert deployed["TimeToLiveSpecification"] == ttl


def test_bucket_is_private_encrypted_expiring_and_kept(template: Template) -> None:
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                        ]
                    },
                    "LifecycleConfiguration": {
                        "Rules": [Match.object_like({"ExpirationInDays": 30})]
                    },
                }
            ),
        },
    )


def test_bucket_policy_denies_requests_without_tls(template: Template) -> None:
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Action": "s3:*",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_secret_is_created_with_empty_placeholders_only(template: Template) -> None:
    _, secret = only(template, "AWS::SecretsManager::Secret", {"Name": "emojiforge/app"})
    assert secret["Properties"]["SecretString"] == (
        '{"slack_signing_secret":"","slack_bot_token":"","slack_admin_token":"",'
        '"openai_api_key":"","gemini_api_key":""}'
    )


# Endpoint, alarms, outputs


def test_slack_posts_to_a_throttled_http_api(template: Template) -> None:
    template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": "POST /slack/events"})
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {
                "ThrottlingRateLimit": Match.any_value(),
                "ThrottlingBurstLimit": Match.any_value(),
            },
        },
    )


def queue_depth_alarm(template: Template, queue_id: str) -> dict[str, Any]:
    _, alarm = only(
        template,
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}],
        },
    )
    return dict(alarm["Properties"])


def test_endpoint_writes_access_logs(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {"AccessLogSettings": {"DestinationArn": Match.any_value(), "Format": Match.any_value()}},
    )


def test_alarm_topic_refuses_plain_http(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_first_dead_lettered_job_raises_the_alarm(template: Template) -> None:
    _, dead_id = queue_ids(template)
    properties = queue_depth_alarm(template, dead_id)
    assert properties["Threshold"] == 1
    assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_a_backlog_of_over_a_hundred_jobs_raises_the_alarm(template: Template) -> None:
    jobs_id, _ = queue_ids(template)
    properties = queue_depth_alarm(template, jobs_id)
    assert properties["Threshold"] == 100
    assert properties["ComparisonOperator"] == "GreaterThanThreshold"
    assert properties["AlarmName"] == "EmojiForge-QueueBacklog"
    assert properties["AlarmDescription"].endswith("Runbook: docs/runbook.md#queuebacklog")


@pytest.mark.parametrize(
    ("metric", "threshold"),
    [("ApproximateAgeOfOldestMessage", 300), ("Throttles", 1), ("5xx", 1), ("Duration", 2500)],
)
def test_operational_alarms_exist(template: Template, metric: str, threshold: int) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm", {"MetricName": metric, "Threshold": threshold}
    )


def test_every_alarm_notifies_the_topic(template: Template) -> None:
    template.resource_count_is("AWS::CloudWatch::Alarm", 8)
    template.all_resources_properties(
        "AWS::CloudWatch::Alarm", {"AlarmActions": [{"Ref": Match.string_like_regexp("Alarms")}]}
    )


def test_alarm_email_is_subscribed_only_when_given(template: Template, tuned: Template) -> None:
    template.resource_count_is("AWS::SNS::Subscription", 0)
    tuned.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}
    )


def test_dashboard_shows_the_app_metrics(template: Template) -> None:
    _, dashboard = only(template, "AWS::CloudWatch::Dashboard")
    body = str(dashboard["Properties"]["DashboardBody"])
    for metric in (
        "JobsQueued",
        "JobsDelivered",
        "JobsFailed",
        "EndToEndMs",
        "WebhookAckMs",
        "EstimatedCostUsd",
    ):
        assert metric in body


@pytest.mark.parametrize(
    "name",
    [
        "EndpointUrl",
        "SlackRequestUrl",
        "QueueUrl",
        "DeadLetterQueueUrl",
        "TableName",
        "BucketName",
        "SecretArn",
        "AlarmTopicArn",
        "DashboardUrl",
    ],
)
def test_stack_outputs_what_the_operator_needs(template: Template, name: str) -> None:
    template.has_output(name, {"Value": Match.any_value()})


def test_template_has_no_cloudformation_lint_errors(template: Template) -> None:
    # cfn-lint knows each property's allowed values, which synth does not check.
    matches = lint_all(json.dumps(template.to_json()))
    errors = [f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E")]
    assert not errors
