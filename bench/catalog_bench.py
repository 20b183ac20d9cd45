"""Large catalogs: catalog mode against all declarations in the prompt, on 200 tools.

Three scripted tasks over the 200-tool catalog of ``tests/agent/catalog_tools.py``
(ten services shaped like MCP servers' tools). Each runs twice with the real ``Agent``
(real sandbox, real type checks, the real openai client over HTTP to the scripted
server of ``tests/agent/fake_openai.py``):

- all declarations (the floor): ``declarations_budget=None``; the scripted model
  writes the solving script in its first reply;
- catalog mode: the default budget; the scripted model first calls
  ``search_tools(...)`` and prints the declarations, then writes the same solving
  script: one extra model call, as a model that has not seen the arguments needs.

Prompt tokens are summed over every model call of a run, counted with o200k_base
(``bpe-openai``) when installed, else characters / 4. A second catalog row uses a
budget of 12,000 tokens, whose listing has room for short summaries.

Run: ``python bench/catalog_bench.py`` (``--json`` for machine-readable figures).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "agent"))
sys.path.insert(0, str(ROOT / "bench"))

from agent_steps import tokenizer  # noqa: E402
from catalog_tools import catalog_tools  # noqa: E402
from fake_openai import FakeOpenAI, Reply, code  # noqa: E402

from tsact import Tool  # noqa: E402
from tsact.agent import Agent  # noqa: E402


@dataclass(frozen=True)
class Task:
    """A task, the searches a model makes in catalog mode, and the script that solves it."""

    name: str
    prompt: str
    searches: tuple[str, ...]
    script: str
    answer: Any


TASKS = (
    Task(
        "invoices",
        "What do the open invoices of billing account acct_main add up to?",
        ("list invoices",),
        "const page = await external_billing_list_invoices({ account: 'acct_main', "
        "status: 'open', per_page: 100 });\n"
        "final_answer(page.items.reduce((sum, invoice) => sum + invoice.total, 0));",
        800.0,
    ),
    Task(
        "issues",
        "How many open issues labelled 'bug' does the acme/web repository have?",
        ("list issues",),
        "const page = await external_github_list_issues({ owner: 'acme', repo: 'web', "
        "status: 'open', labels: ['bug'], per_page: 100 });\n"
        "final_answer(page.total_count);",
        1,
    ),
    Task(
        "incidents",
        "Post the titles of the open production incidents to #ops in the acme Slack.",
        ("list incidents", "post slack message"),
        "const page = await external_monitoring_list_incidents({ environment: 'production', "
        "status: 'open' });\n"
        "const titles = page.items.map((incident) => incident.title);\n"
        "const posted = await external_slack_create_message({ workspace: 'acme', "
        "channel: '#ops', text: titles.join('\\n') });\n"
        "final_answer({ posted: posted.id, titles });",
        {"posted": "mes_new", "titles": ["title 1", "title 4"]},
    ),
)


def search_reply(task: Task) -> Reply:
    """The catalog-mode first reply: print the declarations of what the task needs."""
    lines = [f"console.log(await search_tools({query!r}));" for query in task.searches]
    return code("\n".join(lines))


@dataclass(frozen=True)
class Figures:
    """One run's figures."""

    task: str
    mode: str
    model_calls: int
    prompt_tokens: int
    system_prompt_tokens: int


async def run_task(
    tools: list[Tool],
    task: Task,
    count: Callable[[str], int],
    budget: int | None,
) -> Figures:
    replies = [code(task.script)] if budget is None else [search_reply(task), code(task.script)]
    with FakeOpenAI(replies, count_tokens=count) as server:
        agent = Agent(
            "fake-model",
            tools,
            base_url=server.url,
            api_key="sk-bench",
            max_retries=0,
            declarations_budget=budget,
        )
        if agent.catalog_mode != (budget is not None):
            raise RuntimeError(f"{task.name}: catalog mode is {agent.catalog_mode}")
        async with agent:
            run = await agent.run(task.prompt)
        if budget is not None and "left out ..." in server.requests[1].observation:
            raise RuntimeError(f"{task.name}: the search results were cut in the observation")
    if run.status != "final_answer" or run.output != task.answer:
        raise RuntimeError(f"{task.name}: {run.status} {run.output!r} {run.error}")
    mode = "all declarations" if budget is None else f"catalog, budget {budget:,}"
    return Figures(
        task.name,
        mode,
        run.usage.model_calls,
        run.usage.prompt_tokens,
        count(agent.system_prompt),
    )


BUDGETS: tuple[int | None, ...] = (None, 8000, 12000)


async def measure(count: Callable[[str], int]) -> list[Figures]:
    """Every task in every mode, modes interleaved task by task."""
    tools = catalog_tools()
    figures: list[Figures] = []
    for task in TASKS:
        for budget in BUDGETS:
            figures.append(await run_task(tools, task, count, budget))
    return figures


def table(figures: list[Figures], tokenizer_name: str) -> str:
    """Each catalog-mode run against the all-declarations run of the same task."""
    floor = {f.task: f for f in figures if f.mode == "all declarations"}
    header = (
        f"{'task':<10} {'mode':<22} {'calls':>5} {'floor':>5}   "
        f"{'prompt tokens':>13} {'floor':>7} {'ratio':>6}   {'system prompt':>13}"
    )
    lines = [header, "-" * len(header)]
    for item in figures:
        base = floor[item.task]
        lines.append(
            f"{item.task:<10} {item.mode:<22} {item.model_calls:>5} {base.model_calls:>5}   "
            f"{item.prompt_tokens:>13,} {base.prompt_tokens:>7,} "
            f"{item.prompt_tokens / base.prompt_tokens:>6.3f}   {item.system_prompt_tokens:>13,}"
        )
    lines += [
        "",
        f"200 tools; tokens counted with {tokenizer_name}, summed over every model call",
        "goal: catalog mode at most 0.10x the prompt tokens, at most one extra model call",
    ]
    return "\n".join(lines)


def main() -> None:
    """Print the table (or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    name, count = tokenizer()
    figures = anyio.run(measure, count)
    if options.json:
        print(json.dumps({"tokenizer": name, "runs": [asdict(f) for f in figures]}, indent=2))
    else:
        print(table(figures, name))


if __name__ == "__main__":
    main()
