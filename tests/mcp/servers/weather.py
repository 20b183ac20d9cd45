"""A small MCP server for the tests, on the official SDK: stdio by default, or streamable
HTTP with ``--http PORT``. ``--collide`` adds two tools whose names map to one identifier.

Its tools cover what a client must handle: non-identifier names, an object result with
nested ``$ref`` types, a wrapped scalar result, plain text, mixed content, a tool error,
a protocol-level failure, a server that dies mid-call and one that never answers.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ImageContent, TextContent
from pydantic import BaseModel, Field

server = MCPServer("weather")


class Period(BaseModel):
    name: str
    temp_c: float


class Forecast(BaseModel):
    city: str
    periods: list[Period]


@server.tool(name="get-forecast")
def get_forecast(
    city: Annotated[str, Field(description="City name, such as 'Hue'")], days: int = 2
) -> Forecast:
    """Get the weather forecast for a city, one period per day."""
    return Forecast(
        city=city, periods=[Period(name=f"day {n + 1}", temp_c=20.0 + n) for n in range(days)]
    )


@server.tool(name="alerts.count")
def alerts_count(state: str) -> int:
    """Count the active weather alerts in a US state (two-letter code)."""
    return len(state) * 3


@server.tool(structured_output=False)
def shout(text: str) -> str:
    """Upper-case a text (no output schema: the result is the text)."""
    return text.upper()


@server.tool(structured_output=False)
def radar(city: str) -> list[TextContent | ImageContent]:
    """A radar picture of a city, with a caption."""
    return [
        TextContent(type="text", text=f"radar over {city}"),
        ImageContent(type="image", data="iVBORw0KGgo=", mime_type="image/png"),
    ]


@server.tool()
def station(code: str) -> str:
    """Look up a weather station by code."""
    raise ToolError(f"no station {code!r}; known stations: HUE1, HAN2")


@server.tool()
def crash(reason: str) -> str:
    """Exit the server process in the middle of the call."""
    sys.stdout.flush()
    os._exit(3)


@server.tool()
def stall(seconds: float) -> str:
    """Sleep, blocking the server."""
    time.sleep(seconds)
    return "woke"


if "--collide" in sys.argv:

    @server.tool(name="a.b")
    def a_dot_b() -> str:
        """One."""
        return "dot"

    @server.tool(name="a-b")
    def a_dash_b() -> str:
        """Two."""
        return "dash"


if __name__ == "__main__":
    if "--http" in sys.argv:
        port = int(sys.argv[sys.argv.index("--http") + 1])
        server.run(transport="streamable-http", host="127.0.0.1", port=port)
    else:
        server.run()
