"""What tools print never reaches the JSON on stdout, and is kept with the call."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import anyio

from tsact import Sandbox
from tsact._tools.prints import PrintRouter, capturing_prints, routers
from tsact.cli.tools_file import load_tools

from .helpers import REPO, run_cli

sys.path.insert(0, str(REPO / "tests" / "agent"))
from fake_openai import FakeOpenAI, code, text

TOOLS = str(Path(__file__).with_name("printing_tools.py"))
SCRIPT = (
    "const a = await external_shout({ word: 'Hi' });\n"
    "const b = await external_whisper({ word: 'Yo' });\n"
    "console.log(a, b);\n"
    "return [a, b];"
)


def test_exec_json_stdout_holds_the_record_alone(tmp_path: Path) -> None:
    script = tmp_path / "s.ts"
    script.write_text(SCRIPT)
    done = run_cli("exec", str(script), "--tools", TOOLS, "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)  # the whole of stdout is the record
    assert record["result"] == ["HI", "yo"]
    assert "loading printing_tools" in done.stderr
    # each tool's prints are in its call's record, or on stderr, never in the JSON stream
    recorded = "".join(call["printed"] or "" for call in record["tool_calls"])
    for printed in ("shout was called with Hi", "a warning on stderr", "whisper was called"):
        assert printed in recorded or printed in done.stderr


def test_run_json_stdout_holds_the_run_alone() -> None:
    with FakeOpenAI([code(SCRIPT), text("done")]) as fake:
        done = run_cli(
            "run", "Go.", "--tools", TOOLS, "--base-url", fake.url, "--json", "--no-typecheck"
        )
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert run["status"] == "final_answer"
    assert run["steps"][0]["record"]["result"] == ["HI", "yo"]


def test_concurrent_calls_each_keep_their_own_prints() -> None:
    """Threads (sync tools) and tasks (async tools) printing at once, each into its own
    buffer; a print outside any call goes where it always went."""
    stdout, _ = routers()
    assert isinstance(sys.stdout, PrintRouter)
    outside: list[str] = []
    kept: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def sync_call(name: str) -> None:
        with capturing_prints() as printed:
            barrier.wait(10)
            for index in range(50):
                print(f"{name} {index}")
            barrier.wait(10)
        kept[name] = printed.text()

    async def async_call(name: str, ready: anyio.Event, other: anyio.Event) -> None:
        with capturing_prints() as printed:
            ready.set()
            await other.wait()
            for index in range(50):
                print(f"{name} {index}")
                await anyio.sleep(0)
        kept[name] = printed.text()

    async def tasks() -> None:
        a, b = anyio.Event(), anyio.Event()
        async with anyio.create_task_group() as group:
            group.start_soon(async_call, "task-a", a, b)
            group.start_soon(async_call, "task-b", b, a)

    threads = [threading.Thread(target=sync_call, args=(f"thread-{n}",)) for n in "ab"]
    for thread in threads:
        thread.start()
    anyio.run(tasks)
    for thread in threads:
        thread.join(10)
    for name in ("thread-a", "thread-b", "task-a", "task-b"):
        assert kept[name] == "".join(f"{name} {index}\n" for index in range(50))

    class Sink:
        def write(self, text: str) -> int:
            outside.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    previous, stdout.fallback = stdout.fallback, Sink()  # type: ignore[assignment]
    try:
        print("not in a call")
    finally:
        stdout.fallback = previous
    assert "".join(outside) == "not in a call\n"


def test_a_calls_prints_are_capped() -> None:
    with capturing_prints(limit=10) as printed:
        print("x" * 25)
    assert printed.text() == "x" * 10 + "\n… 16 more characters not kept\n"


def test_the_record_holds_what_each_call_printed() -> None:
    sandbox = Sandbox(load_tools([TOOLS]))
    record = sandbox.run_sync(SCRIPT)
    assert record.ok, record.error
    shout, whisper = record.tool_calls
    assert shout.printed == "shout was called with Hi\na warning on stderr\n"
    assert whisper.printed == "whisper was called with Yo\n"
