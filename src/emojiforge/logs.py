"""Structured logs with the job's correlation id on every line.

Code logs through the standard ``logging`` module; ``log_context`` binds
fields (correlation id, job id) for the current thread or task, and the
filter installed by ``configure`` copies them onto every record. Locally the
output is one JSON object a line; in Lambda the Powertools formatter is used
(see ``emojiforge.aws``) with the same filter.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
import time
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

# Immutable default: log_context always sets a new dict, never mutates one.
_context: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "emojiforge_log_context", default=MappingProxyType({})
)

# Slack tokens, OpenAI keys and bearer headers must never reach a log line,
# even when a library puts one in an exception message.
_TOKEN = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]{6,}|xapp-[A-Za-z0-9-]{6,}|sk-[A-Za-z0-9_-]{12,}"
    r"|AIza[0-9A-Za-z_-]{20,}|Bearer\s+[A-Za-z0-9._-]{8,})"
)


def redact(text: str) -> str:
    return _TOKEN.sub("[redacted]", text)


@contextlib.contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    merged = {**_context.get(), **{k: v for k, v in fields.items() if v}}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, str]:
    return dict(_context.get())


class ContextFilter(logging.Filter):
    """Copies the bound fields onto each record and scrubs token-shaped text."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            setattr(record, key, value)
        # The whole message, not only str arguments: a token often arrives
        # inside an exception or a response object passed as an argument.
        try:
            message = record.getMessage()
        except Exception:  # a bad format string; logging reports it when formatting
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure(
    level: str = "INFO", *, stream: Any = None, formatter: logging.Formatter | None = None
) -> None:
    """Install JSON logging on the root logger, replacing an earlier call's
    handler. Lambda passes the Powertools formatter; locally ``JsonFormatter``
    writes the same fields."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in list(root.handlers):
        if getattr(handler, "_emojiforge", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter or JsonFormatter())
    handler.addFilter(ContextFilter())
    handler._emojiforge = True  # type: ignore[attr-defined]
    root.addHandler(handler)
