"""State that outlives a deployment: the job table, the emoji bucket, the app secret."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, SecretValue
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

SECRET_NAME = "emojiforge/app"  # noqa: S105 - the secret's name, not its value
# The JSON keys the app reads from the secret; the operator fills them after deploy.
SECRET_KEYS = (
    "slack_signing_secret",
    "slack_bot_token",
    "slack_admin_token",
    "openai_api_key",
    "gemini_api_key",
)
# What the functions do with job items; unlike grant_read_write_data this leaves out
# Scan, so a leaked function role cannot dump every user's jobs in one call.
JOB_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
)
# Generated images are only needed until Slack has copied them (upload or
# admin.emoji.add fetches the URL at once); a month leaves room for support questions.
IMAGE_EXPIRY = Duration.days(30)


class JobTable(Construct):
    """Job status, idempotency keys and quotas, one item collection per job or user."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        string = dynamodb.AttributeType.STRING
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="pk", type=string),
            sort_key=dynamodb.Attribute(name="sk", type=string),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            # Idempotency records and quota counters expire by themselves.
            time_to_live_attribute="expires_at",
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Log lines carry the correlation id; this finds the job behind one.
        self.table.add_global_secondary_index(
            index_name="by_correlation",
            partition_key=dynamodb.Attribute(name="correlation_id", type=string),
        )
        # "My recent emoji", newest first. The store writes created_at as epoch seconds
        # (a number): a key of another type would make every write fail validation.
        self.table.add_global_secondary_index(
            index_name="by_user",
            partition_key=dynamodb.Attribute(name="user_id", type=string),
            sort_key=dynamodb.Attribute(name="created_at", type=dynamodb.AttributeType.NUMBER),
        )


class ImageBucket(Construct):
    """Private bucket for generated emoji; Slack fetches them through presigned URLs."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            lifecycle_rules=[s3.LifecycleRule(id="expire-images", expiration=IMAGE_EXPIRY)],
            auto_delete_objects=False,
            removal_policy=RemovalPolicy.RETAIN,
        )


class AppSecret(Construct):
    """One JSON secret with every key; functions get only its ARN and read it at start."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            secret_name=SECRET_NAME,
            description="EmojiForge Slack and image provider keys (JSON); fill after deploy.",
            # Empty placeholders only, so the template shows the expected shape and holds
            # no secret material; the real values are put with the CLI after deploy.
            # CloudFormation rewrites the secret only when this value changes: editing
            # SECRET_KEYS after deploy wipes the operator's values (docs/deploy.md).
            secret_object_value={key: SecretValue.unsafe_plain_text("") for key in SECRET_KEYS},
        )
