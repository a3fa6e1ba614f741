"""The browser playground: make emoji from a web page, through the same job path as Slack.

A playground job is an ordinary job (intake → queue → worker → emojify) whose
team is ``PLAYGROUND_TEAM``; delivery keeps its emoji for the page instead of
posting them to Slack.
"""

from __future__ import annotations

# Reserved ids: real Slack team and user ids start with T/U plus base-32 digits,
# never a whole word, so these can't collide with a workspace.
PLAYGROUND_TEAM = "TPLAYGROUND"
PLAYGROUND_USER = "UPLAYGROUND"
