"""tsact: let an LLM act by writing TypeScript against typed Python tools.

Tools declared with pydantic become ``external_*`` functions; a script runs in a
fresh Deno process with every permission denied and time, fuel and memory limits;
each run yields an ``ExecutionRecord`` that reads and writes as stable JSON.

tsact logs to the ``tsact`` logger (``tsact.process``, ``tsact.agent``...): debug
messages when a sandbox process is spawned and killed, a model request is sent and
answered, a run starts and ends. It is silent until you configure logging, e.g.
``logging.basicConfig()`` and ``logging.getLogger("tsact").setLevel(logging.DEBUG)``.
"""

import logging
from typing import TYPE_CHECKING, Any

from tsact._errors import (
    CheckerError,
    CheckTimeout,
    DenoNotFound,
    MCPServerError,
    NewerFormat,
    RecordInvalid,
    ToolDefinitionError,
    ToolError,
    ToolErrorCode,
    TsactError,
)
from tsact._records.events import (
    ApprovalRequest,
    ConsoleEvent,
    ExecutionEvent,
    ToolCallFinished,
    ToolCallStarted,
)
from tsact._records.limits import Limits
from tsact._records.record import (
    FORMAT,
    ConsoleEntry,
    Diagnostic,
    DroppedName,
    ErrorInfo,
    ExecutionRecord,
    KeptVariable,
    SessionState,
    Timings,
    ToolCallRecord,
    Versions,
    record_json_schema,
)
from tsact._tools.tool import Tool, as_tools, tool
from tsact._tools.toolbox import Toolbox

from ._sandbox import Sandbox
from ._session import Session
from ._version import __version__

if TYPE_CHECKING:
    from .agent import Agent, AgentEvent, AgentRun, AgentStep, Usage, agent_run_json_schema

logging.getLogger("tsact").addHandler(logging.NullHandler())

_AGENT_NAMES = {"Agent", "AgentEvent", "AgentRun", "AgentStep", "Usage", "agent_run_json_schema"}


def __getattr__(name: str) -> Any:
    """The agent's names load on first use: importing tsact does not import openai."""
    if name in _AGENT_NAMES:
        from . import agent

        return getattr(agent, name)
    raise AttributeError(f"module 'tsact' has no attribute {name!r}")


__all__ = [
    "Agent",
    "agent_run_json_schema",
    "AgentEvent",
    "AgentRun",
    "AgentStep",
    "ApprovalRequest",
    "as_tools",
    "CheckerError",
    "CheckTimeout",
    "ConsoleEntry",
    "ConsoleEvent",
    "DenoNotFound",
    "Diagnostic",
    "DroppedName",
    "ErrorInfo",
    "ExecutionEvent",
    "ExecutionRecord",
    "FORMAT",
    "KeptVariable",
    "Limits",
    "MCPServerError",
    "NewerFormat",
    "record_json_schema",
    "RecordInvalid",
    "Sandbox",
    "Session",
    "SessionState",
    "Timings",
    "Tool",
    "tool",
    "Toolbox",
    "ToolCallFinished",
    "ToolCallRecord",
    "ToolCallStarted",
    "ToolDefinitionError",
    "ToolError",
    "ToolErrorCode",
    "TsactError",
    "Usage",
    "__version__",
    "Versions",
]
