"""Showing an agent run to a person: the task, each step (reply, code, record), the output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from tsact._records.text import cut_end as shorten

from .absent import NOTHING_ABSENT, Absent
from .output import rule, untrusted
from .render import SCRIPT_NAME, json_view, plural, section, show_record

if TYPE_CHECKING:
    from tsact.agent import AgentRun, AgentStep

OBSERVATION_LINES = 12
MODEL_TEXT_CHARS = 2_000


def run_headline(run: AgentRun, name: str, absent: Absent = NOTHING_ABSENT) -> Text:
    """One line: status, file or task name, steps, model calls, tokens, duration."""
    text = Text()
    if run.status == "final_answer":
        text.append("✓ final answer", style="bold green")
    elif run.status == "max_steps":
        text.append("✗ max steps reached", style="bold yellow")
    elif run.status == "cancelled":
        text.append("✗ cancelled", style="bold yellow")
    else:
        text.append("✗ error", style="bold red")
    text.append(f"  {name}", style="bold")
    usage = run.usage
    details = [plural(len(run.steps), "step")]
    if absent.missing(run, "usage"):
        details.append("model calls and tokens unknown")
    else:
        details += [
            plural(usage.model_calls, "model call"),
            f"{usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion tokens",
        ]
    details.append(
        "duration unknown"
        if absent.missing(run, "duration_ms")
        else f"{run.duration_ms / 1000:.1f} s"
    )
    text.append("  " + " · ".join(details), style="dim")
    return text


def run_details(run: AgentRun, absent: Absent = NOTHING_ABSENT) -> Text:
    """The task, and the model, mode, start time, version and format, dimmed."""
    text = Text("Task: ", style="bold")
    text.append(untrusted(run.task))
    parts = [f"model {run.model}", f"mode {run.mode}", f"id {run.id}"]
    if run.started_at:
        parts.append(f"started {run.started_at}")
    if run.tsact_version:
        parts.append(f"tsact {run.tsact_version}")
    parts.append(f"format {run.format}")
    if absent.any_missing(run.steps, "sub_agent_usage"):
        parts.append("sub-agents' usage unknown")
    text.append("\n" + " · ".join(parts), style="dim")
    return text


def show_run(console: Console, run: AgentRun, name: str, absent: Absent = NOTHING_ABSENT) -> None:
    """Print the whole run: header, every step, then the output or the error."""
    console.print(run_headline(run, name, absent))
    console.print(run_details(run, absent))
    for step in run.steps:
        console.print()
        show_step(console, step, absent)
    console.print()
    last = run.steps[-1].record if run.steps else None
    if (
        run.status == "final_answer"
        and last is not None
        and last.final_answer
        and last.result == run.output_json
    ):
        console.print(
            Text(f"✓ Output: the final answer of step {run.steps[-1].index}", style="green")
        )
    else:
        show_outcome(console, run)


def show_step(console: Console, step: AgentStep, absent: Absent = NOTHING_ABSENT) -> None:
    """One step: the model's text, any fault, the code and its record, the observation."""
    timing = f"model {step.model_ms:.0f} ms"
    if step.record is not None:
        timing += f" · execution {step.execution_ms:.0f} ms"
    if absent.missing(step, "usage"):
        timing += " · tokens unknown"
    else:
        timing += f" · {step.usage.prompt_tokens:,} + {step.usage.completion_tokens:,} tokens"
    sub = step.sub_agent_usage
    if sub.model_calls:
        timing += (
            f" · sub-agents: {plural(sub.model_calls, 'model call')}, "
            f"{sub.prompt_tokens:,} + {sub.completion_tokens:,} tokens"
        )
    rule(console, Text(f"Step {step.index}  ", style="bold").append(timing, style="dim"))
    if step.model_text.strip():
        console.print(section("Model"))
        console.print(Text(shorten(untrusted(step.model_text.strip()), MODEL_TEXT_CHARS)))
    if step.fault:
        console.print(Text(f"Unusable reply: {untrusted(step.fault)}", style="yellow"))
    if step.model_error:
        console.print(Text(f"Model call failed: {untrusted(step.model_error)}", style="red"))
    if step.record is not None:
        console.print()
        show_record(
            console,
            step.record,
            name=f"step {step.index}",
            full_source=True,
            source_name=SCRIPT_NAME,
            absent=absent,
        )
    elif step.code:
        console.print(section("Code (not run)"))
        console.print(Text(untrusted(step.code)))
    if step.observation:
        console.print()
        console.print(section("Observation sent to the model"))
        console.print(Text(_head(untrusted(step.observation), OBSERVATION_LINES), style="dim"))


def show_outcome(console: Console, run: AgentRun) -> None:
    """The run's output (text or JSON), or why it ended without one."""
    if run.status == "final_answer":
        console.print(section("Output"))
        output = run.output_json
        if isinstance(output, str):
            console.print(Text(untrusted(output)))
        else:
            console.print(json_view(output))
    elif run.status == "cancelled":
        console.print(
            Text(
                f"Cancelled after {plural(len(run.steps), 'step')}: {untrusted(run.error or '')}",
                style="bold yellow",
            )
        )
    elif run.error:
        console.print(Text(f"Run failed: {untrusted(run.error)}", style="bold red"))
    else:
        console.print(Text(f"No answer after {plural(len(run.steps), 'step')}", style="yellow"))


def _head(text: str, lines: int) -> str:
    parts = text.split("\n")
    if len(parts) <= lines:
        return text
    return "\n".join([*parts[:lines], f"… {plural(len(parts) - lines, 'more line')} (see --json)"])
