"""A log tool for the seed task "analyse this week's error logs".

``fetch_logs`` returns 12,450 records for the week of 9-15 November 2026, generated
from a fixed seed so every run sees the same data. The point of the example: the
records stay inside the sandbox, the script reduces them to a few lines, and only
those lines reach the model (or your terminal). Try it::

    tsact exec examples/logs_task.ts --tools examples/logs.py
"""

from __future__ import annotations

import functools
import random
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from tsact import ToolError, tool

TOTAL_RECORDS = 12_450
WEEK_START = datetime(2026, 11, 9, tzinfo=UTC)

Level = Literal["DEBUG", "INFO", "WARN", "ERROR"]

# module: (share of the traffic, share of its records that are errors, error messages)
_MODULES: dict[str, tuple[float, float, tuple[str, ...]]] = {
    "api-gateway": (0.22, 0.020, ("upstream timeout", "bad gateway from upstream")),
    "auth": (0.16, 0.035, ("token signature invalid", "session store unavailable")),
    "checkout": (0.12, 0.060, ("cart total mismatch", "inventory reservation expired")),
    "payments": (0.10, 0.110, ("card processor timeout", "idempotency key conflict")),
    "search": (0.18, 0.015, ("index shard unavailable",)),
    "inventory": (0.09, 0.045, ("stock level negative", "warehouse sync failed")),
    "notifications": (0.08, 0.080, ("smtp connection refused", "push token expired")),
    "recommendations": (0.05, 0.025, ("model server overloaded",)),
}
_INFO_MESSAGES = ("request served", "cache hit", "cache miss", "job finished", "user action")


class LogRecord(BaseModel):
    """One log line."""

    timestamp: str = Field(description="When, in UTC, ISO 8601.")
    level: Level
    module: str = Field(description="The service module that logged it.")
    message: str
    request_id: str
    duration_ms: int = Field(description="How long the request had taken when logged.")


@functools.cache
def _generate() -> tuple[LogRecord, ...]:
    rng = random.Random(20261109)
    names = list(_MODULES)
    weights = [_MODULES[name][0] for name in names]
    step = timedelta(days=7) / TOTAL_RECORDS
    records: list[LogRecord] = []
    for index in range(TOTAL_RECORDS):
        module = rng.choices(names, weights)[0]
        _, error_rate, errors = _MODULES[module]
        roll = rng.random()
        level: Level
        if roll < error_rate:
            level, message = "ERROR", rng.choice(errors)
        elif roll < error_rate * 2.5:
            level, message = "WARN", "slow response"
        elif roll < 0.85:
            level, message = "INFO", rng.choice(_INFO_MESSAGES)
        else:
            level, message = "DEBUG", "trace"
        when = WEEK_START + step * index + timedelta(milliseconds=rng.randrange(1000))
        records.append(
            LogRecord(
                timestamp=when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                level=level,
                module=module,
                message=message,
                request_id=f"req-{rng.getrandbits(48):012x}",
                duration_ms=int(rng.lognormvariate(3.5, 0.8)),
            )
        )
    return tuple(records)


@tool
def fetch_logs(days: int = 7) -> list[LogRecord]:
    """The application's log records for the last `days` days of the week ending 2026-11-15.

    The whole week holds 12,450 records: filter and aggregate them in the script and
    print only the summary.

    Args:
        days: How many days, counted back from the end of the week (1 to 7).
    """
    if not 1 <= days <= 7:
        raise ToolError(f"days must be between 1 and 7, got {days}")
    since = WEEK_START + timedelta(days=7 - days)
    cutoff = since.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return [record for record in _generate() if record.timestamp >= cutoff]
