"""A small MCP server (official SDK) with weather tools, for trying tsact over MCP.

Its tool names are MCP-style (``get-forecast``, ``alerts.count``); tsact maps them to
``external_get_forecast`` and ``external_alerts_count``. Run a script over it::

    tsact exec examples/weather_task.ts --mcp "python examples/weather_server.py"

or list what scripts see with ``tsact types --mcp "python examples/weather_server.py"``.
The data is made up and deterministic.
"""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

server = MCPServer("weather")

CITIES = {"Hanoi": 24.0, "Hue": 27.5, "Da Nang": 28.0, "Ho Chi Minh City": 31.0}


class Day(BaseModel):
    date: str = Field(description="YYYY-MM-DD")
    high_c: float
    low_c: float
    sky: Literal["sunny", "cloudy", "rain"]


class Forecast(BaseModel):
    city: str
    days: list[Day]


@server.tool(name="list-cities")
def list_cities() -> list[str]:
    """The cities this server has weather for."""
    return sorted(CITIES)


@server.tool(name="get-forecast")
def get_forecast(
    city: Annotated[str, Field(description="A city from list-cities")],
    days: Annotated[int, Field(ge=1, le=7, description="How many days, 1 to 7")] = 3,
) -> Forecast:
    """The daily forecast of a city, starting tomorrow."""
    if city not in CITIES:
        raise ToolError(f"no forecast for {city!r}; cities: {', '.join(sorted(CITIES))}")
    base = CITIES[city]
    skies: list[Literal["sunny", "cloudy", "rain"]] = ["sunny", "cloudy", "rain"]
    return Forecast(
        city=city,
        days=[
            Day(
                date=f"2026-12-{n + 1:02d}",
                high_c=base + n % 3,
                low_c=base - 6 + n % 2,
                sky=skies[(len(city) + n) % 3],
            )
            for n in range(days)
        ],
    )


@server.tool(name="alerts.count")
def alerts_count(city: str) -> int:
    """How many weather alerts are active for a city."""
    return len(city) % 3


if __name__ == "__main__":
    server.run()
