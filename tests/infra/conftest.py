"""Synthesizing runs the CDK's Node.js core through jsii and takes seconds, so each
template is synthesized once per test module and shared by its tests."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from infra.app import STACK_NAME, build_app


def synthesize(code_dir: Path, **context: str) -> Template:
    """The stack's template, with context given as strings exactly like ``cdk -c``."""
    app = build_app({"lambdaCodePath": str(code_dir), **context})
    stack = app.node.find_child(STACK_NAME)
    assert isinstance(stack, cdk.Stack)
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def code_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for build/lambda: the asset only needs a folder with a file in it."""
    folder = tmp_path_factory.mktemp("lambda_code")
    (folder / "placeholder.py").write_text("# not deployed; tests only synthesize\n")
    return folder
