"""tsact: let an LLM act by writing TypeScript against typed Python tools.

Tools declared with pydantic become ``external_*`` functions; a script runs in a
fresh Deno process with every permission denied and time, fuel and memory limits;
each run yields an ``ExecutionRecord`` that reads and writes as stable JSON.
"""

from typing import TYPE_CHECKING, Any

from ._checker import CheckerError, CheckTimeout
from ._deno import DenoNotFound
from ._events import (
    ApprovalRequest,
    ConsoleEvent,
    ExecutionEvent,
    ToolCallFinished,
    ToolCallStarted,
)
from ._limits import Limits
from ._record import (
    ConsoleEntry,
    Diagnostic,
    ErrorInfo,
    ExecutionRecord,
    Timings,
    ToolCallRecord,
    Versions,
    record_json_schema,
)
from ._sandbox import Sandbox
from ._toolbox import Toolbox
from ._tools import Tool, ToolDefinitionError, ToolError, as_tools, tool
from ._version import __version__

if TYPE_CHECKING:
    from .agent import Agent, AgentEvent, AgentRun, AgentStep, Usage, agent_run_json_schema

_AGENT_NAMES = {"Agent", "AgentEvent", "AgentRun", "AgentStep", "Usage", "agent_run_json_schema"}


def __getattr__(name: str) -> Any:
    """The agent's names load on first use: importing tsact does not import openai."""
    if name in _AGENT_NAMES:
        from . import agent

        return getattr(agent, name)
    raise AttributeError(f"module 'tsact' has no attribute {name!r}")


__all__ = [
    "Agent",
    "AgentEvent",
    "AgentRun",
    "AgentStep",
    "ApprovalRequest",
    "CheckerError",
    "CheckTimeout",
    "ConsoleEntry",
    "ConsoleEvent",
    "DenoNotFound",
    "Diagnostic",
    "ErrorInfo",
    "ExecutionEvent",
    "ExecutionRecord",
    "Limits",
    "Sandbox",
    "Timings",
    "Tool",
    "ToolCallFinished",
    "ToolCallRecord",
    "ToolCallStarted",
    "ToolDefinitionError",
    "ToolError",
    "Toolbox",
    "Usage",
    "Versions",
    "__version__",
    "agent_run_json_schema",
    "as_tools",
    "record_json_schema",
    "tool",
]
