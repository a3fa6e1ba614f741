"""Every alarm the stack creates has a section in the runbook."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.infra.synth import synthesize

RUNBOOK = Path(__file__).resolve().parents[2] / "docs" / "runbook.md"


@pytest.fixture(scope="module")
def alarm_names(code_dir: Path) -> list[str]:
    template = synthesize(code_dir)
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    return [str(alarm["Properties"]["AlarmName"]) for alarm in alarms.values()]


def test_every_alarm_has_a_runbook_section(alarm_names):
    headings = set(re.findall(r"^### (\S+)", RUNBOOK.read_text(encoding="utf-8"), re.MULTILINE))
    assert alarm_names
    for name in alarm_names:
        short = name.split("-", 1)[1]
        assert short in headings, f"docs/runbook.md has no '### {short}' section"


def test_alarm_descriptions_point_at_the_runbook(alarm_names, code_dir):
    template = synthesize(code_dir)
    for alarm in template.find_resources("AWS::CloudWatch::Alarm").values():
        assert "docs/runbook.md#" in alarm["Properties"]["AlarmDescription"]
