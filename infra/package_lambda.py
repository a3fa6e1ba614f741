"""Build the Lambda code folder (default ``build/lambda``) that the CDK app deploys.

    python -m infra.package_lambda [--output build/lambda]

Installs requirements/lambda.txt as wheels for Lambda's platform (Linux arm64,
CPython 3.13) whatever machine runs this, then copies ``src/emojiforge`` beside
them. Needs network access to the package index; needs no Docker because only
pre-built wheels are accepted (``--only-binary=:all:``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = Path("build/lambda")
DEFAULT_REQUIREMENTS = Path("requirements/lambda.txt")
PACKAGE_SOURCE = Path("src/emojiforge")
PYTHON_VERSION = "3.13"  # must match infra.functions.RUNTIME
# pip does not widen a manylinux_2_x tag to older glibc versions by itself, so every
# tag the runtime (Amazon Linux 2023, glibc 2.34) can load is listed: wheels are
# published under either the old manylinux2014 name or the newer glibc-based names.
PLATFORMS = (
    "manylinux2014_aarch64",
    "manylinux_2_17_aarch64",
    "manylinux_2_28_aarch64",
    "manylinux_2_34_aarch64",
)
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


def pip_command(output: Path, requirements: Path) -> list[str]:
    """The pip call that fills ``output`` with Lambda-compatible wheels."""
    platform_args = [arg for tag in PLATFORMS for arg in ("--platform", tag)]
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--target",
        str(output),
        *platform_args,
        "--implementation",
        "cp",
        "--python-version",
        PYTHON_VERSION,
        "--only-binary=:all:",
        # Bytecode compiled here would be for this interpreter, not the runtime's.
        "--no-compile",
        "-r",
        str(requirements),
    ]


def copy_package(source: Path, output: Path) -> Path:
    """Copy the app's package (with its data files) into ``output``; return the copy."""
    destination = output / source.name
    shutil.copytree(source, destination, ignore=_SKIPPED)
    return destination


def build(output: Path, requirements: Path, source: Path) -> None:
    # Start clean: a wheel dropped from requirements must not linger in the bundle.
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    subprocess.run(pip_command(output, requirements), check=True)
    copy_package(source, output)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the Lambda code folder.")
    parser.add_argument("--output", type=Path, default=REPO_ROOT / DEFAULT_OUTPUT)
    parser.add_argument("--requirements", type=Path, default=REPO_ROOT / DEFAULT_REQUIREMENTS)
    args = parser.parse_args(argv)
    build(args.output, args.requirements, REPO_ROOT / PACKAGE_SOURCE)
    print(f"Lambda code ready in {args.output}")


if __name__ == "__main__":
    main()
