"""MCPTools against a real MCP server (the SDK's own server, over stdio and HTTP)."""

from __future__ import annotations

import json

import pytest

from tsact import Limits, Sandbox, ToolDefinitionError, ToolError
from tsact.mcp import MCPServerError, MCPTools, tool_identifier

from .conftest import PYTHON, WEATHER

pytestmark = pytest.mark.anyio


def weather(**options: object) -> MCPTools:
    return MCPTools.stdio(PYTHON, [WEATHER], **options)  # type: ignore[arg-type]


def test_identifiers_are_deterministic_and_valid() -> None:
    assert tool_identifier("alerts.count") == "alerts_count"
    assert tool_identifier("get-forecast", "weather") == "weather_get_forecast"
    assert tool_identifier("a..b--c") == "a_b_c"
    assert tool_identifier("3d.render") == "_3d_render"
    assert tool_identifier("class") == "class_"
    assert tool_identifier("__tsact_x") == "x__tsact_x"
    assert tool_identifier("météo") == "m_t_o"


async def test_tools_are_listed_with_identifier_names() -> None:
    async with weather() as server:
        assert server.names == {
            "get_forecast": "get-forecast",
            "alerts_count": "alerts.count",
            "shout": "shout",
            "radar": "radar",
            "station": "station",
            "crash": "crash",
            "stall": "stall",
        }
        assert server.server_name == "weather"
        declarations = Sandbox(server.tools).declarations()
    assert "declare function external_get_forecast(args: {" in declarations
    assert "City name, such as 'Hue'" in declarations
    # the wrapped int is declared as the number itself
    assert (
        "declare function external_alerts_count(args: {\n  state: string;\n}): Promise<number>;"
        in declarations
    )


async def test_prefix_namespaces_and_collisions_are_refused() -> None:
    async with weather(prefix="wx", include=["get-forecast"]) as server:
        assert server.names == {"wx_get_forecast": "get-forecast"}
    with pytest.raises(ToolDefinitionError, match=r"'a\.b' and 'a-b' both become external_a_b"):
        async with MCPTools.stdio(PYTHON, [WEATHER, "--collide"]):
            pass
    async with MCPTools.stdio(PYTHON, [WEATHER, "--collide"], exclude=["a-b"]) as server:
        assert "a_b" in server.names
    with pytest.raises(ValueError, match="prefix"):
        weather(prefix="9x")


async def test_structured_text_and_content_results() -> None:
    script = """
    const forecast = await external_get_forecast({ city: "Hue" });
    const alerts = await external_alerts_count({ state: "CA" });
    const loud = await external_shout({ text: "quiet" });
    const radar = await external_radar({ city: "Hue" });
    return { forecast, alerts, loud, radar };
    """
    async with weather() as server:
        record = await Sandbox(server.tools, typecheck=True).run(script)
    assert record.status == "ok", record.error
    assert record.result == {
        "forecast": {
            "city": "Hue",
            "periods": [{"name": "day 1", "temp_c": 20.0}, {"name": "day 2", "temp_c": 21.0}],
        },
        "alerts": 6,
        "loud": "QUIET",
        "radar": [
            {"type": "text", "text": "radar over Hue"},
            {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"},
        ],
    }


async def test_arguments_are_checked_on_the_host_before_the_call() -> None:
    script = """
    const errors = [];
    for (const args of [{ city: 3 }, { town: "Hue" }, { city: "Hue", extra: 1 }]) {
      try {
        await external_get_forecast(args as any);
      } catch (e) {
        errors.push(`${e.code}: ${e.message}`);
      }
    }
    return errors;
    """
    async with weather() as server:
        record = await Sandbox(server.tools).run(script)
    assert record.status == "ok", record.error
    assert len(record.result) == 3
    assert all(line.startswith("validation: ") for line in record.result)
    assert "3 is not of type 'string'" in record.result[0]
    assert "'city' is a required property" in record.result[1]
    assert "'extra' was unexpected" in record.result[2]
    # none reached the server: each failed before the call
    assert all(call.error_code == "validation" for call in record.tool_calls)


async def test_tool_errors_carry_the_servers_message() -> None:
    script = """
    try { await external_station({ code: "XYZ" }); } catch (e) { return [e.code, e.message]; }
    """
    async with weather() as server:
        record = await Sandbox(server.tools).run(script)
    assert record.status == "ok", record.error
    code, message = record.result
    assert code == "tool"
    assert "no station 'XYZ'; known stations: HUE1, HAN2" in message


async def test_type_checks_use_the_mcp_schemas() -> None:
    async with weather() as server:
        sandbox = Sandbox(server.tools)
        diagnostics = await sandbox.check(
            'const f = await external_get_forecast({ city: "Hue", dayz: 2 });\n'
            "const t: string = f.periods[0].temp_c;\n",
            include_notes=True,
        )
        sandbox.close()
    [wrong_argument, own_annotation] = diagnostics
    assert wrong_argument.blocking and "dayz" in wrong_argument.message
    assert not own_annotation.blocking  # the script's own annotation: a note
    assert "'number' is not assignable to type 'string'" in own_annotation.message


async def test_a_server_dying_mid_call_is_a_tool_error_then_a_clear_error() -> None:
    async with weather() as server:
        sandbox = Sandbox(server.tools, limits=Limits(timeout_s=60))
        record = await sandbox.run(
            'try { await external_crash({ reason: "test" }); } catch (e) { return e.message; }'
        )
        assert record.status == "ok", record.error
        assert "is gone" in record.result and "closed the connection" in record.result
        again = await sandbox.run('return await external_shout({ text: "x" });')
        assert again.status == "error"
        assert again.error is not None and again.error.kind == "tool"
        assert "is gone" in again.error.message


async def test_a_stalled_server_is_bounded_by_the_execution_timeout() -> None:
    async with weather() as server:
        sandbox = Sandbox(server.tools, limits=Limits(timeout_s=1.5))
        record = await sandbox.run("return await external_stall({ seconds: 600 });")
    assert record.status == "error"
    assert record.error is not None and record.error.kind == "timeout"


async def test_call_timeout_outside_a_sandbox() -> None:
    async with weather(call_timeout_s=0.5) as server:
        stall = next(item for item in server.tools if item.name == "stall")
        with pytest.raises(ToolError, match=r"did not answer 'stall' within 0\.5 s"):
            await stall.fn({"seconds": 600})


async def test_a_command_that_cannot_start_is_a_clear_error() -> None:
    with pytest.raises(MCPServerError, match="could not be used"):
        async with MCPTools.stdio("/nonexistent/server-binary"):
            pass
    with pytest.raises(MCPServerError, match="did not start and list its tools within 1 s"):
        async with MCPTools.stdio(
            PYTHON, ["-c", "import sys; sys.stdin.read()"], connect_timeout_s=1
        ):
            pass


def test_sync_block_and_run_sync() -> None:
    with weather() as server:
        record = Sandbox(server.tools).run_sync(
            'return await external_alerts_count({ state: "NY" });'
        )
    assert record.status == "ok", record.error
    assert record.result == 6


async def test_calls_after_the_block_fail_clearly() -> None:
    async with weather() as server:
        tools = server.tools
    record = await Sandbox(tools).run('return await external_shout({ text: "x" });')
    assert record.status == "error" and record.error is not None
    assert "its MCPTools block has ended" in record.error.message


async def test_streamable_http_with_headers(weather_http: str) -> None:
    async with MCPTools.http(weather_http, headers={"Authorization": "Bearer secret"}) as server:
        record = await Sandbox(server.tools).run(
            'const f = await external_get_forecast({ city: "Hanoi", days: 1 });\n'
            "return [f.city, await external_alerts_count({ state: 'WA' })];"
        )
    assert record.status == "ok", record.error
    assert record.result == ["Hanoi", 6]
    with pytest.raises(MCPServerError):
        async with MCPTools.http(weather_http, connect_timeout_s=5):
            pass


async def test_concurrent_calls_share_one_session() -> None:
    async with weather() as server:
        record = await Sandbox(server.tools).run(
            "const states = ['A', 'BB', 'CCC', 'DD'];\n"
            "return await Promise.all(states.map((state) => external_alerts_count({ state })));"
        )
    assert record.status == "ok", record.error
    assert record.result == [3, 6, 9, 6]
    assert json.dumps(record.result)
