"""What a Lambda container builds once and reuses: settings with secrets.

Secrets come from Secrets Manager (cached per container, re-read after a few
minutes so a rotation takes effect); the functions' environment holds only the
secret's ARN.
"""

from __future__ import annotations

from emojiforge.aws.clients import aws_client
from emojiforge.aws.secrets import load_app_secrets, settings_with_secrets
from emojiforge.settings import Settings


def configure_logging(settings: Settings) -> None:
    """Powertools' JSON lines (what CloudWatch Logs Insights parses), with the
    correlation id and job id our log context binds, and tokens redacted."""
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    from emojiforge import logs

    logs.configure(settings.log_level, formatter=LambdaPowertoolsFormatter(service="emojiforge"))


def lambda_settings() -> Settings:
    settings = Settings.from_env()
    if not settings.secret_arn:
        return settings
    secrets = load_app_secrets(aws_client("secretsmanager", settings), settings.secret_arn)
    return settings_with_secrets(settings, secrets)
