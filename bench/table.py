"""What every figure group returns, and how the orchestrator prints and saves it.

A row compares a measurement with its target. ``met`` is None for figures
that are only reported. Correctness failures travel separately: they, and
only they, make ``python -m bench`` exit non-zero.
"""

from __future__ import annotations

import json
import math
import platform
import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Row:
    figure: str
    measured: str
    target: str = "report"
    met: bool | None = None
    # measured / target, oriented so that <= 1 means the target is met.
    ratio: float | None = None

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "report"
        return "met" if self.met else "MISSED"


@dataclass
class GroupResult:
    rows: list[Row] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, failure: str) -> bool:
        """Record a correctness check; a failure makes the whole run exit 1."""
        if not ok:
            self.failures.append(failure)
        return ok


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: with 200 samples p99 is the 2nd slowest, not an average."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def latency(values_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": statistics.median(values_ms),
        "p95_ms": percentile(values_ms, 0.95),
        "p99_ms": percentile(values_ms, 0.99),
        "samples": float(len(values_ms)),
    }


def at_most(figure: str, measured: str, value: float, target: float, unit: str = "ms") -> Row:
    return Row(figure, measured, f"<= {target:,.0f} {unit}", value <= target, value / target)


def at_least(figure: str, measured: str, value: float, target: float, unit: str) -> Row:
    return Row(figure, measured, f">= {target:,.0f} {unit}", value >= target, target / value)


def render(rows: list[Row]) -> str:
    header = ("Figure", "Measured", "Target", "Ratio", "")
    lines = [
        (
            row.figure,
            row.measured,
            row.target,
            "" if row.ratio is None else f"{row.ratio:.2f}",
            row.verdict,
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    out = []
    for index, line in enumerate([header, *lines]):
        out.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if index == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out).rstrip()


def save(groups: dict[str, GroupResult]) -> Path:
    """Write this run's figures, and fold them into ``latest.json``: the newest
    figures of every group, which ``bench.cost`` falls back on."""
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    measured = {name: asdict(result) for name, result in groups.items()}
    document = {
        "when": stamp,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "groups": measured,
    }
    path = RESULTS_DIR / f"bench-{stamp}.json"
    path.write_text(json.dumps(document, indent=2, default=str))
    latest = RESULTS_DIR / "latest.json"
    previous = json.loads(latest.read_text()).get("groups", {}) if latest.exists() else {}
    merged = {**document, "groups": {**previous, **measured}}
    latest.write_text(json.dumps(merged, indent=2, default=str))
    return path


def latest_figures() -> dict[str, float]:
    """Figures of the last saved run, flattened, for groups run on their own."""
    path = RESULTS_DIR / "latest.json"
    if not path.exists():
        return {}
    groups = json.loads(path.read_text()).get("groups", {})
    return {k: v for group in groups.values() for k, v in group.get("figures", {}).items()}
