"""The five workloads of ``bench/peers.py``: each one program in JavaScript and in Python.

Every peer runs the same program in its own language (JavaScript, which tsact runs as
TypeScript, for tsact and the QuickJS and V8 peers; Python for Monty and smolagents)
against the same plain Python host functions, and every result is checked against the
program run by CPython itself, so a peer cannot look fast by doing less.

- start: the trivial program (``return 1``);
- tool: sequential calls of a host function that returns its argument, timed inside the
  program by its own clock (per call);
- loop: a tight arithmetic loop, timed inside the program by its own clock;
- orchestration: 20 tool calls, one of which returns the 12,450 log records of
  ``tests/agent/seed_tools.py``, aggregated per module in the script;
- concurrent: many trivial executions at once (throughput).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "agent"))

from seed_tools import LOG_COUNT, generate_logs  # noqa: E402

LOGS = generate_logs()


def noop(n: int) -> int:
    """Return n unchanged.

    Args:
        n: Any integer.
    """
    return n


def fetch_logs(days: int) -> list[dict[str, Any]]:
    """This week's log records, oldest first.

    Args:
        days: How many days back (the week holds all records).
    """
    return LOGS


def get_owner(module: str) -> str:
    """The team that owns a module.

    Args:
        module: The module's name.
    """
    return f"team-{module}"


def get_sla(module: str) -> int:
    """The module's error budget, in errors per thousand records.

    Args:
        module: The module's name.
    """
    return 40 + 5 * len(module)


def notify(owner: str, text: str) -> bool:
    """Send a short notice to a team.

    Args:
        owner: The team to notify.
        text: The notice.
    """
    return bool(owner) and bool(text)


HOST_FUNCTIONS: dict[str, Callable[..., Any]] = {
    function.__name__: function for function in (noop, fetch_logs, get_owner, get_sla, notify)
}


@dataclass(frozen=True)
class Program:
    """One program in both languages, the host functions it may call, its expected result.

    ``ts`` is a tsact script body (top-level ``await`` and ``return``; tools are
    ``external_<name>({...})``); ``py`` is a Python program whose last expression is the
    result (tools are ``name(arg=...)``).
    """

    ts: str
    py: str
    tools: tuple[str, ...] = ()
    expected: Any = field(default=None, compare=False)
    timed: bool = False  # the result is [ms the program timed, value]

    def checked(self, result: Any) -> Any:
        """The result (the ms it timed, for a timed program), once its value is checked.

        The value must equal what CPython computes for ``py``.
        """
        value = result[1] if self.timed and isinstance(result, list) else result
        if value != self.expected:
            raise AssertionError(f"wrong result: {str(result)[:200]}")
        return float(result[0]) if self.timed else result


def reference(py: str) -> Any:
    """The value of the program's last expression, run by CPython with the host functions."""
    module = ast.parse(py)
    last = module.body.pop()
    assert isinstance(last, ast.Expr), "a program ends with its result expression"
    scope: dict[str, Any] = dict(HOST_FUNCTIONS)
    exec(compile(module, "<program>", "exec"), scope)
    return eval(compile(ast.Expression(last.value), "<program>", "eval"), scope)


def program(ts: str, py: str, tools: tuple[str, ...] = (), *, timed: bool = False) -> Program:
    """A program with its expected result computed once, by CPython."""
    expected = reference(py)
    return Program(
        ts.strip() + "\n", py.strip() + "\n", tools, expected[1] if timed else expected, timed
    )


# A timed program reads its engine's clock: performance.now() where the engine has it
# (mini-racer's bare V8 does not: Date.now(), to the millisecond), time.perf_counter().
TS_CLOCK = (
    'const clock = typeof performance === "object" ? performance : Date;\nconst t = clock.now();\n'
)
TS_ELAPSED = "clock.now() - t"
PY_CLOCK = "import time\nt = time.perf_counter()\n"
PY_ELAPSED = "(time.perf_counter() - t) * 1000"


def trivial(n: int = 1) -> Program:
    """``return n`` (``n * 2`` for the concurrent executions, so each result is its own)."""
    if n == 1:
        return program("return 1", "1")
    return program(f"return {n} * 2", f"{n} * 2")


def tool_calls(calls: int) -> Program:
    """``calls`` sequential round trips to ``noop``, summed, timed inside the program."""
    return program(
        f"{TS_CLOCK}let s = 0;\n"
        f"for (let i = 0; i < {calls}; i++) s += await external_noop({{ n: i }});\n"
        f"return [{TS_ELAPSED}, s];",
        f"{PY_CLOCK}s = 0\nfor i in range({calls}):\n    s += noop(n=i)\n[{PY_ELAPSED}, s]",
        ("noop",),
        timed=True,
    )


def tight_loop(iterations: int) -> Program:
    """Arithmetic in a loop, nothing else, timed inside the program: the engine's own speed."""
    return program(
        f"{TS_CLOCK}let s = 0;\n"
        f"for (let i = 0; i < {iterations}; i++) s = (s + i * 7) % 1000003;\n"
        f"return [{TS_ELAPSED}, s];",
        f"{PY_CLOCK}s = 0\nfor i in range({iterations}):\n"
        f"    s = (s + i * 7) % 1000003\n[{PY_ELAPSED}, s]",
        timed=True,
    )


ORCHESTRATION_TS = """
const logs = await external_fetch_logs({ days: 7 });
const byModule = {};
for (const record of logs) {
  const entry = (byModule[record.module] ??= { total: 0, errors: 0, slow: 0, duration: 0 });
  entry.total += 1;
  entry.duration += record.duration_ms;
  if (record.level === "ERROR") entry.errors += 1;
  if (record.duration_ms > 500) entry.slow += 1;
}
const rows = [];
for (const module of Object.keys(byModule).sort()) {
  const owner = await external_get_owner({ module });
  const sla = await external_get_sla({ module });
  const entry = byModule[module];
  rows.push({
    module,
    owner,
    errors: entry.errors,
    slow: entry.slow,
    errors_per_mille: Math.floor((entry.errors * 1000) / entry.total),
    mean_ms: Math.floor(entry.duration / entry.total),
    breach: entry.errors * 1000 > sla * entry.total,
  });
}
rows.sort((a, b) => b.errors - a.errors || (a.module < b.module ? -1 : 1));
for (const row of rows.slice(0, 3)) {
  await external_notify({ owner: row.owner, text: `${row.module}: ${row.errors} errors` });
}
return rows;
"""

ORCHESTRATION_PY = """
logs = fetch_logs(days=7)
by_module = {}
for record in logs:
    entry = by_module.get(record["module"])
    if entry is None:
        entry = {"total": 0, "errors": 0, "slow": 0, "duration": 0}
        by_module[record["module"]] = entry
    entry["total"] += 1
    entry["duration"] += record["duration_ms"]
    if record["level"] == "ERROR":
        entry["errors"] += 1
    if record["duration_ms"] > 500:
        entry["slow"] += 1
rows = []
for module in sorted(by_module):
    owner = get_owner(module=module)
    sla = get_sla(module=module)
    entry = by_module[module]
    rows.append({
        "module": module,
        "owner": owner,
        "errors": entry["errors"],
        "slow": entry["slow"],
        "errors_per_mille": entry["errors"] * 1000 // entry["total"],
        "mean_ms": entry["duration"] // entry["total"],
        "breach": entry["errors"] * 1000 > sla * entry["total"],
    })
rows.sort(key=lambda row: (-row["errors"], row["module"]))
for row in rows[:3]:
    notify(owner=row["owner"], text=row["module"] + ": " + str(row["errors"]) + " errors")
rows
"""

ORCHESTRATION_TOOLS = ("fetch_logs", "get_owner", "get_sla", "notify")
ORCHESTRATION_CALLS = 20  # 1 fetch_logs + 8 modules x (get_owner, get_sla) + 3 notify


def orchestration() -> Program:
    """20 tool calls; the 12,450 records of one of them aggregated in the script."""
    made = program(ORCHESTRATION_TS, ORCHESTRATION_PY, ORCHESTRATION_TOOLS)
    modules = {str(record["module"]) for record in LOGS}
    assert len(LOGS) == LOG_COUNT and 1 + 2 * len(modules) + 3 == ORCHESTRATION_CALLS
    return made
