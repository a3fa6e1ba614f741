"""Queues with SQS FIFO semantics: the embedded SQLite queue and the SQS adapter."""
