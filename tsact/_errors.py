"""Every exception tsact raises to its callers, under one base: ``TsactError``.

``except tsact.TsactError`` catches anything tsact itself refuses or fails at; each
subclass also derives from the built-in a caller would otherwise expect (``ValueError``
for bad input, ``RuntimeError`` for something that could not run). ``Sandbox.run``
raises none of them for anything a script does: that is always a record.
"""

from __future__ import annotations

from typing import Final, Literal, get_args


class TsactError(Exception):
    """The base of every exception tsact raises."""


class ToolDefinitionError(TsactError, ValueError):
    """A tool cannot be built from what was given (bad name, annotations, schema)."""


ToolErrorCode = Literal["validation", "tool", "result", "arguments", "refused", "unknown", "limit"]
"""Every ``ToolError.code``: ``validation`` (bad arguments), ``tool`` (the tool failed),
``result`` (the tool returned something its declared return type does not allow),
``arguments`` (not one JSON object), ``refused`` (not approved), ``unknown`` (no such tool),
``limit`` (a limit such as ``max_tool_calls`` was hit). The one list: the declarations'
``ToolError.code`` type is written from it."""

TOOL_ERROR_CODE_ORDER: Final[tuple[str, ...]] = get_args(ToolErrorCode)
TOOL_ERROR_CODES: Final = frozenset(TOOL_ERROR_CODE_ORDER)


class ToolError(TsactError):
    """Raise inside a tool to fail the call with this message and nothing else.

    The script sees a ``ToolError`` whose message is the tool's name and this text;
    any other exception is reported with its type name as well. ``code`` is the
    ``ToolError.code`` the script sees: a tool's own failure is ``"tool"``, the
    default; another of the declared codes (``validation``, ``refused``...) says the
    same as the host would, which is what ``tsact replay`` uses to repeat a recording.
    """

    def __init__(self, message: str = "", *, code: str = "tool") -> None:
        if code not in TOOL_ERROR_CODES:
            raise ValueError(f"ToolError code must be one of {sorted(TOOL_ERROR_CODES)}")
        super().__init__(message)
        self.code = code


class DenoNotFound(TsactError, RuntimeError):
    """No usable deno binary: install the ``deno`` package or set ``TSACT_DENO``."""


class CheckerError(TsactError, RuntimeError):
    """The type checker could not run (deno missing, server crashed or did not start)."""


class CheckTimeout(CheckerError):
    """The check took longer than its time limit; the server was killed."""


class RecordInvalid(TsactError, ValueError):
    """JSON text that is not an execution record or an agent run (the message says why)."""


class NewerFormat(RecordInvalid):
    """The JSON was written by a newer tsact, in a format this one does not know."""


class MCPServerError(TsactError, RuntimeError):
    """An MCP server could not be started or reached, or did not answer in time."""
