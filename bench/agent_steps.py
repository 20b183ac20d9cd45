"""Model calls and prompt tokens: the tsact agent against a one-tool-call-per-turn agent.

Both agents solve the three seed tasks against the same scripted model: the local
OpenAI-compatible server of the tests (``tests/agent/fake_openai.py``), reached over
real HTTP by the real openai client. The server counts prompt tokens of every request
it receives, with the o200k_base tokenizer (GPT-4o's) when the ``bpe-openai`` package
is installed (it ships its vocabularies, so it works offline; tiktoken would need to
download them), else as characters / 4; the table says which.

- tsact: ``Agent`` as users run it (real sandbox, real Deno); the scripted model writes
  the script a capable model writes for each task.
- baseline: the classic loop: every tool is a JSON function tool; the model makes one
  call per turn and sees each result as JSON; it answers in text when done. The math
  task gets a ``current_utc_time`` tool in the baseline, which cannot run code to read
  the clock.

Run: ``python bench/agent_steps.py`` (add ``--json`` for machine-readable figures).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import openai

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "agent"))

from fake_openai import FakeOpenAI, Reply, approx_tokens, call, code, text  # noqa: E402
from seed_tools import (  # noqa: E402
    CITIES_SCRIPT,
    CITIES_TASK,
    CITY_TOOLS,
    LOG_TOOLS,
    LOGS_ANSWER,
    LOGS_SCRIPT,
    LOGS_TASK,
    MATH_SCRIPT,
    MATH_TASK,
    MATH_TOOLS,
    POPULATIONS,
)

from tsact import Tool, tool  # noqa: E402
from tsact.agent import Agent  # noqa: E402


def tokenizer() -> tuple[str, Callable[[str], int]]:
    """The token counter and its name: o200k_base when available offline, else chars / 4."""
    try:
        import bpe_openai  # type: ignore[import-untyped,import-not-found,unused-ignore]

        encoding = bpe_openai.get_encoding("o200k_base")
    except Exception:  # not installed, or no vocabulary
        return "characters / 4 (bpe-openai not installed)", approx_tokens

    def count(value: str) -> int:
        total, start = 0, 0
        while start < len(value):  # the encoder refuses very long inputs: go by chunks
            end = min(len(value), start + 50_000)
            if end < len(value):
                comma = value.rfind(",", start, end)
                end = comma + 1 if comma > start else end
            total += len(encoding.encode_ordinary(value[start:end]))
            start = end
        return total

    return "o200k_base (bpe-openai)", count


@tool
def current_utc_time() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(UTC).isoformat()


def cities_by_size() -> list[tuple[str, int]]:
    """Vietnam's cities, largest first."""
    return sorted(POPULATIONS["Vietnam"].items(), key=lambda item: -item[1])


@dataclass(frozen=True)
class Task:
    """A seed task: its tools and both scripted conversations."""

    name: str
    prompt: str
    tools: list[Tool]
    agent_replies: list[Reply]
    baseline_tools: list[Tool]
    baseline_replies: list[Reply]


def tasks() -> list[Task]:
    """The three seed tasks with the replies a capable model gives in each style."""
    top5 = cities_by_size()[:5]
    total = sum(p for _, p in top5)
    mean = total / 5
    stddev = math.sqrt(sum((p - mean) ** 2 for _, p in top5) / 5)
    return [
        Task(
            "math",
            MATH_TASK,
            MATH_TOOLS,
            [code(MATH_SCRIPT)],
            [*MATH_TOOLS, current_utc_time],
            [
                call("AddNumbers", {"left": 7, "right": 5}),
                call("MultiplyNumbers", {"left": 12, "right": 9}),
                call("current_utc_time", {}),
                text("(7 + 5) * 9 = 108; the time is as reported."),
            ],
        ),
        Task(
            "cities",
            CITIES_TASK,
            CITY_TOOLS,
            [code(CITIES_SCRIPT)],
            CITY_TOOLS,
            [
                call("search_cities", {"country": "Vietnam"}),
                *[
                    call("get_population", {"city": city})
                    for city in sorted(POPULATIONS["Vietnam"])
                ],
                text(f"Total {total:,}; standard deviation {stddev:,.0f}."),
            ],
        ),
        Task(
            "logs",
            LOGS_TASK,
            LOG_TOOLS,
            [code(LOGS_SCRIPT), text(LOGS_ANSWER)],
            LOG_TOOLS,
            [call("fetch_logs", {}), text(LOGS_ANSWER)],
        ),
    ]


# --- the baseline: one JSON tool call per turn ------------------------------------------

BASELINE_SYSTEM = "You are a helpful assistant. Use the tools to answer; call one tool at a time."


async def run_baseline(
    client: openai.AsyncOpenAI, tools: list[Tool], prompt: str, max_steps: int = 20
) -> tuple[int, int]:
    """The classic loop; returns (model calls, prompt tokens)."""
    by_name = {item.name: item for item in tools}
    specs = [
        {
            "type": "function",
            "function": {
                "name": item.name,
                "description": item.description,
                "parameters": item.input_schema(),
            },
        }
        for item in tools
    ]
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": BASELINE_SYSTEM},
        {"role": "user", "content": prompt},
    ]
    calls = tokens = 0
    create: Any = client.chat.completions.create
    for _ in range(max_steps):
        completion = await create(model="fake-model", messages=messages, tools=specs)
        calls += 1
        tokens += completion.usage.prompt_tokens if completion.usage else 0
        message = completion.choices[0].message
        if not message.tool_calls:
            return calls, tokens
        messages.append(message.model_dump(exclude_none=True))
        for tool_call in message.tool_calls:
            target = by_name[tool_call.function.name]
            arguments = target.validate_arguments(json.loads(tool_call.function.arguments))
            value = target.call(arguments)
            if hasattr(value, "__await__"):
                value = await value
            result = json.dumps(target.serialise_result(value))
            messages.append({"role": "tool", "tool_call_id": tool_call.id, "content": result})
    return calls, tokens


# --- measuring --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One task's figures."""

    task: str
    agent_calls: int
    baseline_calls: int
    agent_tokens: int
    baseline_tokens: int
    agent_seconds: float


async def measure(count: Callable[[str], int]) -> list[Row]:
    """Run both agents on every task against fresh scripted servers."""
    rows: list[Row] = []
    for task in tasks():
        with FakeOpenAI(task.agent_replies, count_tokens=count) as server:
            agent = Agent(
                "fake-model",
                task.tools,
                base_url=server.url,
                api_key="sk-bench",
                max_retries=0,
                typecheck=False,
            )
            started = time.perf_counter()
            run = await agent.run(task.prompt)
            seconds = time.perf_counter() - started
            if run.status != "final_answer":
                raise RuntimeError(f"{task.name}: the agent ended with {run.status}: {run.error}")
        with FakeOpenAI(task.baseline_replies, count_tokens=count) as server:
            baseline_calls, baseline_tokens = await run_baseline(
                server.client(max_retries=0), task.baseline_tools, task.prompt
            )
        rows.append(
            Row(
                task.name,
                run.usage.model_calls,
                baseline_calls,
                run.usage.prompt_tokens,
                baseline_tokens,
                seconds,
            )
        )
    return rows


def table(rows: list[Row], tokenizer_name: str) -> str:
    """The figures as a text table with ratios (tsact / baseline)."""
    header = (
        f"{'task':<8} {'calls tsact':>11} {'baseline':>9} {'ratio':>6}   "
        f"{'prompt tokens tsact':>19} {'baseline':>10} {'ratio':>6}"
    )
    lines = [header, "-" * len(header)]
    total = Row(
        "total",
        sum(r.agent_calls for r in rows),
        sum(r.baseline_calls for r in rows),
        sum(r.agent_tokens for r in rows),
        sum(r.baseline_tokens for r in rows),
        sum(r.agent_seconds for r in rows),
    )
    for row in [*rows, total]:
        lines.append(
            f"{row.task:<8} {row.agent_calls:>11} {row.baseline_calls:>9} "
            f"{row.agent_calls / row.baseline_calls:>6.2f}   "
            f"{row.agent_tokens:>19,} {row.baseline_tokens:>10,} "
            f"{row.agent_tokens / row.baseline_tokens:>6.3f}"
        )
    calls_saved = 1 - total.agent_calls / total.baseline_calls
    without_logs = [r for r in rows if r.task != "logs"]
    tokens_saved = 1 - total.agent_tokens / total.baseline_tokens
    tokens_saved_small = 1 - sum(r.agent_tokens for r in without_logs) / sum(
        r.baseline_tokens for r in without_logs
    )
    lines += [
        "",
        f"tokens counted with {tokenizer_name}; prompt tokens summed over every model call",
        f"model calls: {calls_saved:.0%} fewer; prompt tokens: {tokens_saved:.1%} fewer "
        f"({tokens_saved_small:.0%} fewer without the logs task)",
        f"tsact wall time, all tasks, real sandbox: {total.agent_seconds:.2f} s",
        "the baseline's logs prompt is far past a 128k-token context: a real model would "
        "fail there, or need paging and more calls",
    ]
    return "\n".join(lines)


def main() -> None:
    """Print the table (or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    name, count = tokenizer()
    rows = anyio.run(measure, count)
    if options.json:
        print(json.dumps({"tokenizer": name, "rows": [row.__dict__ for row in rows]}, indent=2))
    else:
        print(table(rows, name))


if __name__ == "__main__":
    main()
