"""Figure 9: estimated AWS cost per emoji, excluding the image model.

Per emoji: two webhook invocations (the slash command that opens the modal,
and the submission), one worker invocation, their API Gateway requests, the
SQS requests (the webhook's send; the event source's receive and delete), the
DynamoDB units and one S3 put + get (the URL ``admin.emoji.add`` fetches).
Durations and AWS calls are the ones measured in this run (``webhook``,
``cold`` groups), else in the last saved run, else the defaults below, which
the table then marks as assumed. Durations measured against moto on loopback
stand in for real AWS round trips of a similar size.
"""

from __future__ import annotations

import math

from bench import prices
from bench.table import GroupResult, Row, latest_figures

# Used only when no run has measured them yet.
ASSUMED = {
    "lambda_command_p50_ms": 50.0,
    "lambda_ack_p50_ms": 60.0,
    "worker_warm_job_ms": 300.0,
    "webhook_sqs_calls": 1.0,
    "webhook_dynamodb_write_units": 16.0,
    "webhook_dynamodb_read_units": 1.0,
    "worker_dynamodb_write_units": 16.0,
    "worker_dynamodb_read_units": 4.0,
}
EVENT_SOURCE_SQS_CALLS = 2  # Lambda's poller receives, then deletes on success


def run(context: dict[str, float]) -> GroupResult:
    result = GroupResult()
    saved = latest_figures()
    inputs, assumed = {}, []
    for key, default in ASSUMED.items():
        if key in context:
            inputs[key] = context[key]
        elif key in saved:
            inputs[key] = saved[key]
        else:
            inputs[key] = default
            assumed.append(key)
    lines = _lines(inputs)
    total = sum(lines.values())
    result.figures.update({f"cost_{name}_usd": usd for name, usd in lines.items()})
    result.figures["cost_per_emoji_usd"] = total
    result.figures["cost_per_1000_emoji_usd"] = total * 1000
    per_model_second = prices.WORKER_MEMORY_GB * prices.LAMBDA_ARM64_USD_PER_GB_S
    result.figures["cost_per_model_second_usd"] = per_model_second
    biggest = sorted(lines.items(), key=lambda item: -item[1])[:3]
    split = ", ".join(f"{name} {usd / total:.0%}" for name, usd in biggest)
    note = f"; {len(assumed)} inputs assumed, run the webhook and cold groups" if assumed else ""
    result.rows.append(
        Row(
            "AWS cost per emoji, excl. image model",
            f"${total * 1000:.4f} per 1,000 emoji ({split}){note}",
        )
    )
    result.rows.append(
        Row(
            "  plus worker time waiting on the model",
            f"${per_model_second * 1000:.4f} per 1,000 emoji per second of wait",
        )
    )
    return result


def _billed_gb_s(duration_ms: float, memory_gb: float) -> float:
    return math.ceil(duration_ms) / 1000 * memory_gb  # Lambda bills whole milliseconds


def _lines(inputs: dict[str, float]) -> dict[str, float]:
    return {
        "lambda_webhook": prices.LAMBDA_ARM64_USD_PER_GB_S
        * (
            _billed_gb_s(inputs["lambda_command_p50_ms"], prices.WEBHOOK_MEMORY_GB)
            + _billed_gb_s(inputs["lambda_ack_p50_ms"], prices.WEBHOOK_MEMORY_GB)
        ),
        "lambda_worker": prices.LAMBDA_ARM64_USD_PER_GB_S
        * _billed_gb_s(inputs["worker_warm_job_ms"], prices.WORKER_MEMORY_GB),
        "lambda_requests": 3 * prices.LAMBDA_USD_PER_REQUEST,
        "http_api": 2 * prices.HTTP_API_USD_PER_REQUEST,
        "sqs": (inputs["webhook_sqs_calls"] + EVENT_SOURCE_SQS_CALLS)
        * prices.SQS_FIFO_USD_PER_REQUEST,
        "dynamodb": (inputs["webhook_dynamodb_write_units"] + inputs["worker_dynamodb_write_units"])
        * prices.DYNAMODB_USD_PER_WRITE_UNIT
        + (inputs["webhook_dynamodb_read_units"] + inputs["worker_dynamodb_read_units"])
        * prices.DYNAMODB_USD_PER_READ_UNIT,
        "s3": prices.S3_USD_PER_PUT + prices.S3_USD_PER_GET,
    }
