"""The one place that builds things from Settings.

Everything else receives its dependencies as arguments. Heavy or optional
imports (AI SDKs, Pillow, boto3) happen inside the builder that needs them,
so importing this module stays cheap for the webhook.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emojiforge.errors import ConfigError
from emojiforge.settings import Settings

if TYPE_CHECKING:
    from emojiforge.images.model import ImageProvider
    from emojiforge.kept_options import KeptOptions
    from emojiforge.metrics import Metrics
    from emojiforge.playground.api import PlaygroundApi
    from emojiforge.queues.base import Queue
    from emojiforge.quotas import QuotaLimits
    from emojiforge.store.base import JobStore
    from emojiforge.webhook import Webhook
    from emojiforge.worker import Worker

QUEUE_NAME = "emojiforge-jobs"
DLQ_NAME = "emojiforge-jobs-dlq"


def configured_providers(settings: Settings) -> list[str]:
    """Provider names usable with these settings, best first."""
    names = []
    if settings.openai_api_key:
        names.append("openai")
    if settings.gemini_api_key:
        names.append("gemini")
    names.append("offline")
    return names


def default_provider_name(settings: Settings) -> str:
    if settings.provider == "auto":
        return configured_providers(settings)[0]
    return settings.provider


def build_provider(settings: Settings, name: str | None = None) -> ImageProvider:
    chosen = name or default_provider_name(settings)
    if chosen not in configured_providers(settings):
        raise ConfigError(
            "EMOJIFORGE_PROVIDER", f"provider {chosen!r} is not configured (no API key set)"
        )
    if chosen == "openai":
        from emojiforge.images.openai_provider import OpenAIProvider

        return OpenAIProvider(
            settings.openai_api_key.reveal(),
            model=settings.openai_model,
            quality=settings.openai_quality,
            timeout_s=settings.openai_timeout_s,
            base_url=settings.openai_base_url or None,
            budget_s=settings.worker_timeout_s * 0.8,
            moderate=settings.openai_moderation,
        )
    if chosen == "gemini":
        from emojiforge.images.gemini_provider import GeminiProvider

        return GeminiProvider(
            settings.gemini_api_key.reveal(),
            model=settings.gemini_model,
            timeout_s=settings.gemini_timeout_s,
            base_url=settings.gemini_base_url or None,
            budget_s=settings.worker_timeout_s * 0.8,
        )
    from emojiforge.images.offline import OfflineProvider

    return OfflineProvider()


def price_per_image(settings: Settings, provider: str | None = None) -> float:
    """Estimated USD per image of ``provider`` (default: the default one)."""
    if settings.image_price_usd > 0:
        return settings.image_price_usd
    from emojiforge.images.pricing import IMAGE_PRICES_USD

    chosen = provider or default_provider_name(settings)
    if chosen == "openai":
        return IMAGE_PRICES_USD.get((settings.openai_model, settings.openai_quality), 0.0)
    if chosen == "gemini":
        return IMAGE_PRICES_USD.get((settings.gemini_model, "standard"), 0.0)
    return 0.0


def quota_limits(settings: Settings) -> QuotaLimits:
    from emojiforge.quotas import QuotaLimits

    return QuotaLimits(
        user_daily_jobs=settings.daily_quota,
        workspace_monthly_jobs=settings.workspace_monthly_quota,
        workspace_monthly_budget_usd=settings.workspace_monthly_budget_usd,
        price_per_image_usd=price_per_image(settings),
    )


def build_queues(settings: Settings) -> tuple[Queue, Queue]:
    """(jobs queue, dead-letter queue): SQS when configured, else embedded."""
    if settings.queue_url:
        from emojiforge.aws.clients import aws_client
        from emojiforge.queues.sqs import SQSQueue

        sqs = aws_client("sqs", settings)
        return SQSQueue(sqs, settings.queue_url), SQSQueue(sqs, settings.dlq_url)
    from emojiforge.queues.sqlite import SQLiteQueue

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    dead = SQLiteQueue(settings.queue_path, DLQ_NAME, visibility_timeout_s=60.0)
    jobs = SQLiteQueue(
        settings.queue_path,
        QUEUE_NAME,
        # ADR-002 / AWS facts: the visibility timeout is at least 6× the job budget.
        visibility_timeout_s=6 * settings.worker_timeout_s,
        max_receives=settings.max_receives,
        dead_letter=dead,
    )
    return jobs, dead


def build_store(settings: Settings) -> JobStore:
    if settings.table_name:
        from emojiforge.aws.clients import aws_client
        from emojiforge.store.dynamodb import DynamoJobStore

        return DynamoJobStore(settings.table_name, aws_client("dynamodb", settings))
    from emojiforge.store.sqlite import SQLiteJobStore

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteJobStore(settings.store_path)


def _web_client(settings: Settings, token: str) -> Any:
    from emojiforge.slack.client import make_web_client

    return make_web_client(token, settings.slack_api_url)


def build_webhook(
    settings: Settings,
    *,
    queue: Queue,
    store: JobStore,
    metrics: Metrics | None = None,
    socket_mode: bool = False,
) -> Webhook:
    from slack_bolt import App
    from slack_bolt.authorization import AuthorizeResult

    from emojiforge.intake import JobIntake
    from emojiforge.slack import listeners
    from emojiforge.slack.emoji_names import EmojiNameCache
    from emojiforge.slack.messages import progress_view
    from emojiforge.webhook import Webhook

    # Socket Mode requests arrive over the app token's WebSocket, unsigned;
    # anything that comes over HTTP must be signed.
    if not settings.slack_signing_secret and not socket_mode:
        raise ConfigError("SLACK_SIGNING_SECRET", "is required to receive Slack requests")
    bot_token = settings.slack_bot_token.reveal()

    def authorize(enterprise_id: str | None, team_id: str | None, **_: Any) -> AuthorizeResult:
        # A single-workspace app: the bot token is known, so no auth.test round trip.
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=bot_token)

    app = App(
        client=_web_client(settings, bot_token),
        authorize=authorize,
        signing_secret=settings.slack_signing_secret.reveal(),
        # Webhook.handle verifies the signature over the raw body before Bolt parses it.
        request_verification_enabled=False,
        process_before_response=True,
    )
    providers = configured_providers(settings)
    listeners.register(
        app,
        listeners.ListenerDeps(
            intake=JobIntake(queue, store, limits=quota_limits(settings), metrics=metrics),
            emoji_names=EmojiNameCache(),
            providers=providers,
            default_provider=default_provider_name(settings),
            working_view=lambda job: progress_view(job, "queued"),
            can_add_emoji=bool(settings.slack_admin_token),
        ),
    )
    return Webhook(app, settings.slack_signing_secret.reveal(), metrics=metrics)


def build_signed_files(settings: Settings) -> Any:
    if not settings.public_url:
        return None
    import hashlib

    from emojiforge.local_files import SignedFiles

    # Derived from the signing secret: no extra secret to manage, and a
    # rotation of the Slack secret invalidates old links too.
    key = hashlib.sha256(b"emojiforge-files:" + settings.slack_signing_secret.reveal().encode())
    return SignedFiles(settings.data_dir / "served", key.digest(), settings.public_url)


def build_kept_options(settings: Settings) -> KeptOptions | None:
    """Where emoji are kept for ``admin.emoji.add`` to fetch: S3 in AWS, the
    local server's signed files when it has a public URL, else None (people
    get the customize-emoji link instead). Only with an admin token: without
    one nothing is ever added by API."""
    if not settings.slack_admin_token:
        return None
    if settings.bucket_name:
        from emojiforge.aws.clients import aws_client
        from emojiforge.aws.emoji_bucket import EmojiBucket

        return EmojiBucket(aws_client("s3", settings), settings.bucket_name)
    files: KeptOptions | None = build_signed_files(settings)
    return files


def _cached_providers(settings: Settings) -> Callable[[str | None], ImageProvider]:
    """One provider (and so one HTTP client) per name and worker thread: a
    provider keeps the last job's usage, so threads must not share one."""
    local = threading.local()

    def provider_for(name: str | None) -> ImageProvider:
        built: dict[str | None, ImageProvider] = local.__dict__.setdefault("built", {})
        if name not in built:
            built[name] = build_provider(settings, name)
        return built[name]

    return provider_for


def build_worker(
    settings: Settings,
    *,
    store: JobStore,
    kept_options: KeptOptions | None = None,
    metrics: Metrics | None = None,
) -> Worker:
    from emojiforge.images.pipeline import make_options
    from emojiforge.metrics import NoMetrics
    from emojiforge.playground.delivery import PlaygroundDelivery, RoutingDelivery
    from emojiforge.slack.delivery import SlackDelivery
    from emojiforge.worker import Worker

    admin = settings.slack_admin_token.reveal()
    slack = None
    if settings.slack_bot_token:  # without one, only the playground is served
        slack = SlackDelivery(
            _web_client(settings, settings.slack_bot_token.reveal()),
            store,
            admin_client=_web_client(settings, admin) if admin else None,
            workspace_url=settings.workspace_url,
            kept_options=kept_options,
        )
    # Playground jobs keep their emoji for the browser page; all others go to Slack.
    delivery = RoutingDelivery(slack, PlaygroundDelivery(store, settings.playground_dir))
    return Worker(
        store=store,
        delivery=delivery,
        provider_for=_cached_providers(settings),
        make_options=make_options,
        max_receives=settings.max_receives,
        clock=time.time,
        metrics=metrics or NoMetrics(),
        limits=quota_limits(settings),
    )


def build_playground(
    settings: Settings,
    *,
    queue: Queue,
    store: JobStore,
    host: str,
    metrics: Metrics | None = None,
) -> PlaygroundApi:
    """The browser playground's routes for the local server bound to ``host``."""
    from emojiforge.intake import JobIntake
    from emojiforge.playground.api import PlaygroundApi
    from emojiforge.playground.guard import allowed_hosts

    return PlaygroundApi(
        intake=JobIntake(queue, store, limits=quota_limits(settings), metrics=metrics),
        store=store,
        folder=settings.playground_dir,
        providers=configured_providers(settings),
        default_provider=default_provider_name(settings),
        max_options=settings.max_options,
        slack_connected=bool(settings.slack_bot_token and settings.slack_signing_secret),
        allowed_hosts=allowed_hosts(host),
        post_to_slack=_slack_poster(settings),
    )


def _slack_poster(settings: Settings) -> Any:
    """The playground's "Post to Slack": an upload to one configured channel."""
    if not (settings.slack_bot_token and settings.playground_channel):
        return None
    from slack_sdk.errors import SlackApiError

    from emojiforge.errors import DeliveryError

    client = _web_client(settings, settings.slack_bot_token.reveal())
    channel = settings.playground_channel

    def post(name: str, data: bytes, extension: str) -> None:
        try:
            client.files_upload_v2(
                channel=channel,
                file=data,
                filename=f"{name}.{extension}",
                title=f":{name}:",
                initial_comment=f"A new emoji from the EmojiForge playground: `:{name}:`",
            )
        except SlackApiError as error:
            reason = str(error.response.get("error", "error"))
            raise DeliveryError(reason, reason, retryable=False) from None

    return post
