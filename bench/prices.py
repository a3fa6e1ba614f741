"""AWS on-demand prices the cost estimate uses: us-east-1, Lambda on arm64 (Graviton).

From the public pricing pages (free tiers ignored, first volume tier taken):
- https://aws.amazon.com/lambda/pricing/ : arm64 $0.0000133334 per GB-s, $0.20 per 1M requests
- https://aws.amazon.com/sqs/pricing/ : FIFO $0.50 per 1M requests (a 64 KB chunk is one)
- https://aws.amazon.com/dynamodb/pricing/on-demand/ : $0.625 per 1M write units,
  $0.125 per 1M read units (after the November 2024 on-demand price cut)
- https://aws.amazon.com/s3/pricing/ : Standard $0.005 per 1,000 PUT, $0.0004 per 1,000 GET
- https://aws.amazon.com/api-gateway/pricing/ : HTTP API $1.00 per 1M requests
Prices change: check the pages before quoting a figure. Memory sizes are the
CDK stack's (webhook 512 MB, worker 1024 MB).
"""

from __future__ import annotations

PER_MILLION = 1e-6

LAMBDA_ARM64_USD_PER_GB_S = 0.0000133334
LAMBDA_USD_PER_REQUEST = 0.20 * PER_MILLION
SQS_FIFO_USD_PER_REQUEST = 0.50 * PER_MILLION
DYNAMODB_USD_PER_WRITE_UNIT = 0.625 * PER_MILLION
DYNAMODB_USD_PER_READ_UNIT = 0.125 * PER_MILLION
S3_USD_PER_PUT = 0.005 / 1000
S3_USD_PER_GET = 0.0004 / 1000
HTTP_API_USD_PER_REQUEST = 1.00 * PER_MILLION

WEBHOOK_MEMORY_GB = 0.5
WORKER_MEMORY_GB = 1.0
