"""Synthesize the EmojiForge stack in-process, as ``cdk synth`` would."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk.assertions import Template
from infra.app import STACK_NAME, build_app


def synthesize_stack(code_dir: Path, **context: str) -> cdk.Stack:
    """The stack of a fresh app, with context given as strings exactly like ``cdk -c``."""
    # One stand-in folder serves as both functions' code: synth only needs it to exist.
    app = build_app({"webhookCodePath": str(code_dir), "workerCodePath": str(code_dir), **context})
    stack = app.node.find_child(STACK_NAME)
    assert isinstance(stack, cdk.Stack)
    return stack


def synthesize(code_dir: Path, **context: str) -> Template:
    """The stack's template."""
    return Template.from_stack(synthesize_stack(code_dir, **context))
