"""tsact: let an LLM act by writing TypeScript against typed Python tools.

Tools declared with pydantic become ``external_*`` functions; a script runs in a
fresh Deno process with every permission denied and time, fuel and memory limits;
each run yields an ``ExecutionRecord`` that reads and writes as stable JSON.
"""

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
from ._tools import Tool, ToolDefinitionError, ToolError, tool
from ._version import __version__

__all__ = [
    "ApprovalRequest",
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
    "Versions",
    "__version__",
    "record_json_schema",
    "tool",
]
