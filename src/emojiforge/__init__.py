"""EmojiForge: custom Slack emoji made with AI, self-hosted."""

__version__ = "0.1.0"
