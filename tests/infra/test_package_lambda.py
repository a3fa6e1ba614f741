"""The Lambda packager asks pip for the runtime's wheels, bundles the app's source,
and refuses a webhook package that holds an image library or an AI SDK.

pip itself is never run here (it needs the network); the command it would run is.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from infra.functions import RUNTIME
from infra.package_lambda import WEBHOOK, WORKER, PackageError

from infra import package_lambda


def pinned_lines(requirements: Path) -> list[str]:
    """Requirement lines of ``requirements``, following ``-r`` includes."""
    lines: list[str] = []
    for raw in requirements.read_text().splitlines():
        line = raw.strip()
        if line.startswith("-r "):
            lines += pinned_lines(requirements.parent / line.removeprefix("-r ").strip())
        elif line and not line.startswith("#"):
            lines.append(line)
    return lines


def normalized(line: str) -> str:
    """``Slack_Bolt==1.30.0`` and ``slack-bolt==1.30.0`` name the same pin (PEP 503)."""
    return line.lower().replace("_", "-")


def names(lines: list[str]) -> set[str]:
    return {normalized(line).split("==")[0] for line in lines}


def test_pip_installs_only_prebuilt_wheels_for_lambda_arm64_python() -> None:
    command = package_lambda.pip_command(Path("out"), Path("requirements/lambda-worker.txt"))
    joined = " ".join(command)
    assert "--target out" in joined
    assert "--platform manylinux2014_aarch64" in joined
    assert "--implementation cp" in joined
    assert "--only-binary=:all:" in joined
    assert "-r requirements/lambda-worker.txt" in joined
    assert RUNTIME.name == f"python{package_lambda.PYTHON_VERSION}"


@pytest.mark.parametrize("package", [WEBHOOK, WORKER], ids=["webhook", "worker"])
def test_requirements_are_pinned_as_in_the_dev_lock_and_leave_boto3_to_the_runtime(
    package: package_lambda.LambdaPackage,
) -> None:
    lines = pinned_lines(package_lambda.REPO_ROOT / package.requirements)
    pins = {normalized(line) for line in lines}
    lock = package_lambda.REPO_ROOT / "requirements" / "dev.lock"
    locked = {normalized(line) for line in pinned_lines(lock)}
    assert lines
    assert pins <= locked, f"not pinned as in dev.lock: {pins - locked}"
    assert not names(lines) & {"boto3", "botocore"}


def test_only_the_worker_gets_the_image_library_and_the_ai_sdk() -> None:
    webhook = names(pinned_lines(package_lambda.REPO_ROOT / WEBHOOK.requirements))
    worker = names(pinned_lines(package_lambda.REPO_ROOT / WORKER.requirements))
    assert {"slack-bolt", "slack-sdk", "aws-lambda-powertools"} <= webhook
    assert not webhook & {"pillow", "openai", "google-genai"}
    assert webhook | {"pillow", "openai"} <= worker


@pytest.mark.parametrize("intruder", ["openai", "PIL"])
def test_webhook_package_holding_an_ai_sdk_or_pillow_is_refused(
    tmp_path: Path, intruder: str
) -> None:
    (tmp_path / "slack_bolt").mkdir()
    (tmp_path / intruder).mkdir()
    (tmp_path / intruder / "__init__.py").write_text("")
    with pytest.raises(PackageError, match=intruder):
        package_lambda.check_forbidden(tmp_path, WEBHOOK.forbidden)


def test_webhook_package_without_them_passes(tmp_path: Path) -> None:
    (tmp_path / "slack_bolt").mkdir()
    (tmp_path / "emojiforge" / "images").mkdir(parents=True)
    package_lambda.check_forbidden(tmp_path, WEBHOOK.forbidden)


def fake_source(root: Path) -> Path:
    source = root / "src" / "emojiforge"
    (source / "images" / "fonts").mkdir(parents=True)
    (source / "__init__.py").write_text("")
    (source / "images" / "fonts" / "font.ttf").write_bytes(b"\0")
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    return source


def test_build_starts_clean_and_copies_the_package_without_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = fake_source(tmp_path)
    output = tmp_path / "build" / "lambda-worker"
    output.mkdir(parents=True)
    (output / "stale.py").write_text("")
    pip_calls: list[Any] = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: pip_calls.append(command))

    package_lambda.build(WORKER, output, source)

    assert len(pip_calls) == 1
    assert not (output / "stale.py").exists()
    assert (output / "emojiforge" / "__init__.py").exists()
    assert (output / "emojiforge" / "images" / "fonts" / "font.ttf").exists()
    assert not (output / "emojiforge" / "__pycache__").exists()


def test_build_fails_when_pip_brings_pillow_into_the_webhook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "build" / "lambda-webhook"

    def pip_pulling_in_pillow(command: list[str], check: bool) -> None:
        (output / "PIL").mkdir()

    monkeypatch.setattr(subprocess, "run", pip_pulling_in_pillow)
    with pytest.raises(PackageError, match="PIL"):
        package_lambda.build(WEBHOOK, output, fake_source(tmp_path))


def test_sizes_are_measured_unzipped_and_zipped(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n" * 1000)
    assert package_lambda.folder_size(tmp_path) == 6000
    assert 0 < package_lambda.zipped_size(tmp_path) < 6000
