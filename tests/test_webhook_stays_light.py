"""The webhook must never load Pillow or an AI SDK: Slack's trigger_id dies in 3 s.

Checked in a fresh interpreter, after importing the Lambda handler and
answering a real signed request, so a stray import anywhere on the path fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def test_the_webhook_answers_without_loading_pillow_or_ai_sdks(tmp_path):
    script = textwrap.dedent(
        f"""
        import json, sys
        from emojiforge.settings import Settings
        from emojiforge.wiring import build_queues, build_store, build_webhook
        from emojiforge.aws import webhook_handler, lambda_http
        from tests.slack_payloads import SIGNING_SECRET, signed, slash_command

        settings = Settings.from_env({{
            "EMOJIFORGE_DATA_DIR": {str(tmp_path)!r},
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": "xoxb-not-used",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",
        }})
        queue, _ = build_queues(settings)
        webhook = build_webhook(settings, queue=queue, store=build_store(settings))
        answer = webhook.handle(signed(slash_command("help")))
        heavy = sorted(m for m in sys.modules
                       if m.split(".")[0] in {{"PIL", "openai", "google", "numpy"}})
        print(json.dumps({{"status": answer.status, "heavy": heavy}}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 200
    assert outcome["heavy"] == []
