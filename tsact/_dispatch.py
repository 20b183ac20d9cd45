"""The script's tool calls in flight: at most ``tool_concurrency`` at a time.

A call to a sync tool goes straight from the session to a pool thread, which checks
the arguments, calls the tool and writes the reply to the sandbox itself; the event
loop only records the outcome. The round trip of a sequential call thus costs one
thread wake-up and no task switch. Everything else (async tools, approvals, unknown
tools) runs in one of at most ``tool_concurrency`` worker tasks on the event loop,
started as the first such calls come.

All bookkeeping happens on the event loop, so the record never changes once the
execution has ended: an answer that arrives later (a sync tool cannot be stopped) is
dropped, and the call stays ``cancelled``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import Callable

import anyio
import anyio.abc

from ._channel import FrameChannel
from ._events import Approver, ExecutionEvent, ToolCallFinished
from ._record import ToolCallRecord
from ._threads import DaemonThreadPool
from ._tool_calls import (
    Answer,
    approval_refusal,
    call_on_loop,
    call_on_thread,
    checked_arguments,
    failed,
    validated_arguments,
)
from ._toolbox import Toolbox
from ._tools import Tool

TOOL_THREADS = DaemonThreadPool("tsact-tool")
CANCELLED = "the execution ended before this tool call finished"


class ToolDispatcher:
    """Runs and answers tool calls for one execution, bounded by its concurrency."""

    def __init__(
        self,
        toolbox: Toolbox,
        channel: FrameChannel,
        *,
        concurrency: int,
        approve: Approver | None,
        emit: Callable[[ExecutionEvent], None],
        clock_ms: Callable[[], float],
    ) -> None:
        self._toolbox = toolbox
        self._channel = channel
        self._free = concurrency
        self._workers = concurrency  # worker tasks not started yet
        self._group: anyio.abc.TaskGroup | None = None
        self._approve = approve
        self._emit = emit
        self._clock_ms = clock_ms
        self._waiting: deque[ToolCallRecord] = deque()
        self._answered: deque[tuple[ToolCallRecord, Answer, float]] = deque()  # from threads
        self._running: dict[int, tuple[ToolCallRecord, float]] = {}  # by id, with start time
        self._closed = False
        self._queue, self._queued = anyio.create_memory_object_stream[ToolCallRecord](math.inf)
        self._loop = channel.loop

    def start(self, group: anyio.abc.TaskGroup) -> None:
        """Give the task group that worker tasks start in, one per call on the event loop
        until there are ``tool_concurrency`` (a script that calls none starts none)."""
        self._group = group

    def submit(self, call: ToolCallRecord) -> None:
        """Run ``call`` now if a slot is free, else when one frees up (in order)."""
        if self._closed:
            self._cancel(call)
        elif self._free:
            self._free -= 1
            self._run(call)
        else:
            self._waiting.append(call)

    def close(self) -> None:
        """The execution ended: calls not answered yet are cancelled, late answers dropped."""
        if self._closed:
            return
        self._closed = True
        self.drain()  # answers already sent count, even if the loop had not seen them yet
        running = [call for call, _ in self._running.values()]
        self._running.clear()
        for call in (*running, *self._waiting):
            self._cancel(call)
        self._waiting.clear()
        self._queue.close()

    def _cancel(self, call: ToolCallRecord) -> None:
        """End a call that will not be answered; every ToolCallStarted gets its Finished."""
        call.status = "cancelled"
        call.error = CANCELLED
        self._emit(ToolCallFinished(call))

    def drain(self) -> None:
        """Record the outcomes that threads have queued (call on the event loop)."""
        while self._answered:
            call, answer, duration_ms = self._answered.popleft()
            self._settle(call, answer, duration_ms)

    def _run(self, call: ToolCallRecord) -> None:
        call.started_ms = self._clock_ms()  # a call that waited for a slot starts now
        self._running[call.id] = (call, time.perf_counter())
        tool = self._toolbox.get(call.name)
        if (
            self._loop is not None
            and tool is not None
            and not tool.is_async
            and not tool.requires_approval
        ):
            self._on_thread(self._loop, call, tool)
        elif self._workers and self._group is not None:
            self._workers -= 1
            self._group.start_soon(self._serve, call)  # a new worker, this call first
        else:
            self._queue.send_nowait(call)

    def _settle(self, call: ToolCallRecord, answer: Answer, duration_ms: float | None) -> None:
        """Record the outcome of a call (on the event loop) and start the next waiting one."""
        running = self._running.pop(call.id, None)
        if running is None:
            return  # the execution ended meanwhile: the call stays cancelled
        began = running[1]
        call.duration_ms = duration_ms or round((time.perf_counter() - began) * 1000, 3)
        answer.apply(call)
        self._emit(ToolCallFinished(call))
        if self._closed:
            return
        if self._waiting:
            self._run(self._waiting.popleft())
        else:
            self._free += 1

    def _on_thread(self, loop: asyncio.AbstractEventLoop, call: ToolCallRecord, tool: Tool) -> None:
        """Check, call and answer a sync tool on a pool thread.

        The outcome is queued before the reply is written, and the session drains
        that queue before it reads the next frame, so the call's end is recorded
        before anything the script does after it. The event loop is woken only after
        the reply is out: a sequential call has nothing else on its way.
        """
        began = self._running[call.id][1]
        arguments = call.arguments

        def job() -> None:
            try:
                validated = validated_arguments(tool, arguments)
                if isinstance(validated, Answer):
                    answer = validated
                else:
                    answer = call_on_thread(tool, validated, loop)
                answer, frame = answer.encoded(call.id, tool.name)
            except Exception as exc:  # the script must get an answer, whatever failed here
                answer, frame = _unanswerable(call, exc)
            duration_ms = round((time.perf_counter() - began) * 1000, 3)
            self._answered.append((call, answer, duration_ms))
            self._channel.send_from_thread(frame)
            with contextlib.suppress(RuntimeError):  # a closed loop: the execution is gone
                loop.call_soon_threadsafe(self.drain)

        TOOL_THREADS.submit(job)

    async def _serve(self, first: ToolCallRecord) -> None:
        await self._answer(first)
        async for call in self._queued:
            await self._answer(call)

    async def _answer(self, call: ToolCallRecord) -> None:
        """Answer a call on the event loop and send the reply, unless the run ended."""
        try:
            answer, frame = (await self._answer_on_loop(call)).encoded(call.id, call.name)
        except Exception as exc:  # the script must get an answer, whatever failed here
            answer, frame = _unanswerable(call, exc)
        if call.id in self._running:
            self._settle(call, answer, None)
            await self._channel.send(frame)

    async def _answer_on_loop(self, call: ToolCallRecord) -> Answer:
        checked = checked_arguments(self._toolbox, call.name, call.arguments)
        if isinstance(checked, Answer):
            return checked
        tool, validated = checked
        if tool.requires_approval:
            refusal = await approval_refusal(self._approve, tool.name, validated)
            if refusal is not None:
                return refusal
        return await call_on_loop(tool, validated)


def _unanswerable(call: ToolCallRecord, exc: Exception) -> tuple[Answer, bytes]:
    """The error answer (and its frame) when answering ``call`` itself failed."""
    message = f"{call.name}: the host could not answer: {type(exc).__name__}: {exc}"
    return failed("tool", message).encoded(call.id, call.name)
