"""What a Lambda container builds once and reuses: settings with secrets.

Secrets come from Secrets Manager (cached per container, re-read after a few
minutes so a rotation takes effect); the functions' environment holds only the
secret's ARN.
"""

from __future__ import annotations

from emojiforge.aws.clients import aws_client
from emojiforge.aws.secrets import load_app_secrets, settings_with_secrets
from emojiforge.settings import Settings


def lambda_settings() -> Settings:
    settings = Settings.from_env()
    if not settings.secret_arn:
        return settings
    secrets = load_app_secrets(aws_client("secretsmanager", settings), settings.secret_arn)
    return settings_with_secrets(settings, secrets)
