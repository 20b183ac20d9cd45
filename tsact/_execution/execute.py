"""One execution from start to record: spawn, talk, enforce limits, clean up.

The race between the script's own end, the timeout, the memory watchdog and
the process exiting is decided by whichever concludes first; the process group
is then killed, reaped and its temp directory removed, however it ended
(including cancellation of the caller, which re-raises after cleanup).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import anyio
import anyio.abc

from tsact._deno import (
    DenoVersion,
    cache_root,
    prelude_path,
    sandbox_command,
    sandbox_environment,
)
from tsact._execution.process import (
    SandboxProcess,
    apply_rlimits,
    bytes_waiting,
    frame_pipe,
    kill_group,
    lease_cpu,
    pump,
    reply_pipe,
    spawn,
    watch_memory,
)
from tsact._records.capture import CUT_MARKER, HeadTail, ToolDataBudget
from tsact._records.console import ConsoleCapture, line_cap
from tsact._records.events import (
    Approver,
    ConsoleEvent,
    EventHandler,
    ExecutionEvent,
    ToolCallStarted,
)
from tsact._records.limits import Limits, MiB
from tsact._records.record import (
    ConsoleEntry,
    ErrorInfo,
    ExecutionRecord,
    SessionState,
    Timings,
    ToolCallRecord,
    Versions,
)
from tsact._scripts.prepare import PreparedScript, ScriptRejected, map_error, prepare
from tsact._tempdirs import private_temp_dir
from tsact._tools.toolbox import ToolAlias, Toolbox
from tsact._version import __version__
from tsact._wire.channel import FrameChannel, FrameTooLarge
from tsact._wire.dispatcher import ToolDispatcher
from tsact._wire.protocol import (
    MAX_JSON_DEPTH,
    READY_LINE,
    CapturedState,
    ConsoleFrame,
    FinalFrame,
    ProtocolError,
    ScriptValueError,
    SessionStart,
    StartedFrame,
    StartFrame,
    StartParams,
    ToolCallFrame,
    decode_frame,
    encode_frame,
)

LOGGER = logging.getLogger("tsact.process")
SEAL_BYTES = 8  # random bytes of an execution's seal (sent as 16 hex characters)


class CarriedState(Protocol):
    """What a session gives an execution and takes back (``tsact._session.Session``)."""

    @property
    def names(self) -> tuple[str, ...]:
        """The names carried into the script."""
        ...

    def carried_json(self) -> str:
        """The carried variables as one JSON object's text."""
        ...

    def absorb(self, captured: CapturedState | None, max_bytes: int) -> SessionState:
        """Take what the script left behind; the record's report of it."""
        ...


# Memory the Deno runtime itself holds (two isolates, snapshot, compiler): the RSS
# watchdog allows memory_mb on top of this, so memory_mb is what the script can use.
RUNTIME_ALLOWANCE_MB = 96
EXIT_GRACE_S = 2.0
HEAP_LIMIT_EXIT_CODES = {133, -5}  # "Reached heap limit" ends deno with SIGTRAP
JSON_ESCAPE_GROWTH = 6  # a control character becomes \u00XX in JSON text
ERROR_TEXT_FLOOR = 64 * 1024  # the floor of error_cap; ERROR_TEXT_FLOOR in prelude.ts
FRAME_ENVELOPE = 64 * 1024  # a frame's JSON-RPC fields around its text, with room to spare


def error_cap(limits: Limits) -> int:
    """The most UTF-8 bytes of an error's name, message and stack together."""
    return max(line_cap(limits.max_output_bytes), ERROR_TEXT_FLOOR)


def max_frame_bytes(limits: Limits, *, session: bool = False) -> int:
    """The longest frame a sandbox that keeps the protocol sends under ``limits``.

    In a session the final frame also carries the script's variables.

    The worker keeps a result or one call's arguments within ``max_result_bytes`` of
    UTF-8 JSON, sent as is. It cuts a console line to ``line_cap`` bytes, and an
    error's name, message and stack to that cap (or ERROR_TEXT_FLOOR) together; JSON
    escaping can grow such text.
    """
    text = error_cap(limits)
    state = limits.max_state_bytes + FRAME_ENVELOPE if session else 0
    return max(limits.max_result_bytes, JSON_ESCAPE_GROWTH * text) + state + FRAME_ENVELOPE


@dataclass(frozen=True)
class ExecutionSettings:
    """Everything an execution needs besides the source."""

    toolbox: Toolbox
    limits: Limits
    deno: Path
    deno_version: DenoVersion
    approve: Approver | None = None
    aliases: tuple[ToolAlias, ...] = ()
    """Globals that call a tool with one argument (``search_tools(query)``)."""


@dataclass
class _Outcome:
    """How the script ended: ok unless ``error`` is set."""

    result: Any = None
    final_answer: bool = False
    error: ErrorInfo | None = None
    fuel_used: int | None = None
    state: CapturedState | None = None


@dataclass
class _Execution:
    settings: ExecutionSettings
    source: str
    on_event: EventHandler | None
    session: CarriedState | None
    started: float = field(default_factory=time.perf_counter)
    record_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    outcome: _Outcome | None = None
    console: ConsoleCapture = field(init=False)
    tool_data: ToolDataBudget = field(init=False)
    stderr: HeadTail = field(init=False)
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)
    stream_closed: anyio.Event = field(default_factory=anyio.Event)
    channel: FrameChannel | None = None  # set once the start frame is written
    race: anyio.CancelScope | None = None
    output: anyio.CancelScope | None = None  # the reader of the process's stderr
    dispatcher: ToolDispatcher | None = None
    seal: bytes = b""
    """Starts every frame of this execution (``StartParams.seal``), once it has started."""
    ready_seen: bool = False
    """The first line (the prelude's ``ready``) has been read."""
    ended_by_frame: bool = False
    """The script's final frame concluded it: the process has nothing more to say."""

    def __post_init__(self) -> None:
        limit = self.settings.limits.max_output_bytes
        self.console = ConsoleCapture(limit)
        self.tool_data = ToolDataBudget(self.settings.limits.max_tool_data_bytes)
        self.stderr = HeadTail(limit)

    def now_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 3)

    def emit(self, event: ExecutionEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def conclude(self, outcome: _Outcome) -> None:
        if self.dispatcher is not None:
            self.dispatcher.close()
        if self.outcome is None:
            self.outcome = outcome
            self.timings.finished_ms = self.now_ms()
        if self.race is not None:
            self.race.cancel()

    def fail(self, kind: str, message: str, **extra: Any) -> None:
        self.conclude(_Outcome(error=ErrorInfo(kind=kind, message=message, **extra)))  # type: ignore[arg-type]


@dataclass
class SpawnedSandbox:
    """A sandbox process that is booting (or booted) and waits for its script.

    Spawning takes no await: the process boots on its own while the caller does other
    work, which is how a prewarmed spare hides start-up latency. The host's frames go
    to the process's stdin and its frames come from its stdout, both pipes.
    """

    workdir: Path
    deno_dir: Path
    process: SandboxProcess
    memory_mb: int
    frames: int | None
    """The read end of the pipe that is the process's stdout: its frames come there.
    Closed here unless a channel took it over."""
    replies: int | None
    """The write end of the pipe that is the process's stdin: the host's frames go there.
    Closed here unless a channel took it over."""
    booting: anyio.Event | None = None
    """Set once ``boot`` has ended (None: it was never called)."""
    booted: bool = False
    """The prelude's ``ready`` line is in the pipe: it waits only for its start frame."""

    async def boot(self) -> None:
        """Wait for the prelude's ``ready`` line (left in the pipe for the channel),
        or for the process to exit, or for cancellation."""
        self.booting = anyio.Event()
        frames = self.frames
        assert frames is not None

        async def ready(group: anyio.abc.TaskGroup) -> None:
            await anyio.wait_readable(frames)
            self.booted = bytes_waiting(frames) > 0  # else the pipe's end: no ready line
            group.cancel_scope.cancel()

        async def exited(group: anyio.abc.TaskGroup) -> None:
            await self.process.wait()
            group.cancel_scope.cancel()

        try:
            async with anyio.create_task_group() as group:
                group.start_soon(ready, group)
                group.start_soon(exited, group)
        finally:
            self.booting.set()

    async def take_pipes(self) -> tuple[int, int]:
        """The two pipes' host ends, for a channel that owns them from now on (once
        ``boot``, if it runs, has stopped watching the frames)."""
        if self.booting is not None:
            await self.booting.wait()
        frames, replies = self.frames, self.replies
        assert frames is not None and replies is not None
        self.frames = self.replies = None
        return frames, replies

    async def aclose(self) -> None:
        """Kill, reap and remove everything this sandbox holds (shielded from cancellation)."""
        with anyio.CancelScope(shield=True):
            for descriptor in (self.frames, self.replies):
                if descriptor is not None:
                    os.close(descriptor)
            self.frames = self.replies = None
            try:
                kill_group(self.process)
                # The kernel takes milliseconds to tear down a process that held a V8
                # heap: its directories go meanwhile, and once more when it is reaped
                # (whatever it wrote as it died).
                _remove(self.workdir, self.deno_dir)
                code = await self.process.wait()
                LOGGER.debug("sandbox process %d reaped (exit %s)", self.process.pid, code)
                await self.process.aclose()
            finally:
                _remove(self.workdir, self.deno_dir)


def _remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


async def spawn_sandbox(settings: ExecutionSettings, *, spare: bool = False) -> SpawnedSandbox:
    """Start one sandbox process with its own private temp directory and DENO_DIR; a
    ``spare`` boots ahead of its run (``sandbox_command``).

    A run's own process is spawned on the event loop (0.5 ms here, and the run waits for
    it anyway); a spare from a worker thread, as a burst of runs ends in a burst of
    refills, each fork and exec taking 5-10 ms of a loaded machine that the loop's other
    work should not wait for.
    """
    if spare:
        return await anyio.to_thread.run_sync(_spawn, settings, True)
    return _spawn(settings, False)


def _spawn(settings: ExecutionSettings, spare: bool) -> SpawnedSandbox:
    workdir = private_temp_dir()
    deno_dir = private_temp_dir(cache_root())
    pipes: list[int] = []
    try:
        os.chmod(workdir, 0o700)
        (workdir / "cwd").mkdir(mode=0o700)
        main = workdir / "prelude.js"
        main.symlink_to(prelude_path())
        command = sandbox_command(settings.deno, settings.limits, spare=spare, main=main)
        environment = sandbox_environment(workdir, deno_dir)
        frames, frames_out = frame_pipe()
        pipes += (frames, frames_out)
        replies_in, replies = reply_pipe()
        pipes += (replies_in, replies)
        process = spawn(
            command, cwd=workdir / "cwd", env=environment, stdin=replies_in, stdout=frames_out
        )
    except BaseException:
        for descriptor in pipes:
            os.close(descriptor)
        _remove(workdir, deno_dir)
        raise
    os.close(frames_out)  # the process has its own copies: its stdout and stdin
    os.close(replies_in)
    apply_rlimits(process.pid, settings.limits.memory_mb)
    return SpawnedSandbox(
        workdir, deno_dir, process, settings.limits.memory_mb, frames=frames, replies=replies
    )


async def execute(
    source: str,
    settings: ExecutionSettings,
    on_event: EventHandler | None = None,
    spawned: SpawnedSandbox | None = None,
    session: CarriedState | None = None,
    *,
    defer: Callable[[Callable[[], Coroutine[Any, Any, None]]], None] | None = None,
) -> ExecutionRecord:
    """Run one script in a fresh sandbox and return its record (never raises for the script).

    ``source`` must be well-formed Unicode (``well_formed``; ``Sandbox.run`` makes it so).
    ``spawned`` is a prewarmed process to use (it is closed either way); without it a
    new one is spawned. With ``session``, the script starts with the session's variables
    and leaves its own to it. With ``defer`` (the sandbox's open block), a process whose
    script sent its final frame is killed and handed to ``defer`` to be reaped after
    the record is returned: the kernel's teardown of a V8 process takes milliseconds.
    """
    execution = _Execution(settings, source, on_event, session)
    limits = settings.limits
    started_at = datetime.now(UTC).isoformat(timespec="milliseconds")
    try:
        script: PreparedScript | None = None
        try:
            script = prepare(
                source,
                max_source_bytes=limits.max_source_bytes,
                fuel=limits.fuel is not None,
                aliases=settings.aliases,
                carried=session.names if session is not None else None,
            )
        except ScriptRejected as rejected:
            execution.fail(
                rejected.kind, rejected.message, line=rejected.line, column=rejected.column
            )
        execution.timings.prepare_ms = execution.now_ms()
        if script is not None:
            execution.timings.prewarmed = spawned is not None
            if spawned is None:
                spawned = await spawn_sandbox(settings)
            execution.timings.spawn_ms = execution.now_ms()
            await _supervise(execution, script, spawned)
    finally:
        with anyio.CancelScope(shield=True):
            if execution.channel is not None:
                execution.channel.close()
            if spawned is not None:
                if defer is not None and execution.ended_by_frame:
                    kill_group(spawned.process)
                    defer(spawned.aclose)
                else:
                    await spawned.aclose()
    if execution.dispatcher is not None:
        execution.dispatcher.close()  # the outcome closed it, unless the session began after it
    return _build_record(execution, started_at)


async def _supervise(
    execution: _Execution, script: PreparedScript, spawned: SpawnedSandbox
) -> None:
    """Talk until the first of the script's end, the timeout, memory or exit concludes.

    Each racer ends only by concluding (or by an exception, which propagates), so
    the execution has an outcome whenever this returns.
    """
    process = spawned.process
    if spawned.booting is None or spawned.booting.is_set():
        _open(execution, script, await spawned.take_pipes())  # the start frame leaves now
    async with anyio.create_task_group() as output:
        execution.output = output.cancel_scope
        output.start_soon(pump, process.stderr, execution.stderr)
        async with anyio.create_task_group() as race:
            execution.race = race.cancel_scope
            race.start_soon(_deadline, execution)
            race.start_soon(_memory_guard, execution, process.pid)
            race.start_soon(lease_cpu, process.pid)  # ends only with the race
            race.start_soon(_exit_guard, execution, process)
            race.start_soon(_session, execution, script, spawned, race)
        kill_group(process)  # (_finish stopped reading output if the script ended itself)


async def _deadline(execution: _Execution) -> None:
    limit = execution.settings.limits.timeout_s
    await anyio.sleep(max(0.0, limit - (time.perf_counter() - execution.started)))
    execution.fail("timeout", f"the script ran longer than timeout_s ({limit:g} s) and was stopped")


async def _memory_guard(execution: _Execution, pid: int) -> None:
    limit_mb = execution.settings.limits.memory_mb
    rss = await watch_memory(pid, (limit_mb + RUNTIME_ALLOWANCE_MB) * MiB)
    execution.fail(
        "memory",
        f"the sandbox used {rss // MiB} MiB, over memory_mb ({limit_mb} MiB plus "
        f"{RUNTIME_ALLOWANCE_MB} MiB for the runtime), and was stopped",
    )


async def _exit_guard(execution: _Execution, process: SandboxProcess) -> None:
    code = await process.wait()
    if execution.channel is not None:
        with anyio.move_on_after(EXIT_GRACE_S):
            await execution.stream_closed.wait()
            await anyio.sleep(0)
    if execution.outcome is not None:
        return
    stderr = execution.stderr.text()
    if code in HEAP_LIMIT_EXIT_CODES or "heap limit" in stderr or "out of memory" in stderr:
        execution.fail(
            "memory",
            f"the script ran out of memory (V8 heap limit, memory_mb "
            f"{execution.settings.limits.memory_mb}) and was stopped",
        )
        return
    if code == -signal.SIGXCPU:
        execution.fail(
            "internal",
            "the sandbox process used its CPU lease up and was ended: the host renews the "
            "lease while its event loop runs, and the loop was blocked for seconds",
        )
        return
    tail = stderr.strip().splitlines()[-3:]
    detail = f": {' | '.join(tail)}" if tail else ""
    execution.fail(
        "internal",
        f"the sandbox process exited with code {code} before the script finished{detail}",
    )


async def _session(
    execution: _Execution,
    script: PreparedScript,
    spawned: SpawnedSandbox,
    race: anyio.abc.TaskGroup,
) -> None:
    limits = execution.settings.limits
    channel = execution.channel
    if channel is None:  # not opened before the race: a spare still booting
        channel = _open(execution, script, await spawned.take_pipes())
    await channel.flush()  # a start frame longer than the pipe holds
    execution.dispatcher = ToolDispatcher(
        execution.settings.toolbox,
        channel,
        concurrency=limits.tool_concurrency,
        approve=execution.settings.approve,
        emit=execution.emit,
        clock_ms=execution.now_ms,
        budget=execution.tool_data,
        calls=execution.tool_calls,
        max_calls=limits.max_tool_calls,
        decode=lambda line: decode_frame(line, execution.seal),
        live=execution.on_event is not None,
    )
    execution.dispatcher.start(race)
    try:
        await channel.serve(partial(_on_frame, execution, script))
    except FrameTooLarge as exc:
        execution.fail("internal", str(exc))
    finally:
        execution.stream_closed.set()


def _on_frame(execution: _Execution, script: PreparedScript, line: bytes | bytearray) -> bool:
    """Act on one frame from the sandbox, as it is read; False once the session is over."""
    if execution.outcome is not None:
        return False
    if not execution.ready_seen:
        execution.ready_seen = True
        if line == READY_LINE:  # the prelude's, before any frame: it has booted
            return True
    limits = execution.settings.limits
    dispatcher = execution.dispatcher
    assert dispatcher is not None
    try:
        frame = decode_frame(line, execution.seal)
    except ProtocolError as exc:
        execution.fail("internal", str(exc))
        return False
    except ScriptValueError as exc:
        execution.fail(exc.kind, str(exc))
        return False
    dispatcher.drain()  # calls started or answered on threads before this frame come first
    if isinstance(frame, ToolCallFrame):
        if len(execution.tool_calls) >= limits.max_tool_calls:
            execution.fail(
                "limit",
                f"the script made more than max_tool_calls ({limits.max_tool_calls}) tool calls",
            )
            return False
        arguments = frame.params.args
        call = ToolCallRecord(
            id=frame.id,
            name=frame.params.name,
            arguments=execution.tool_data.keep(arguments, len(line)),
            started_ms=execution.now_ms(),
        )
        del frame, line  # the call holds the arguments until it is answered
        execution.tool_calls.append(call)
        if execution.on_event is not None:  # the event is a snapshot: made only if seen
            execution.emit(ToolCallStarted(call))
        dispatcher.submit(call, arguments)
    elif isinstance(frame, ConsoleFrame):
        entry = ConsoleEntry(
            level=frame.params.level, text=frame.params.text, t_ms=execution.now_ms()
        )
        execution.emit(ConsoleEvent(execution.console.add(entry)))
    elif isinstance(frame, FinalFrame):
        _finish(execution, script, frame)
    elif isinstance(frame, StartedFrame):
        execution.timings.started_ms = execution.now_ms()
    return execution.outcome is None


def _open(execution: _Execution, script: PreparedScript, pipes: tuple[int, int]) -> FrameChannel:
    """Open the channel over the sandbox's pipes and write the start frame (the script and
    limits) as far as the pipe takes it; the sandbox reads it once it has booted."""
    limits = execution.settings.limits
    frames, replies = pipes
    channel = FrameChannel(
        frames,
        replies,
        max_frame_bytes=max_frame_bytes(limits, session=execution.session is not None),
    )
    execution.channel = channel
    seal = secrets.token_hex(SEAL_BYTES)
    execution.seal = seal.encode()
    start = StartFrame(
        params=StartParams(
            module=script.module_url,
            source=script.classic,
            max_result_bytes=limits.max_result_bytes,
            line_cap=line_cap(limits.max_output_bytes),
            error_cap=error_cap(limits),
            cut_marker=CUT_MARKER,
            max_json_depth=MAX_JSON_DEPTH,
            fuel=limits.fuel,
            fuel_per_tool_call=limits.fuel_per_tool_call,
            tools=execution.settings.toolbox.names,
            seal=seal,
            session=None
            if execution.session is None
            else SessionStart(
                carried=execution.session.carried_json(), max_state_bytes=limits.max_state_bytes
            ),
        )
    )
    channel.send_nowait(encode_frame(start))
    return channel


def _finish(execution: _Execution, script: PreparedScript, frame: FinalFrame) -> None:
    params = frame.params
    execution.ended_by_frame = execution.outcome is None
    if execution.ended_by_frame and execution.output is not None:
        # nothing more worth reading: stop with the racers, without waiting for the exit
        execution.output.cancel()
    if params.status == "ok":
        execution.conclude(
            _Outcome(
                result=params.result,
                final_answer=params.final_answer,
                fuel_used=params.fuel_used,
                state=params.state,
            )
        )
        return
    payload = params.error
    if payload is None:
        execution.fail("internal", "the sandbox reported an error without details")
        return
    mapped = map_error(script, payload.message, payload.stack)
    kind = payload.kind if payload.kind in _SCRIPT_KINDS else "runtime"
    name = payload.name or None
    message = mapped.message
    if name and kind == "runtime" and not message.startswith(name):
        message = f"{name}: {message}" if message else name
    execution.conclude(
        _Outcome(
            error=ErrorInfo(
                kind=kind,  # type: ignore[arg-type]
                message=message,
                name=name,
                line=mapped.line,
                column=mapped.column,
                stack=mapped.stack,
            ),
            fuel_used=params.fuel_used,
            state=params.state,
        )
    )


_SCRIPT_KINDS = {"syntax", "runtime", "tool", "fuel", "limit", "internal"}
"""Kinds the worker reports; the host alone observes timeouts, memory and cancellation."""


def _versions(settings: ExecutionSettings) -> Versions:
    version = settings.deno_version
    return Versions(
        tsact=__version__, deno=version.deno, v8=version.v8, typescript=version.typescript
    )


def type_error_record(
    source: str, settings: ExecutionSettings, error: ErrorInfo, *, duration_ms: float
) -> ExecutionRecord:
    """The record of a script refused by the type checker: nothing ran, no tool was called."""
    return ExecutionRecord(
        id=uuid.uuid4().hex,
        source=source,
        status="error",
        error=error,
        duration_ms=round(duration_ms, 3),
        timings=Timings(prepare_ms=round(duration_ms, 3), finished_ms=round(duration_ms, 3)),
        limits=settings.limits,
        versions=_versions(settings),
        started_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
    )


def _build_record(execution: _Execution, started_at: str) -> ExecutionRecord:
    outcome = execution.outcome
    assert outcome is not None  # a refused script failed; _supervise returns concluded
    return ExecutionRecord(
        id=execution.record_id,
        source=execution.source,
        status="ok" if outcome.error is None else "error",
        result=outcome.result,
        final_answer=outcome.final_answer,
        error=outcome.error,
        console=execution.console.entries(),
        tool_calls=execution.tool_calls,
        stdout="",  # the process's stdout carries its frames
        stderr=execution.stderr.text(),
        fuel_used=outcome.fuel_used,
        state=None
        if execution.session is None
        else execution.session.absorb(outcome.state, execution.settings.limits.max_state_bytes),
        duration_ms=execution.now_ms(),
        timings=execution.timings,
        limits=execution.settings.limits,
        versions=_versions(execution.settings),
        started_at=started_at,
    )
