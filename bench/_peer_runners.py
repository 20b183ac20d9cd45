"""One runner per peer of ``bench/peers.py``: how each runs one program, through its public API.

Each runner opens what its peer keeps between executions (tsact's prewarmed spare, Monty's
worker pool, the smolagents tools), then ``run`` executes one program the way that peer
isolates an execution, and ``run_all`` runs many at once the way that peer scales:
tasks on the event loop for the asynchronous APIs, threads for the blocking ones.
Host functions cross into JavaScript engines as JSON text: quickjs-ng and mini-racer
convert no lists or objects, and quickjs-rs converts them several times slower than it
passes a string (tsact, too, moves JSON).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from importlib import metadata
from typing import Any

import anyio
from _workloads import HOST_FUNCTIONS, Program

from tsact import Limits, Sandbox, tool

CONCURRENT_THREADS = 50


class Runner:
    """A peer: what it is, what isolation it gives, how it runs one program and many."""

    name = ""
    package = ""  # the PyPI distribution, for its version
    isolation = ""

    def version(self) -> str:
        return metadata.version(self.package)

    async def open(self, stack: AsyncExitStack) -> None:
        """Import the peer and start what it keeps between executions."""

    async def run(self, program: Program) -> Any:
        raise NotImplementedError

    async def run_all(self, programs: Sequence[Program]) -> list[Any]:
        results: list[Any] = [None] * len(programs)

        async def one(index: int) -> None:
            results[index] = await self.run(programs[index])

        async with anyio.create_task_group() as group:
            for index in range(len(programs)):
                group.start_soon(one, index)
        return results


class BlockingRunner(Runner):
    """A peer whose API blocks the caller: concurrent executions go to threads."""

    def run_blocking(self, program: Program) -> Any:
        raise NotImplementedError

    async def run(self, program: Program) -> Any:
        return self.run_blocking(program)

    async def run_all(self, programs: Sequence[Program]) -> list[Any]:
        limiter = anyio.CapacityLimiter(CONCURRENT_THREADS)
        results: list[Any] = [None] * len(programs)

        async def one(index: int) -> None:
            results[index] = await anyio.to_thread.run_sync(
                self.run_blocking, programs[index], limiter=limiter
            )

        async with anyio.create_task_group() as group:
            for index in range(len(programs)):
                group.start_soon(one, index)
        return results


def json_host(function: Callable[..., Any]) -> Callable[[str], str]:
    """The host function as a JavaScript engine binding calls it: JSON text in, JSON out."""

    def call(arguments: str) -> str:
        return json.dumps(function(**json.loads(arguments)))

    return call


def js_prelude(tools: Sequence[str], *, awaited: bool) -> str:
    """``external_<name>`` globals over the raw ``__host_<name>`` bindings, as tsact names them."""
    lines = []
    for name in tools:
        call = f"__host_{name}(JSON.stringify(a))"
        if awaited:
            call = f"(await {call})"
        keyword = "async " if awaited else ""
        lines.append(f"globalThis.external_{name} = {keyword}(a) => JSON.parse({call});")
    return "\n".join(lines)


def js_program(program: Program) -> str:
    """The script body as one JavaScript expression whose value is its result as JSON text.

    A body without ``await`` runs as a plain function, which spares the engine a promise
    and a trip through its job queue (the peers' best case); one with ``await`` runs as an
    async function and yields a promise of the JSON text.
    """
    if "await" in program.ts:
        return f"(async () => {{\n{program.ts}}})().then((value) => JSON.stringify(value))"
    return f"JSON.stringify((() => {{\n{program.ts}}})())"


class TsactRunner(Runner):
    name = "tsact"
    package = "tsact"
    isolation = "separate process per execution (Deno, permissions none, locked-down global scope)"

    async def open(self, stack: AsyncExitStack) -> None:
        tools = [tool(function) for function in HOST_FUNCTIONS.values()]
        limits = Limits(timeout_s=300, max_tool_calls=1_000_000)
        self.sandbox = await stack.enter_async_context(Sandbox(tools, limits=limits))

    async def run(self, program: Program) -> Any:
        record = await self.sandbox.run(program.ts)
        if record.error is not None:
            raise RuntimeError(f"{record.error.kind}: {record.error.message}")
        return record.result


class MontyRunner(Runner):
    name = "pydantic-monty"
    package = "pydantic-monty-client"
    isolation = "separate process per execution (a monty worker recycled after one run)"

    async def open(self, stack: AsyncExitStack) -> None:
        import pydantic_monty

        # The pool keeps one worker booted; recycling each worker after one checkout gives
        # every execution a fresh process, as tsact does.
        pool = pydantic_monty.AsyncMonty(min_processes=1, max_checkouts_per_worker=1)
        self.pool = await stack.enter_async_context(pool)

    async def run(self, program: Program) -> Any:
        tools = {name: HOST_FUNCTIONS[name] for name in program.tools}
        async with self.pool.checkout(limits={"max_suspensions": 1_000_000}) as session:
            return await session.feed_run(program.py, external_lookup=tools)


class QuickJSRunner(BlockingRunner):
    name = "quickjs-ng"
    package = "quickjs-ng"
    isolation = "in-process interpreter, a new QuickJS runtime per execution"

    async def open(self, stack: AsyncExitStack) -> None:
        import quickjs

        self.quickjs = quickjs

    def run_blocking(self, program: Program) -> Any:
        context = self.quickjs.Context()
        for name in program.tools:
            context.add_callable(f"__host_{name}", json_host(HOST_FUNCTIONS[name]))
        if program.tools:
            context.eval(js_prelude(program.tools, awaited=False))
        if "await" not in program.ts:
            return json.loads(context.eval(js_program(program)))
        context.eval(
            f"{js_program(program)}.then((text) => {{ globalThis.__result = text; }},"
            " (error) => { globalThis.__error = String(error); });"
        )
        while context.execute_pending_job():
            pass
        error = context.get("__error")
        if error is not None:
            raise RuntimeError(error)
        return json.loads(context.get("__result"))


class MiniRacerRunner(Runner):
    name = "mini-racer"
    package = "mini-racer"
    isolation = "in-process V8 isolate, a new one per execution"

    async def open(self, stack: AsyncExitStack) -> None:
        from py_mini_racer import MiniRacer

        self.mini_racer = MiniRacer

    async def run(self, program: Program) -> Any:
        with self.mini_racer() as racer:
            async with AsyncExitStack() as bindings:
                if program.tools:
                    scope = racer.eval("globalThis")
                    for name in program.tools:
                        host = json_host(HOST_FUNCTIONS[name])

                        # mini-racer calls back into Python only through coroutines.
                        async def call(arguments: str, host: Callable[[str], str] = host) -> str:
                            return host(arguments)

                        wrapped = racer.wrap_py_function(call)  # type: ignore[arg-type]
                        scope[f"__host_{name}"] = await bindings.enter_async_context(wrapped)
                    racer.eval(js_prelude(program.tools, awaited=True))
                value = await racer.eval_cancelable(js_program(program))
                if "await" in program.ts:
                    value = await value  # type: ignore[misc]
                return json.loads(str(value))


class QuickJSWasmRunner(Runner):
    name = "quickjs-rs"
    package = "quickjs-rs"
    isolation = "in-process WebAssembly sandbox (wasmtime), a new one per execution"

    async def open(self, stack: AsyncExitStack) -> None:
        from quickjs_rs import Runtime

        self.runtime = Runtime

    async def run(self, program: Program) -> Any:
        with self.runtime() as runtime, runtime.new_context() as context:
            for name in program.tools:
                host = json_host(HOST_FUNCTIONS[name])
                context.register(f"__host_{name}", host, is_async=False)
            if program.tools:
                context.eval(js_prelude(program.tools, awaited=False) + "\nundefined;")
            if "await" in program.ts:
                return json.loads(await context.eval_async(f"await {js_program(program)}"))
            return json.loads(context.eval(js_program(program)))


class SmolagentsRunner(BlockingRunner):
    name = "smolagents"
    package = "smolagents"
    isolation = "in-process AST interpreter, no boundary (its docs: not a security sandbox)"

    async def open(self, stack: AsyncExitStack) -> None:
        from smolagents import tool as smol_tool
        from smolagents.local_python_executor import LocalPythonExecutor

        self.executor = LocalPythonExecutor
        self.tools = {name: smol_tool(function) for name, function in HOST_FUNCTIONS.items()}

    def run_blocking(self, program: Program) -> Any:
        # A new executor per execution: nothing carries from one program to the next.
        executor = self.executor(additional_authorized_imports=[])
        executor.send_tools({name: self.tools[name] for name in program.tools})
        return executor(program.py).output


RUNNERS: list[type[Runner]] = [
    TsactRunner,
    MontyRunner,
    QuickJSRunner,
    MiniRacerRunner,
    QuickJSWasmRunner,
    SmolagentsRunner,
]
