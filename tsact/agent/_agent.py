"""``Agent``: the public face of the loop, its configuration, and the ways to run it."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import os
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from typing import Any, Literal

import anyio
import openai

from tsact._records.events import Approver
from tsact._records.limits import Limits
from tsact._tools.catalog import SEARCH_DECLARATION, estimate_tokens
from tsact._tools.tool import Tool
from tsact._tools.toolbox import Toolbox

from .._sandbox import Sandbox
from .._sync import run_blocking
from ._events import AgentEvent, AgentEventHandler
from ._loop import Loop, LoopSettings
from ._model import ModelClient
from ._output import OutputSpec
from ._prompt import build_system_prompt
from ._records import AgentRun
from ._subagent import agent_tool

DEFAULT_MODEL_TIMEOUT = 180.0
"""Seconds one model call may take, retries included: several minutes of generation
from a slow model, not the SDK's 600 s per attempt times its retries."""

DEFAULT_DECLARATIONS_BUDGET = 8000
"""Tokens of declarations an agent's prompt holds before it lists tools instead: about
40 typical tools, a quarter of a small model's context window."""

OBSERVATION_CHARS = 4000
CATALOG_OBSERVATION_CHARS = 10_000
"""Room for what ``search_tools`` printed: a few full declarations."""

_RESERVED_SETTINGS = frozenset(
    {"model", "messages", "tools", "tool_choice", "stream", "stream_options", "n"}
)


class Agent:
    """A model that acts by writing TypeScript against your tools, until the task is done.

    Args:
        model: the model name at the endpoint (``"gpt-4o"``, ``"qwen2.5-coder"``...).
        tools: tools (``@tool``, ``Tool``) or plain functions the scripts can call.
        base_url, api_key: the OpenAI-compatible endpoint; by default the openai SDK reads
            ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY``. A server that needs no key
            (vLLM, Ollama, llama.cpp) works without one when a base URL is set.
        client: an ``openai.AsyncOpenAI`` to use instead of ``base_url``/``api_key``.
        timeout, max_retries: for the client tsact builds (per request; the SDK's retries
            apply to connection errors, 408/409/429 and 5xx).
        model_timeout: seconds one model call may take in all, retries included (180 by
            default; ``None``: no bound but the client's own). Past it the run ends with
            ``"error"`` and a message that names the timeout.
        instructions: text appended to the built-in system prompt.
        max_steps: model calls allowed per run.
        limits: per-execution limits of the sandbox.
        typecheck: type-check each script before it runs; type errors come back to the
            model as diagnostics.
        output_type: a type (pydantic model, dataclass, ``list[int]``...) the final answer
            must match; ``final_answer`` is declared with it and answers are validated on
            the host, the model being told what to fix.
        mode: ``"tools"`` gives the model one function tool, ``execute_typescript(code)``;
            ``"text"`` is for models without tool calling: fenced ``ts`` blocks run.
        approve: called for every call of a ``requires_approval`` tool with an
            ``ApprovalRequest``; returns (or awaits) ``True`` to let it run.
        sandbox: a ready ``Sandbox`` to use instead of ``tools``/``limits``/``approve``/
            ``typecheck``. Its ``output_type`` is the agent's, so that its type checks
            declare ``final_answer`` as the prompt does: give the type to the sandbox
            (an ``output_type`` given here too must be the same).
        model_settings: extra arguments of every chat completion request
            (``temperature``, ``max_tokens``, ``seed``...).
        stream: stream model replies; by default ``run_stream`` does and ``run`` does not.
        max_observation_chars: about how long an observation may be; longer parts are
            cut to head and tail. By default 4,000, and 10,000 in catalog mode, where a
            script prints the declarations ``search_tools`` found.
        declarations_budget: about how many tokens the tools' declarations may take in
            the prompt (estimated at 3.6 characters a token). Past it, catalog mode: the
            prompt lists each tool by name with a one-line summary, scripts get
            ``search_tools(query)`` for the full declarations of the best matches, and
            type checks still use every declaration. ``None`` always shows every
            declaration. A ``sandbox=`` needs ``tool_search=True`` for catalog mode.

    Use ``async with agent:`` around runs in a long-lived program: the sandbox then
    boots each next script's process while the model thinks, and the block's end stops
    the type checker (``agent.close()`` does that too).

    Raises:
        ValueError: bad arguments (unknown mode, ``max_steps < 1``, both ``client`` and
            ``base_url``, an ``output_type`` that is not JSON or not the sandbox's, no API
            key and no base URL).
    """

    def __init__(
        self,
        model: str,
        tools: Iterable[Tool | Callable[..., Any]] = (),
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        client: openai.AsyncOpenAI | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        model_timeout: float | None = DEFAULT_MODEL_TIMEOUT,
        instructions: str | None = None,
        max_steps: int = 8,
        limits: Limits | None = None,
        typecheck: bool = True,
        output_type: Any = None,
        mode: Literal["tools", "text"] = "tools",
        approve: Approver | None = None,
        sandbox: Sandbox | None = None,
        model_settings: Mapping[str, Any] | None = None,
        stream: bool | None = None,
        max_observation_chars: int | None = None,
        declarations_budget: int | None = DEFAULT_DECLARATIONS_BUDGET,
    ) -> None:
        if not isinstance(model, str) or not model.strip():
            raise ValueError("model must be a non-empty model name, such as 'gpt-4o'")
        if mode not in ("tools", "text"):
            raise ValueError(f"mode must be 'tools' or 'text', got {mode!r}")
        if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
            raise ValueError(f"max_steps must be an integer >= 1, got {max_steps!r}")
        if max_observation_chars is not None and (
            not isinstance(max_observation_chars, int) or max_observation_chars < 200
        ):
            raise ValueError(
                f"max_observation_chars must be an integer >= 200, got {max_observation_chars!r}"
            )
        if declarations_budget is not None and (
            isinstance(declarations_budget, bool)
            or not isinstance(declarations_budget, int)
            or declarations_budget < 0
        ):
            raise ValueError(
                f"declarations_budget must be an integer >= 0 or None, got {declarations_budget!r}"
            )
        if model_timeout is not None and (
            isinstance(model_timeout, bool)
            or not isinstance(model_timeout, (int, float))
            or not model_timeout > 0
        ):
            raise ValueError(f"model_timeout must be > 0 seconds or None, got {model_timeout!r}")
        if instructions is not None and not isinstance(instructions, str):
            raise ValueError("instructions must be a string")
        settings = dict(model_settings or {})
        reserved = sorted(_RESERVED_SETTINGS.intersection(settings))
        if reserved:
            raise ValueError(f"model_settings cannot set {', '.join(reserved)}: tsact sets them")
        tools = list(tools)
        if sandbox is not None:
            if tools or limits is not None or approve is not None:
                raise ValueError("pass either sandbox= or tools/limits/approve, not both")
            if not isinstance(sandbox, Sandbox):
                raise ValueError(f"sandbox must be a tsact.Sandbox, got {type(sandbox).__name__}")
            output_type = _sandbox_output_type(sandbox, output_type)
        self.model = model
        self.mode: Literal["tools", "text"] = mode
        self.max_steps = max_steps
        self.instructions = instructions
        self.output_type = output_type
        self.stream = stream
        self.max_observation_chars = (
            max_observation_chars if max_observation_chars is not None else OBSERVATION_CHARS
        )
        self._output = OutputSpec(output_type) if output_type is not None else None

        if sandbox is not None:
            self.sandbox = sandbox
            self.typecheck = sandbox.typecheck
        else:
            over = declarations_budget is not None and _over_budget(
                Toolbox(tools).declarations(output_type=output_type), declarations_budget
            )
            self.sandbox = Sandbox(
                tools,
                limits=limits,
                approve=approve,
                typecheck=typecheck,
                output_type=output_type,
                tool_search=over,
            )
            self.typecheck = typecheck
        self.limits = self.sandbox.limits

        if client is not None:
            if base_url is not None or api_key is not None:
                raise ValueError("pass either client= or base_url/api_key, not both")
            if timeout is not None or max_retries is not None:
                raise ValueError("timeout and max_retries are set on the client you pass")
            self.client = client
        else:
            self.client = _build_client(base_url, api_key, timeout, max_retries)
        self.model_timeout = model_timeout
        self._model = ModelClient(self.client, model, settings, total_timeout=model_timeout)
        self.last_run: AgentRun | None = None
        """The run this agent started last: in progress, finished, or cancelled (a
        cancelled ``run`` raises, and its partial run is here)."""
        self.declarations_budget = declarations_budget
        declarations = self.sandbox.declarations(output_type=output_type)
        self.catalog_mode = False
        """True when the prompt lists the tools instead of declaring them."""
        catalog: tuple[int, str] | None = None
        if (
            self.sandbox.tool_search
            and declarations_budget is not None
            and _over_budget(declarations, declarations_budget)
        ):
            self.catalog_mode = True
            if max_observation_chars is None:
                self.max_observation_chars = CATALOG_OBSERVATION_CHARS
            declarations = Toolbox().declarations(output_type=output_type)
            declarations += "\n" + SEARCH_DECLARATION
            listing = self.sandbox.catalog.listing(declarations_budget // 4)
            catalog = (len(self.sandbox.toolbox), listing)
        self.system_prompt = build_system_prompt(
            declarations,
            mode=mode,
            typed_output=output_type is not None,
            instructions=instructions,
            typecheck=self.sandbox.typecheck,
            catalog=catalog,
        )

    def _settings(self) -> LoopSettings:
        return LoopSettings(
            model=self._model,
            sandbox=self.sandbox,
            mode=self.mode,
            system_prompt=self.system_prompt,
            max_steps=self.max_steps,
            output=self._output,
            max_observation_chars=self.max_observation_chars,
        )

    @staticmethod
    def _check_task(task: object) -> str:
        if not isinstance(task, str) or not task.strip():
            raise ValueError("the task must be a non-empty string")
        return task

    async def run(self, task: str, *, on_event: AgentEventHandler | None = None) -> AgentRun:
        """Solve ``task``; returns the run, whatever happened (see ``AgentRun.status``).

        ``on_event`` (a plain function) receives the events ``run_stream`` would yield.
        Cancelling the awaiting task stops the model call or kills the running script,
        and re-raises; the partial run, with status ``"cancelled"`` and every step that
        finished, is ``agent.last_run`` (and the ``RunFinished`` event's).
        """
        self._check_task(task)
        emit: AgentEventHandler = on_event if on_event is not None else _ignore
        stream = bool(self.stream)
        loop = Loop(self._settings(), task, emit, stream)
        self.last_run = loop.run
        return await loop.drive()

    def run_sync(self, task: str, *, on_event: AgentEventHandler | None = None) -> AgentRun:
        """``run`` for code that is not async: on a new event loop, this thread's, or a
        helper thread's when this thread already runs one (a notebook, an async caller)."""
        return run_blocking(functools.partial(self.run, task, on_event=on_event))

    async def run_stream(self, task: str) -> AsyncGenerator[AgentEvent, None]:
        """Solve ``task``, yielding events as they happen; the last one is ``RunFinished``.

        Model text streams in as ``ModelTextDelta`` and console lines arrive while the
        script runs. Leaving the loop early stops the run (its model call or script) when
        the generator is closed: at once with ``contextlib.aclosing(agent.run_stream(...))``,
        else when it is garbage-collected.
        """
        self._check_task(task)
        stream = True if self.stream is None else self.stream
        send, receive = anyio.create_memory_object_stream[AgentEvent](math.inf)

        def emit(event: AgentEvent) -> None:
            # once the consumer has left, the run is being stopped: drop its events
            with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                send.send_nowait(event)

        loop = Loop(self._settings(), task, emit, stream)
        self.last_run = loop.run

        async def produce() -> None:
            with send:
                await loop.drive()

        try:
            running = asyncio.get_running_loop()
        except RuntimeError:  # another backend (trio): a task group is all there is
            async with anyio.create_task_group() as group:
                group.start_soon(produce)
                with receive:
                    async for event in receive:
                        yield event
            return
        task_ = running.create_task(produce())
        try:
            with receive:
                async for event in receive:
                    yield event
            await task_
        finally:
            if not task_.done():
                task_.cancel()
                with anyio.CancelScope(shield=True):
                    await asyncio.wait([task_])

    async def __aenter__(self) -> Agent:
        """Open the agent's sandbox for the block: each next script's process boots while
        the model thinks, and the type checker stays warm across runs. Runs work without
        this too, only with a cold start per script."""
        await self.sandbox.__aenter__()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the sandbox: stop the spare process and the type checker."""
        await self.sandbox.__aexit__(*exc_info)

    def close(self) -> None:
        """Stop the sandbox's type checker, if one was started (``async with`` does this)."""
        self.sandbox.close()

    def as_tool(self, *, name: str, description: str, requires_approval: bool = False) -> Tool:
        """This agent as a tool another agent's script calls as ``external_<name>({task})``.

        The result is this agent's answer (typed by its ``output_type``); a run without
        an answer fails the call with a ``ToolError``.
        """
        return agent_tool(
            self, name=name, description=description, requires_approval=requires_approval
        )

    def __repr__(self) -> str:
        tools = ", ".join(item.name for item in self.sandbox.tools)
        return f"Agent(model={self.model!r}, mode={self.mode!r}, tools=[{tools}])"


def _over_budget(declarations: str, budget: int) -> bool:
    return estimate_tokens(declarations) > budget


def _ignore(event: AgentEvent) -> None:
    return None


def _sandbox_output_type(sandbox: Sandbox, output_type: Any) -> Any:
    """The output type of an agent on ``sandbox``: the sandbox's, which declares
    ``final_answer`` in its type checks; a different one would be checked against the
    wrong declaration, so it is refused."""
    if output_type is None or output_type == sandbox.output_type:
        return sandbox.output_type
    raise ValueError(
        f"output_type={output_type!r} differs from the sandbox's output_type="
        f"{sandbox.output_type!r}: give the type to the sandbox, "
        "Sandbox(..., output_type=...), and leave it out of Agent(...) or make it the same"
    )


def _build_client(
    base_url: str | None, api_key: str | None, timeout: float | None, max_retries: int | None
) -> openai.AsyncOpenAI:
    options: dict[str, Any] = {}
    if timeout is not None:
        if not timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout!r}")
        options["timeout"] = timeout
    if max_retries is not None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries!r}")
        options["max_retries"] = max_retries
    if api_key is None and not os.environ.get("OPENAI_API_KEY"):
        if base_url is None and not os.environ.get("OPENAI_BASE_URL"):
            raise ValueError(
                "no model endpoint: pass base_url= and api_key= (or client=), or set "
                "OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI's)"
            )
        api_key = "unused"  # local servers need none, but the SDK requires one
    return openai.AsyncOpenAI(base_url=base_url, api_key=api_key, **options)
