"""A pytest plugin: every log line the suite produces is checked for secrets.

Each record is copied and rendered the way production renders it (the
``ContextFilter`` that redacts, then the ``JsonFormatter``), and the line is
scanned for token-shaped text and for the test secrets' literal values. A test
during which such a line appears fails in teardown, naming the line. The
patterns are deliberately wider than ``emojiforge.logs.redact``: the scan must
catch what the redactor misses, not agree with it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from emojiforge.logs import ContextFilter, JsonFormatter
from tests.fakes.slack_api import ADMIN_TOKEN, BOT_TOKEN
from tests.slack_payloads import SIGNING_SECRET

_SHAPES = re.compile(
    r"(?<![A-Za-z0-9])(xox[abposr]-[A-Za-z0-9-]{3,}|xapp-[A-Za-z0-9-]{3,}"
    r"|sk-[A-Za-z0-9_-]{6,}|AIza[0-9A-Za-z_-]{20,})"
)
# Values the suite's fakes and fixtures use: not all of them look like tokens.
_LITERALS = (SIGNING_SECRET, BOT_TOKEN, ADMIN_TOKEN, "sk-test-fake")


def find_secrets(text: str) -> list[str]:
    """Token-shaped substrings and known secret values found in ``text``."""
    found = [match.group(0) for match in _SHAPES.finditer(text)]
    return found + [value for value in _LITERALS if value in text and value not in found]


class _ScanHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.leaks: list[str] = []
        self._filter = ContextFilter()
        self._formatter = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        # A copy: the redacting filter rewrites the record, and other handlers
        # (pytest's capture) must see what the code logged.
        copy = logging.makeLogRecord(dict(record.__dict__))
        try:
            self._filter.filter(copy)
            line = self._formatter.format(copy)
        except Exception:  # a malformed record: logging reports it elsewhere
            return
        if find_secrets(line):
            self.leaks.append(line[:500])


_handler = _ScanHandler()


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(_handler)
    # Production logs at INFO: scan at least that much.
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


def pytest_unconfigure(config: pytest.Config) -> None:
    logging.getLogger().removeHandler(_handler)


@pytest.fixture(autouse=True)
def _no_secret_in_any_log_line() -> Iterator[None]:
    start = len(_handler.leaks)
    yield
    leaked = _handler.leaks[start:]
    if leaked:
        pytest.fail(f"{len(leaked)} log line(s) carry a secret, e.g. {leaked[0]}", pytrace=False)
