"""CDK entry point (cdk.json: ``python -m infra.app``), run from the repository root."""

from __future__ import annotations

import aws_cdk as cdk

from infra.config import StackConfig
from infra.stack import EmojiForgeStack

STACK_NAME = "EmojiForge"


def build_app(context: dict[str, object] | None = None) -> cdk.App:
    """The app with one stack; tests pass ``context`` as ``cdk -c`` would."""
    app = cdk.App(context=context)
    EmojiForgeStack(app, STACK_NAME, config=StackConfig.from_context(app.node))
    cdk.Tags.of(app).add("app", "emojiforge")
    return app


if __name__ == "__main__":
    build_app().synth()
