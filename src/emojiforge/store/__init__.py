"""Job status, idempotency records and quotas: SQLite locally, DynamoDB in AWS."""
