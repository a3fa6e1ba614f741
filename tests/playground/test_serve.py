"""``emojiforge serve`` (what ``make run`` starts) runs with no Slack settings at all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

from tests.playground.conftest import call

START = "import sys; from emojiforge.cli import main; sys.exit(main(sys.argv[1:]))"


def test_serve_without_slack_settings_prints_the_playground_url_and_serves_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "EMOJIFORGE_"))}
    env.update({"EMOJIFORGE_DATA_DIR": str(tmp_path / "data"), "OPENAI_API_KEY": ""})
    env["GEMINI_API_KEY"] = ""
    process = subprocess.Popen(
        [sys.executable, "-c", START, "serve", "--port", "0", "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        first_line = process.stderr.readline()
        match = re.search(r"playground: (http://127\.0\.0\.1:\d+)/", first_line)
        assert match, first_line
        url = match.group(1)
        assert call(url + "/").status == 200
        assert [p["value"] for p in call(url + "/api/config").json()["providers"]] == ["offline"]
        assert call(url + "/slack/events", method="POST", body=b"x").status == 503
        metrics = call(url + "/metrics").json()
        assert set(metrics) == {"counts", "durations_ms"}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
        if process.stderr:
            process.stderr.close()
    assert process.returncode == 0
