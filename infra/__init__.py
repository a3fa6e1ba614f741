"""AWS CDK app for EmojiForge (ADR-002): webhook + SQS FIFO + worker."""
