"""Slack: request handling, Block Kit views and Web API delivery."""
