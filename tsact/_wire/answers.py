"""Answering one tool call: check the arguments, call the tool, check and serialise the result.

An ``Answer`` is computed apart from the call's record, so that a sync tool can be
called and answered on its own thread while the event loop alone writes the record
(and only while the execution still waits for it).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import anyio
import pydantic_core

from tsact._errors import ToolError
from tsact._records.events import ApprovalRequest, Approver
from tsact._records.record import ToolCallRecord
from tsact._scripts.prepare import well_formed
from tsact._tools.exact_numbers import InexactNumber
from tsact._tools.tool import ArgumentsInvalid, ResultInvalid, Tool
from tsact._tools.toolbox import Toolbox
from tsact._wire.protocol import ErrorReply, ReplyError, ResultReply, encode_frame


@dataclass(frozen=True)
class Answer:
    """What the script gets back: a JSON result, or an error with its code."""

    result: Any = None
    error_code: str | None = None
    error: str | None = None

    def apply(self, call: ToolCallRecord) -> None:
        """Write the outcome into the call's record."""
        call.result = self.result
        if self.error is not None:
            call.status = "error"
            call.error = self.error
            call.error_code = self.error_code

    def encoded(self, call_id: int, tool_name: str) -> tuple[Answer, bytearray]:
        """The reply frame, and the answer it carries (an error if the result is not Unicode)."""
        try:
            return self, encode_frame(self._reply(call_id))
        except UnicodeEncodeError:
            refused = failed("tool", f"{tool_name} returned text that is not valid Unicode")
            return refused, encode_frame(refused._reply(call_id))

    def _reply(self, call_id: int) -> ResultReply | ErrorReply:
        if self.error is None:
            return ResultReply(id=call_id, result=self.result)
        data = {"code": self.error_code or "tool"}
        return ErrorReply(id=call_id, error=ReplyError(code=-32000, message=self.error, data=data))


def failed(code: str, message: str) -> Answer:
    """An error answer; ``code`` is one of ToolError.code's values."""
    return Answer(error_code=code, error=well_formed(message))


def unknown_tool(toolbox: Toolbox, name: str) -> Answer:
    """The answer to a call of a tool the toolbox does not have."""
    known = ", ".join(toolbox.names) or "none"
    return failed("unknown", f"unknown tool {name!r} (tools: {known})")


def validated_arguments(tool: Tool, arguments: Any) -> Any:
    """The tool's validated arguments, or the error answer when they are invalid."""
    try:
        return tool.validate_arguments(arguments)
    except ArgumentsInvalid as exc:
        return failed("validation", f"{tool.name}: invalid arguments: {exc}")


async def approval_refusal(approve: Approver | None, name: str, validated: Any) -> Answer | None:
    """None when the approve callback allows the call, else the refusal to send back."""
    if approve is None:
        return failed("refused", f"{name} requires approval and no approve callback was given")
    arguments = validated.model_dump(mode="json") if hasattr(validated, "model_dump") else validated
    request = ApprovalRequest(name=name, arguments=arguments)
    try:
        answer: Any = await anyio.to_thread.run_sync(approve, request, abandon_on_cancel=True)
        if inspect.isawaitable(answer):
            answer = await answer
    except Exception as exc:  # the callback's failure refuses the call
        return failed("refused", f"{name}: approval failed: {type(exc).__name__}: {exc}")
    return None if answer is True else failed("refused", f"{name}: the call was not approved")


async def call_on_loop(tool: Tool, validated: Any) -> Answer:
    """Call an async tool (or a sync one, in a worker thread) from the event loop."""
    try:
        if tool.is_async:
            value = await tool.call(validated)
        else:
            value = await anyio.to_thread.run_sync(tool.call, validated, abandon_on_cancel=True)
            if inspect.isawaitable(value):
                value = await value
    except Exception as exc:  # a tool's own failure is reported to the script, not raised
        return _tool_failure(tool, exc)
    return _serialised(tool, value)


def call_on_thread(tool: Tool, validated: Any, loop: asyncio.AbstractEventLoop) -> Answer:
    """Call a sync tool on this (non-loop) thread; an awaitable it returns runs on ``loop``."""
    try:
        value = tool.call(validated)
        if inspect.isawaitable(value):
            value = asyncio.run_coroutine_threadsafe(_awaited(value), loop).result()
    except Exception as exc:  # a tool's own failure is reported to the script, not raised
        return _tool_failure(tool, exc)
    return _serialised(tool, value)


async def _awaited(value: Awaitable[Any]) -> Any:
    return await value


def _tool_failure(tool: Tool, exc: Exception) -> Answer:
    if isinstance(exc, ToolError):
        return failed(exc.code, f"{tool.name}: {exc}")
    return failed("tool", f"{tool.name} failed: {type(exc).__name__}: {exc}")


def _serialised(tool: Tool, value: Any) -> Answer:
    try:
        return Answer(result=tool.serialise_result(value))
    except ResultInvalid as exc:  # the record keeps what the tool returned
        return Answer(
            result=exc.returned, error_code="result", error=well_formed(f"{tool.name}: {exc}")
        )
    except InexactNumber as exc:
        return failed("tool", f"{tool.name} returned a number the script cannot get exactly: {exc}")
    except (pydantic_core.PydanticSerializationError, TypeError, ValueError) as exc:
        return failed(
            "tool", f"{tool.name} returned a value that cannot be serialised as JSON: {exc}"
        )
