"""A quiet progress indicator: a spinner on a terminal, one line otherwise."""

from __future__ import annotations

import itertools
import sys
import threading
import time
from types import TracebackType
from typing import TextIO


class Progress:
    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = 0.0

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.stream.isatty():
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        else:
            print(f"{self.label}…", file=self.stream, flush=True)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
            outcome = "failed" if kind else f"done in {time.monotonic() - self._started:.1f} s"
            print(f"\r{self.label}… {outcome}", file=self.stream, flush=True)

    def _spin(self) -> None:
        for frame in itertools.cycle("|/-\\"):
            if self._stop.wait(0.1):
                return
            print(f"\r{self.label}… {frame}", end="", file=self.stream, flush=True)
