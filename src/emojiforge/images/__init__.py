"""Images: providers make artwork; emojify makes it fit Slack's limits."""
