"""The two Lambda functions of ADR-002: the fast webhook and the slow worker."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import StackConfig
from infra.queues import JobQueues

WEBHOOK_HANDLER = "emojiforge.aws.webhook_handler.handler"
WORKER_HANDLER = "emojiforge.aws.worker_handler.handler"
RUNTIME = lambda_.Runtime.PYTHON_3_13
# Powertools puts every metric under this namespace with a "service" dimension set
# to SERVICE_NAME; the dashboard reads them back with the same two names.
METRICS_NAMESPACE = "EmojiForge"
SERVICE_NAME = "emojiforge"
# Slack wants an ack within 3 s; 10 s only leaves room for a slow cold start to finish
# the request it has already missed, so Slack's retry finds a warm function.
WEBHOOK_TIMEOUT = Duration.seconds(10)
WEBHOOK_MEMORY_MB = 512
# Pillow and the AI SDKs load faster, and emojify runs faster, with more memory (CPU).
WORKER_MEMORY_MB = 1024
# The job gives up this long before Lambda kills it, so the worker can still tell
# the user and mark the job failed instead of vanishing mid-way.
WORKER_SHUTDOWN_MARGIN_S = 5.0


class AppFunctions(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: StackConfig,
        queues: JobQueues,
        environment: dict[str, str],
    ) -> None:
        super().__init__(scope, id)
        self.webhook = self._function(
            "Webhook",
            config=config,
            code=lambda_code(config.webhook_code_path, "webhookCodePath"),
            handler=WEBHOOK_HANDLER,
            memory_mb=WEBHOOK_MEMORY_MB,
            timeout=WEBHOOK_TIMEOUT,
            environment=environment,
        )
        budget_s = job_budget_s(config.worker_timeout_s)
        self.worker = self._function(
            "Worker",
            config=config,
            code=lambda_code(config.worker_code_path, "workerCodePath"),
            handler=WORKER_HANDLER,
            memory_mb=WORKER_MEMORY_MB,
            timeout=Duration.seconds(config.worker_timeout_s),
            environment={
                **environment,
                "EMOJIFORGE_WORKER_TIMEOUT_S": str(budget_s),
                # One provider request must not outlive the job that waits for it.
                "EMOJIFORGE_OPENAI_TIMEOUT_S": str(budget_s),
            },
        )
        # The event source also grants the worker receive/delete on the queue.
        self.worker.add_event_source(
            event_sources.SqsEventSource(
                queues.jobs,
                # One job per invocation: a slow image never holds other jobs hostage.
                batch_size=1,
                # A failed job is retried alone; returning normally would delete it.
                report_batch_item_failures=True,
                # The cost guard: at most this many images are generated at once.
                max_concurrency=config.worker_max_concurrency,
            )
        )

    def _function(
        self,
        name: str,
        *,
        config: StackConfig,
        code: lambda_.Code,
        handler: str,
        memory_mb: int,
        timeout: Duration,
        environment: dict[str, str],
    ) -> lambda_.Function:
        # An explicit log group, so retention is set from the first log line and the
        # group goes away with the stack instead of lingering forever.
        log_group = logs.LogGroup(
            self,
            f"{name}Logs",
            retention=config.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        return lambda_.Function(
            self,
            name,
            description=f"EmojiForge {name.lower()}",
            runtime=RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            code=code,
            handler=handler,
            memory_size=memory_mb,
            timeout=timeout,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            environment={
                **environment,
                "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            },
        )


def job_budget_s(worker_timeout_s: int) -> float:
    """Seconds a job may take inside a worker invocation of ``worker_timeout_s``."""
    margin = min(WORKER_SHUTDOWN_MARGIN_S, worker_timeout_s * 0.2)
    return round(worker_timeout_s - margin, 1)


def lambda_code(path: str, context_key: str) -> lambda_.Code:
    """One function's packaged code; each function has its own, so the webhook's
    stays free of the worker's image libraries and AI SDKs."""
    if not Path(path).is_dir():
        raise FileNotFoundError(
            f"Lambda code folder {path!r} not found: run `make package` "
            f"(python -m infra.package_lambda) first, or pass -c {context_key}=<folder>"
        )
    return lambda_.Code.from_asset(path)
