"""Synthesizing runs the CDK's Node.js core through jsii and takes seconds, so test
modules synthesize once (module-scoped fixtures) and share the template."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def code_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for both functions' code folders (build/lambda-webhook and
    build/lambda-worker): an asset only needs a folder with a file in it."""
    folder = tmp_path_factory.mktemp("lambda_code")
    (folder / "placeholder.py").write_text("# not deployed; tests only synthesize\n")
    return folder
