"""Building a sandbox from command-line options; configuration faults become input errors."""

from __future__ import annotations

from collections.abc import Sequence

from tsact import DenoNotFound, Limits, Sandbox, Tool, ToolDefinitionError

from .errors import InputError


def build_limits(*, timeout_s: float, memory_mb: int, fuel: int | None = None) -> Limits:
    """``Limits`` with the given options over the defaults; a bad value is an input error.

    ``fuel=0`` turns fuel metering off; ``None`` keeps the default budget.
    """
    try:
        return Limits(
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            fuel=Limits().fuel if fuel is None else (fuel or None),
        )
    except ValueError as exc:
        message = str(exc)
        for field, flag in (
            ("timeout_s", "--timeout"),
            ("memory_mb", "--memory"),
            ("fuel", "--fuel"),
        ):
            message = message.replace(f"Limits.{field}", flag)
        raise InputError(message) from None


def make_sandbox(
    tools: Sequence[Tool],
    limits: Limits | None = None,
    *,
    typecheck: bool = False,
    tool_search: bool = False,
) -> Sandbox:
    """A sandbox over ``tools``; duplicate names or a missing deno are input errors."""
    try:
        return Sandbox(tools, limits=limits, typecheck=typecheck, tool_search=tool_search)
    except ToolDefinitionError as exc:
        hint = (
            " (tools from two sources share a name: rename one, or namespace an MCP "
            'server\'s tools with --mcp "PREFIX=COMMAND ARGS")'
            if "two tools are named" in str(exc)
            else ""
        )
        raise InputError(f"invalid tools: {exc}{hint}") from None
    except DenoNotFound as exc:
        raise InputError(str(exc)) from None
