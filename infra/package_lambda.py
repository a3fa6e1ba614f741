"""Build the two Lambda code folders the CDK app deploys, and say how big they are.

    python -m infra.package_lambda [--output-root build]

writes ``build/lambda-webhook`` and ``build/lambda-worker``. Each gets its
requirements file installed as wheels for Lambda's platform (Linux arm64,
CPython 3.13) whatever machine runs this, then a copy of ``src/emojiforge``.
Needs the package index but no Docker: only pre-built wheels are accepted
(``--only-binary=:all:``).

The webhook must ack Slack within 3 s, cold start included, so its folder may
not contain an image library or an AI SDK; the build fails if one slipped in
(say, through a new transitive dependency).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT_ROOT = Path("build")
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
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "tests")


@dataclass(frozen=True)
class LambdaPackage:
    name: str
    requirements: Path
    # Top-level import names that must never be in this package.
    forbidden: tuple[str, ...] = ()

    @property
    def folder_name(self) -> str:
        return f"lambda-{self.name}"


WEBHOOK = LambdaPackage(
    "webhook", Path("requirements/lambda-webhook.txt"), forbidden=("openai", "PIL")
)
WORKER = LambdaPackage("worker", Path("requirements/lambda-worker.txt"))
PACKAGES = (WEBHOOK, WORKER)


class PackageError(Exception):
    """A built package breaks a rule (e.g. the webhook contains an AI SDK)."""


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


def check_forbidden(folder: Path, forbidden: tuple[str, ...]) -> None:
    """Raise ``PackageError`` if ``folder`` holds any of the ``forbidden`` top-level
    packages (as a folder or a single module)."""
    found = sorted(
        name for name in forbidden if (folder / name).is_dir() or (folder / f"{name}.py").is_file()
    )
    if found:
        raise PackageError(
            f"{folder.name} must not contain {', '.join(found)}: check its requirements file "
            "for a dependency that pulls them in"
        )


def build(package: LambdaPackage, output: Path, source: Path) -> None:
    # Start clean: a wheel dropped from requirements must not linger in the bundle.
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    subprocess.run(pip_command(output, REPO_ROOT / package.requirements), check=True)
    # Console scripts are of no use in Lambda and point at this machine's Python.
    shutil.rmtree(output / "bin", ignore_errors=True)
    copy_package(source, output)
    check_forbidden(output, package.forbidden)


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def zipped_size(folder: Path) -> int:
    """Bytes of the folder as a deflated zip, close to the asset CDK uploads."""
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "code.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    zipped.write(path, path.relative_to(folder))
        return archive.stat().st_size


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the Lambda code folders.")
    parser.add_argument("--output-root", type=Path, default=REPO_ROOT / DEFAULT_OUTPUT_ROOT)
    args = parser.parse_args(argv)
    for package in PACKAGES:
        output = args.output_root / package.folder_name
        try:
            build(package, output, REPO_ROOT / PACKAGE_SOURCE)
        except PackageError as error:
            sys.exit(f"package_lambda: {error}")
        print(
            f"{package.folder_name}: {_mb(folder_size(output))} unzipped, "
            f"{_mb(zipped_size(output))} zipped ({output})"
        )


if __name__ == "__main__":
    main()
