"""The public HTTPS endpoint Slack calls: an HTTP API in front of the webhook."""

from __future__ import annotations

from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

# Slack's events, slash commands and interactivity all share this one path.
SLACK_EVENTS_PATH = "/slack/events"
# No authorizer: Slack cannot send AWS credentials; the webhook verifies Slack's
# signature on every request. Throttling caps what an unsigned flood can cost.
THROTTLE_RATE_PER_S = 25
THROTTLE_BURST = 50


class SlackEndpoint(Construct):
    def __init__(self, scope: Construct, id: str, *, webhook: lambda_.IFunction) -> None:
        super().__init__(scope, id)
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
