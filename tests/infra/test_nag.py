"""cdk-nag's AWS Solutions rules pass: every finding is fixed or acknowledged with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match, Template

from tests.infra.synth import synthesize_stack

RULES = Match.string_like_regexp("AwsSolutions-.*")


@pytest.fixture(scope="module")
def stack(code_dir: Path) -> cdk.Stack:
    return synthesize_stack(code_dir)


def readable(findings: list[Any]) -> list[str]:
    return [f"{finding.id}: {finding.entry.data}" for finding in findings]


def test_no_unacknowledged_aws_solutions_errors(stack: cdk.Stack) -> None:
    errors = Annotations.from_stack(stack).find_error("*", RULES)
    assert not errors, "\n".join(readable(errors))


def test_no_unacknowledged_aws_solutions_warnings(stack: cdk.Stack) -> None:
    warnings = Annotations.from_stack(stack).find_warning("*", RULES)
    assert not warnings, "\n".join(readable(warnings))


def test_every_acknowledgement_says_why(stack: cdk.Stack) -> None:
    template = Template.from_stack(stack).to_json()
    suppressions = [
        rule
        for resource in template["Resources"].values()
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]
    assert suppressions
    for rule in suppressions:
        # A sentence, not a placeholder: the reason is the review record.
        assert len(rule["reason"].split()) >= 10, rule
