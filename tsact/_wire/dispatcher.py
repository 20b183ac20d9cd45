"""The script's tool calls in flight: at most ``tool_concurrency`` at a time.

A call to a sync tool goes straight from the session to a pool thread, which checks
the arguments, calls the tool and writes the reply to the sandbox itself; the event
loop only records the outcome. When that call is the only one in flight, the loop also
lends the thread the reading of the sandbox's frames (``FrameChannel.lend_reading``):
the thread reads the script's next frame, and answers it in place while it is another
call to a sync tool. A run of sequential calls thus costs no event-loop wake-up and no
hop between threads; anything else goes back to the loop, and so does the reading when
the thread stays in a tool for over ``LEND_WATCH_S``. Everything else (async tools,
approvals, unknown tools) runs in one of at most ``tool_concurrency`` worker tasks on
the event loop, started as the first such calls come.

All bookkeeping happens on the event loop, so the record never changes once the
execution has ended: threads queue what they start and answer, in order, and the loop
records it before the next frame it reads (or as the execution ends). An answer that
arrives later (a sync tool cannot be stopped) is dropped, and the call stays
``cancelled``.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple, TypeGuard

import anyio
import anyio.abc

from tsact._records.capture import ToolDataBudget
from tsact._records.events import Approver, ExecutionEvent, ToolCallFinished
from tsact._records.record import ToolCallRecord
from tsact._tools.prints import capturing_prints
from tsact._tools.tool import Tool
from tsact._tools.toolbox import Toolbox
from tsact._wire.answers import (
    Answer,
    approval_refusal,
    call_on_loop,
    call_on_thread,
    failed,
    unknown_tool,
    validated_arguments,
)
from tsact._wire.channel import FrameChannel
from tsact._wire.protocol import ToolCallFrame
from tsact._wire.threads import DaemonThreadPool

TOOL_THREADS = DaemonThreadPool("tsact-tool")
CANCELLED = "the execution ended before this tool call finished"
LEND_WATCH_S = 0.001
"""The longest a thread that reads the frames may stay in a tool before the loop takes
the reading back (a frame sent meanwhile waits at most about this long)."""
STAY_READING_S = 0.002
"""How long a thread that answered a call waits for the script's next frame before it
gives the reading back to the loop."""


class _Started(NamedTuple):
    """A call that a thread reading the frames started: the loop records it."""

    record: ToolCallRecord
    arguments: Any
    size: int
    """The frame's size (the record's arguments count against the tool-data budget)."""
    began: float


class _Answered(NamedTuple):
    """A call a thread answered: the loop records its outcome."""

    record: ToolCallRecord
    answer: Answer
    size: int
    duration_ms: float
    printed: str


class _Call(NamedTuple):
    """A call to answer: its record, and its arguments (the record may keep a marker)."""

    record: ToolCallRecord
    arguments: Any
    tool: Tool | None = None
    """The tool called, once the call starts (None: the toolbox has no such tool)."""


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
        budget: ToolDataBudget,
        calls: list[ToolCallRecord],
        max_calls: int,
        decode: Callable[[bytes], object],
        live: bool = True,
    ) -> None:
        """``calls``: the execution's list of calls, which calls started on a thread join
        in order; ``max_calls`` of them at most start there; ``decode`` reads a frame
        there. ``live``: someone follows the events as they happen, so a sync call's end
        is recorded as soon as it is answered (else when the next frame comes, or a call
        waits for its slot: the loop is not woken for it, see ``_on_thread``), and every
        call starts on the loop."""
        self._toolbox = toolbox
        self._channel = channel
        self._free = concurrency
        self._workers = concurrency  # worker tasks not started yet
        self._group: anyio.abc.TaskGroup | None = None
        self._approve = approve
        self._emit = emit
        self._clock_ms = clock_ms
        self._budget = budget
        self._waiting: deque[_Call] = deque()
        self._calls = calls
        self._max_calls = max_calls
        self._made = 0  # calls started, on the loop or on a thread
        self._decode = decode
        # from threads, in order: calls they started and answered
        self._answered: deque[_Started | _Answered] = deque()
        self._live = live
        self._handover = threading.Lock()  # an answer queued, against a call set waiting
        self._running: dict[int, tuple[ToolCallRecord, float]] = {}  # by id, with start time
        self._closed = False
        self._ready: deque[_Call] = deque()  # calls for the worker tasks, in order
        self._idle: deque[anyio.Event] = deque()  # a worker task waits on each
        self._loop = channel.loop

    def start(self, group: anyio.abc.TaskGroup) -> None:
        """Give the task group that worker tasks start in, one per call on the event loop
        until there are ``tool_concurrency`` (a script that calls none starts none)."""
        self._group = group

    def submit(self, call: ToolCallRecord, arguments: Any) -> None:
        """Run ``call`` with ``arguments`` now if a slot is free, else when one frees up
        (in order). The record may keep a marker in place of the arguments."""
        if self._closed:
            self._cancel(call)
            return
        self._made += 1
        while not self._free:
            with self._handover:  # an answer a thread queues after this sees the call wait
                if not self._answered:
                    self._waiting.append(_Call(call, arguments))
                    return
            self.drain()  # answers not seen yet: one may free a slot
        self._free -= 1
        self._run(_Call(call, arguments))

    def close(self) -> None:
        """The execution ended: calls not answered yet are cancelled, late answers dropped."""
        if self._closed:
            return
        with self._handover:  # a thread starts no call after this (see ``_start_here``)
            self._closed = True
        self.drain()  # answers already sent count, even if the loop had not seen them yet
        running = [call for call, _ in self._running.values()]
        self._running.clear()
        for call in (*running, *(waiting.record for waiting in self._waiting)):
            self._cancel(call)
        self._waiting.clear()
        self._ready.clear()
        while self._idle:
            self._idle.popleft().set()

    def _cancel(self, call: ToolCallRecord) -> None:
        """End a call that will not be answered; every ToolCallStarted gets its Finished."""
        call.status = "cancelled"
        call.error = CANCELLED
        self._emit(ToolCallFinished(call))

    def drain(self) -> None:
        """Record the calls and outcomes that threads have queued (call on the event loop)."""
        queued = self._answered
        while queued:
            entry = queued.popleft()
            if isinstance(entry, _Answered):
                self._settle(
                    entry.record, entry.answer, entry.size, entry.duration_ms, entry.printed
                )
                continue
            call = entry.record
            call.arguments = self._budget.keep(entry.arguments, entry.size)
            self._calls.append(call)
            self._running[call.id] = (call, entry.began)
            self._free -= 1  # the thread started it alone: the slot was free

    def _run(self, job: _Call) -> None:
        call = job.record
        call.started_ms = self._clock_ms()  # a call that waited for a slot starts now
        self._running[call.id] = (call, time.perf_counter())
        tool = self._toolbox.get(call.name)
        job = _Call(call, job.arguments, tool)
        if self._loop is not None and _answered_on_thread(tool):
            lent = (
                not self._live
                and len(self._running) == 1
                and not self._waiting
                and self._channel.lend_reading(LEND_WATCH_S)
            )
            self._on_thread(self._loop, job, tool, lent)
        elif self._idle or not self._workers or self._group is None:
            self._ready.append(job)
            if self._idle:
                self._idle.popleft().set()
        else:
            self._workers -= 1
            self._group.start_soon(self._serve, job)  # a new worker, this call first

    def _settle(
        self,
        call: ToolCallRecord,
        answer: Answer,
        size: int,
        duration_ms: float | None,
        printed: str,
    ) -> None:
        """Record the outcome of a call (on the event loop) and start the next waiting one.

        ``size`` is the reply's size: past the execution's tool-data budget the record
        keeps a marker in place of the result."""
        running = self._running.pop(call.id, None)
        if running is None:
            return  # the execution ended meanwhile: the call stays cancelled
        began = running[1]
        call.duration_ms = duration_ms or round((time.perf_counter() - began) * 1000, 3)
        answer.apply(call)
        call.printed = printed
        call.result = self._budget.keep(call.result, size)
        if self._live:  # the event is a snapshot: made only if someone follows them
            self._emit(ToolCallFinished(call))
        if self._closed:
            return
        if self._waiting:
            self._run(self._waiting.popleft())
        else:
            self._free += 1

    def _on_thread(
        self, loop: asyncio.AbstractEventLoop, job: _Call, tool: Tool, lent: bool
    ) -> None:
        """Check, call and answer a sync tool on a pool thread; ``lent``: the thread then
        reads the script's next frames (see ``_keep_reading``)."""
        began = self._running[job.record.id][1]

        def work() -> None:
            self._answer_here(loop, job, tool, began)
            if lent and self._channel.idle_lent():
                self._keep_reading(loop)

        TOOL_THREADS.submit(work)

    def _answer_here(
        self, loop: asyncio.AbstractEventLoop, job: _Call, tool: Tool, began: float
    ) -> None:
        """Check, call and answer a sync tool on this thread.

        The outcome is queued before the reply is written, and the session drains
        that queue before it reads the next frame, so the call's end is recorded
        before anything the script does after it. The event loop is woken only after
        the reply is out, and only when something waits for the outcome: a call
        waiting for the slot, or someone following the events. Otherwise the next
        frame (at the latest the final one) drains it: a wake-up per call, as the
        reply is on its way, costs this machine's two cores 20-40 µs of the round trip.
        """
        call, arguments = job.record, job.arguments
        with capturing_prints() as printed:
            try:
                validated = validated_arguments(tool, arguments)
                if isinstance(validated, Answer):
                    answer = validated
                else:
                    answer = call_on_thread(tool, validated, loop)
                answer, frame = answer.encoded(call.id, tool.name)
            except Exception as exc:  # the script must get an answer, whatever failed
                answer, frame = _unanswerable(call, exc)
        duration_ms = round((time.perf_counter() - began) * 1000, 3)
        with self._handover:
            self._answered.append(_Answered(call, answer, len(frame), duration_ms, printed.text()))
            wake = self._live or bool(self._waiting)
        self._channel.send_from_thread(frame)
        if wake:
            with contextlib.suppress(RuntimeError):  # a closed loop: the execution is gone
                loop.call_soon_threadsafe(self.drain, context=self._channel.context.copy())

    def _keep_reading(self, loop: asyncio.AbstractEventLoop) -> None:
        """Read the script's frames on this thread, the reading lent by the loop, and
        answer each here while it is a call to a sync tool; give the rest back."""
        channel = self._channel
        while (data := channel.read_lent(STAY_READING_S)) is not None:
            started = self._start_here(data)
            if started is None:
                channel.give_back(data)
                return
            if not channel.busy_lent():
                return  # closed: the execution is over
            job, tool, began = started
            self._answer_here(loop, job, tool, began)
            if not channel.idle_lent():
                return

    def _start_here(self, data: bytes) -> tuple[_Call, Tool, float] | None:
        """Start the call that ``data`` (read on a thread) makes, when it is one frame
        calling a sync tool that needs no approval, within ``max_calls``; else None."""
        line = self._channel.lone_frame(data)
        if line is None:
            return None
        try:
            frame = self._decode(line)
        except Exception:  # the loop decodes it again, and says what is wrong
            return None
        if not isinstance(frame, ToolCallFrame):
            return None
        tool = self._toolbox.get(frame.params.name)
        if not _answered_on_thread(tool):
            return None
        arguments = frame.params.args
        call = ToolCallRecord(
            id=frame.id, name=frame.params.name, arguments=None, started_ms=self._clock_ms()
        )
        began = time.perf_counter()
        with self._handover:
            if self._closed or self._made >= self._max_calls:
                return None
            self._made += 1
            self._answered.append(_Started(call, arguments, len(line), began))
        return _Call(call, arguments, tool), tool, began

    async def _serve(self, first: _Call) -> None:
        """A worker task: answer calls until the execution ends. It waits for the next
        call on an event, which wakes it without a checkpoint of its own first."""
        job: _Call | None = first
        while job is not None:
            await self._answer(job)
            job = await self._next_job()

    async def _next_job(self) -> _Call | None:
        """The next call for a worker task, once there is one (None: the run ended)."""
        while not self._ready:
            if self._closed:
                return None
            idle = anyio.Event()
            self._idle.append(idle)
            await idle.wait()
        return self._ready.popleft()

    async def _answer(self, job: _Call) -> None:
        """Answer a call on the event loop and send the reply, unless the run ended."""
        call = job.record
        with capturing_prints() as printed:
            try:
                answer, frame = (await self._answer_on_loop(job)).encoded(call.id, call.name)
            except Exception as exc:  # the script must get an answer, whatever failed here
                answer, frame = _unanswerable(call, exc)
        if call.id in self._running:
            self._settle(call, answer, len(frame), None, printed.text())
            await self._channel.send(frame)

    async def _answer_on_loop(self, job: _Call) -> Answer:
        tool = job.tool
        if tool is None:
            return unknown_tool(self._toolbox, job.record.name)
        validated = validated_arguments(tool, job.arguments)
        if isinstance(validated, Answer):
            return validated
        if tool.requires_approval:
            refusal = await approval_refusal(self._approve, tool.name, validated)
            if refusal is not None:
                return refusal
        return await call_on_loop(tool, validated)


def _answered_on_thread(tool: Tool | None) -> TypeGuard[Tool]:
    """A sync tool that needs no approval: checked, called and answered on a pool thread."""
    return tool is not None and not tool.is_async and not tool.requires_approval


def _unanswerable(call: ToolCallRecord, exc: Exception) -> tuple[Answer, bytearray]:
    """The error answer (and its frame) when answering ``call`` itself failed."""
    message = f"{call.name}: the host could not answer: {type(exc).__name__}: {exc}"
    return failed("tool", message).encoded(call.id, call.name)
