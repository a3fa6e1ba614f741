"""The Lambda packager asks pip for the runtime's wheels and bundles the app's source.

pip itself is never run here (it needs the network); the command it would run is.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from infra.functions import RUNTIME

from infra import package_lambda


def test_pip_installs_only_prebuilt_wheels_for_lambda_arm64_python() -> None:
    command = package_lambda.pip_command(Path("out"), Path("requirements/lambda.txt"))
    joined = " ".join(command)
    assert "--target out" in joined
    assert "--platform manylinux2014_aarch64" in joined
    assert "--implementation cp" in joined
    assert "--only-binary=:all:" in joined
    assert "-r requirements/lambda.txt" in joined
    assert RUNTIME.name == f"python{package_lambda.PYTHON_VERSION}"


def test_lambda_requirements_are_pinned_and_leave_boto3_to_the_runtime() -> None:
    path = Path(package_lambda.REPO_ROOT, package_lambda.DEFAULT_REQUIREMENTS)
    lines = [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines
    assert all("==" in line for line in lines)
    assert not [line for line in lines if line.startswith(("boto3", "botocore"))]


def test_build_starts_clean_and_copies_the_package_without_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "src" / "emojiforge"
    (source / "images" / "fonts").mkdir(parents=True)
    (source / "__init__.py").write_text("")
    (source / "images" / "fonts" / "font.ttf").write_bytes(b"\0")
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    output = tmp_path / "build" / "lambda"
    output.mkdir(parents=True)
    (output / "stale.py").write_text("")
    pip_calls: list[Any] = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: pip_calls.append(command))

    package_lambda.build(output, Path("requirements/lambda.txt"), source)

    assert len(pip_calls) == 1
    assert not (output / "stale.py").exists()
    assert (output / "emojiforge" / "__init__.py").exists()
    assert (output / "emojiforge" / "images" / "fonts" / "font.ttf").exists()
    assert not (output / "emojiforge" / "__pycache__").exists()
