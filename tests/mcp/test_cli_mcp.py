"""The CLI and MCP: ``--mcp`` beside ``--tools``, and ``tsact mcp serve`` driven by the
SDK's own client over stdio and over streamable HTTP on loopback."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from typer.testing import CliRunner, Result

from tests.cli.helpers import (
    MATH_TOOLS,
    REPO,
    WIDE,
    assert_input_error,
    cli_env,
    invoke,
    scripted_server_module,
)
from tests.leaks import child_pids, tsact_temp_dirs
from tsact.cli import app

from .conftest import PYTHON, WEATHER

WEATHER_CMD = shlex.join([PYTHON, WEATHER])


def test_exec_runs_a_script_over_mcp_and_local_tools(tmp_path: Path) -> None:
    script = tmp_path / "task.ts"
    script.write_text(
        "const n = await external_alerts_count({ state: 'CA' });\n"
        "return await external_AddNumbers({ a: n, b: 1 });\n"
    )
    result = invoke(["exec", str(script), "--tools", MATH_TOOLS, "--mcp", WEATHER_CMD, "--json"])
    assert result.exit_code == 0, result.stdout
    record = json.loads(result.stdout)
    assert record["result"] == 7
    assert [call["name"] for call in record["tool_calls"]] == ["alerts_count", "AddNumbers"]


def test_types_and_check_read_mcp_servers(tmp_path: Path) -> None:
    result = invoke(["types", "--mcp", f"wx={WEATHER_CMD}"])
    assert result.exit_code == 0, result.stdout
    assert "declare function external_wx_get_forecast(" in result.stdout
    assert "declare function external_wx_alerts_count(" in result.stdout
    script = tmp_path / "bad.ts"
    script.write_text("await external_get_forecast({ town: 'Hue' });\n")
    checked = invoke(["check", str(script), "--mcp", WEATHER_CMD])
    assert checked.exit_code == 1
    assert "'town' does not exist" in checked.stdout


def test_a_bad_mcp_command_is_one_clear_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tsact.cli", "types", "--mcp", "/nonexistent/server"],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert_input_error(done.stderr, done.returncode, "could not be used: No such file")
    unbalanced = invoke(["types", "--mcp", "python 'oops"])
    assert unbalanced.exit_code == 2


def _serve_pid() -> int:
    """The ``tsact mcp serve`` process this test process started (the newest one)."""
    found = [
        pid for pid in child_pids() if b"mcp\x00serve" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert found, "no tsact mcp serve process"
    return max(found)


def serve_parameters(*args: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=PYTHON,
        args=["-m", "tsact.cli", "mcp", "serve", *args],
        env={"PYTHONPATH": str(REPO)},
        cwd=str(REPO),
    )


@pytest.mark.anyio
async def test_serve_over_stdio() -> None:
    parameters = serve_parameters(
        "--tools", MATH_TOOLS, "--mcp", WEATHER_CMD, "--timeout", "3", "--fuel", "1000000"
    )
    async with Client(parameters) as client:
        server = _serve_pid()
        (tool,) = (await client.list_tools()).tools
        assert tool.name == "execute_typescript"
        assert tool.description is not None
        assert "declare function external_AddNumbers(" in tool.description
        assert "declare function external_get_forecast(" in tool.description
        assert "Limits per script: 3 s" in tool.description

        ok = await client.call_tool(
            "execute_typescript",
            {
                "code": "const f = await external_get_forecast({ city: 'Hue', days: 1 });\n"
                "console.log(f.city);\n"
                "return await external_AddNumbers({ a: f.periods[0].temp_c, b: 1 });"
            },
        )
        assert not ok.is_error
        assert ok.structured_content == {"status": "ok", "result": 21, "error": None}
        text = ok.content[0].text  # type: ignore[union-attr]
        assert text.startswith("The script ran without error (2 tool calls).")
        assert "Console:\nHue" in text and "Returned:\n21" in text

        typed = await client.call_tool(
            "execute_typescript", {"code": "await external_AddNumbers({ a: 1 });"}
        )
        assert typed.is_error
        assert typed.structured_content is not None
        assert typed.structured_content["error"]["kind"] == "type"

        runaway = await client.call_tool("execute_typescript", {"code": "while (true) {}"})
        assert runaway.is_error
        assert runaway.structured_content is not None
        assert runaway.structured_content["error"]["kind"] in ("fuel", "timeout")

        after = await client.call_tool("execute_typescript", {"code": "return 1 + 1;"})
        assert after.structured_content == {"status": "ok", "result": 2, "error": None}
    # the client hung up: the server removed its sandboxes' (and checker's) directories
    assert tsact_temp_dirs(server) == set()


@pytest.mark.anyio
async def test_serve_uses_catalog_mode_past_the_budget() -> None:
    parameters = serve_parameters("--mcp", WEATHER_CMD, "--declarations-budget", "0")
    async with Client(parameters) as client:
        (tool,) = (await client.list_tools()).tools
        assert tool.description is not None
        assert "declare function external_get_forecast(" not in tool.description
        assert "external_get_forecast" in tool.description
        assert "search_tools(query: string)" in tool.description
        found = await client.call_tool(
            "execute_typescript", {"code": "return await search_tools('forecast city');"}
        )
        assert found.structured_content is not None
        assert "declare function external_get_forecast(" in found.structured_content["result"]


@pytest.mark.anyio
async def test_serve_over_streamable_http() -> None:
    command = ["-m", "tsact.cli", "mcp", "serve", "--tools", MATH_TOOLS, "--http", "127.0.0.1:0"]
    process = subprocess.Popen(
        [PYTHON, *command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
        cwd=REPO,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()  # written once the socket listens
        assert line.startswith("tsact: serving MCP at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].strip()
        async with Client(url) as client:
            result = await client.call_tool(
                "execute_typescript",
                {"code": "return await external_MultiplyNumbers({ a: 6, b: 7 });"},
            )
        assert result.structured_content == {"status": "ok", "result": 42, "error": None}
        assert tsact_temp_dirs(process.pid) != set()  # a spare is ready for the next call
    finally:
        process.terminate()  # SIGTERM, as a process manager stops a server
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()
    assert process.returncode == 0
    assert tsact_temp_dirs(process.pid) == set()  # stopped like Ctrl-C: spares removed


def test_the_weather_example_runs_over_its_mcp_server() -> None:
    server = shlex.join([PYTHON, str(REPO / "examples" / "weather_server.py")])
    script = str(REPO / "examples" / "weather_task.ts")
    result = invoke(["exec", script, "--mcp", server, "--typecheck", "--json"])
    assert result.exit_code == 0, result.stdout
    record = json.loads(result.stdout)
    assert record["result"] == {
        "city": "Ho Chi Minh City",
        "date": "2026-12-03",
        "high_c": 33,
        "alerts": 1,
    }
    assert record["console"][0]["text"] == "4 cities checked"


def test_run_gives_the_agent_mcp_tools() -> None:
    server_module = scripted_server_module()
    reply = server_module.code(
        "const n = await external_alerts_count({ state: 'TX' });\nfinal_answer(n * 2);"
    )
    with server_module.ScriptedOpenAI([reply]) as server:
        result = invoke_with_env(
            ["run", "How many alerts, doubled?", "--mcp", WEATHER_CMD, "--json"],
            {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "sk-test"},
        )
        requests = server.requests
    assert result.exit_code == 0, result.stdout
    run = json.loads(result.stdout)
    assert run["status"] == "final_answer" and run["output"] == 12
    system = requests[0]["messages"][0]["content"]
    assert "declare function external_alerts_count(" in system


def invoke_with_env(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(
        app, args, env={**WIDE, **env}, catch_exceptions=False, prog_name="tsact"
    )
