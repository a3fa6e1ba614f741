"""The public HTTPS endpoint Slack calls: an HTTP API in front of the webhook."""

from __future__ import annotations

import jsii
from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

# Slack's events, slash commands and interactivity all share this one path.
SLACK_EVENTS_PATH = "/slack/events"
# No authorizer: Slack cannot send AWS credentials; the webhook verifies Slack's
# signature on every request. Throttling caps what an unsigned flood can cost.
THROTTLE_RATE_PER_S = 25
THROTTLE_BURST = 50


@jsii.implements(apigw.IAccessLogSettings)
class AccessLogs:
    """Where the stage writes access logs, in CDK's default JSON format."""

    def __init__(self, destination: apigw.IAccessLogDestination) -> None:
        self._destination = destination

    # jsii reads an interface's members as properties, not plain attributes.
    @property
    def destination(self) -> apigw.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> None:
        return None


class SlackEndpoint(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        webhook: lambda_.IFunction,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, id)
        # Access logs show what never reaches the webhook's own logs: requests the stage
        # throttled (429) and integration failures (5xx), with Slack's source address.
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY
        )
        # The default stage is made by hand because only an explicit stage takes
        # throttle settings.
        self.api = apigw.HttpApi(
            self,
            "Api",
            description="EmojiForge: Slack events, commands and interactivity",
            create_default_stage=False,
        )
        self.stage = self.api.add_stage(
            "DefaultStage",
            stage_name="$default",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(
                rate_limit=THROTTLE_RATE_PER_S, burst_limit=THROTTLE_BURST
            ),
            access_log_settings=AccessLogs(apigw.LogGroupLogDestination(access_logs)),
        )
        self.api.add_routes(
            path=SLACK_EVENTS_PATH,
            methods=[apigw.HttpMethod.POST],
            integration=integrations.HttpLambdaIntegration("Webhook", webhook),
        )

    @property
    def slack_url(self) -> str:
        """The Request URL to paste into (or generate) the Slack app manifest."""
        # The $default stage serves at the API's root, so no stage name in the path.
        return self.api.api_endpoint + SLACK_EVENTS_PATH
