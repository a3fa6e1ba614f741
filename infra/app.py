"""CDK entry point (cdk.json: ``python -m infra.app``), run from the repository root.

``cdk synth`` / ``cdk deploy`` run it with cdk.json's context; ``make synth`` runs
it directly, and then it reads cdk.json itself and writes to the same folder.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import cx_api
from cdk_nag import AwsSolutionsChecks

from infra.config import StackConfig
from infra.stack import EmojiForgeStack

STACK_NAME = "EmojiForge"
CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


def build_app(context: dict[str, object] | None = None, outdir: str | None = None) -> cdk.App:
    """The app with one stack; tests pass ``context`` as ``cdk -c`` would."""
    app = cdk.App(context=context, outdir=outdir)
    EmojiForgeStack(app, STACK_NAME, config=StackConfig.from_context(app.node))
    cdk.Tags.of(app).add("app", "emojiforge")
    # AWS Solutions rules run on every synth: a finding is an error annotation, which
    # fails `cdk synth`/`deploy` until it is fixed or acknowledged (infra/nag.py).
    cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app


def _standalone_settings() -> tuple[dict[str, object] | None, str | None]:
    """Context and output folder when run without the CDK CLI, which otherwise
    passes both (CDK_CONTEXT_JSON, CDK_OUTDIR)."""
    if "CDK_OUTDIR" in os.environ:
        return None, None
    config = json.loads(CDK_JSON.read_text(encoding="utf-8"))
    return dict(config.get("context", {})), str(CDK_JSON.parent / config["output"])


def main() -> None:
    context, outdir = _standalone_settings()
    assembly = build_app(context, outdir).synth()
    errors = [
        f"{message.id}: {message.entry.data}"
        for stack in assembly.stacks
        for message in stack.messages
        if message.level == cx_api.SynthesisMessageLevel.ERROR
    ]
    if errors:
        sys.exit("synth found errors:\n" + "\n".join(errors))
    print(f"synthesized {STACK_NAME} into {assembly.directory}")


if __name__ == "__main__":
    main()
