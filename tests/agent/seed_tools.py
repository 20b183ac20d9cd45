"""The seed tasks, their tools and the script a capable model writes for each, as the
tests and ``bench/agent_steps.py`` use them.

math: ``AddNumbers``, ``MultiplyNumbers``; cities: ``search_cities``,
``get_population``; logs: ``fetch_logs``, which returns 12,450 deterministic records.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tsact import Tool, ToolError, tool


class BinaryMathArgs(BaseModel):
    """Two integer operands."""

    left: int = Field(description="The left-hand integer operand")
    right: int = Field(description="The right-hand integer operand")


@tool(name="AddNumbers")
def add_numbers(args: BinaryMathArgs) -> int:
    """Add two integers and return the result."""
    return args.left + args.right


@tool(name="MultiplyNumbers")
def multiply_numbers(args: BinaryMathArgs) -> int:
    """Multiply two integers and return the result."""
    return args.left * args.right


MATH_TOOLS: list[Tool] = [add_numbers, multiply_numbers]

POPULATIONS: dict[str, dict[str, int]] = {
    "Vietnam": {
        "Bien Hoa": 1_055_414,
        "Buon Ma Thuot": 502_170,
        "Can Tho": 1_235_171,
        "Da Nang": 1_134_310,
        "Hai Phong": 2_028_514,
        "Hanoi": 8_053_663,
        "Ho Chi Minh City": 8_993_082,
        "Hue": 652_572,
        "Nha Trang": 535_000,
        "Vung Tau": 527_025,
    },
    "Thailand": {
        "Bangkok": 10_539_000,
        "Chiang Mai": 127_240,
        "Nonthaburi": 255_671,
    },
}


@tool
def search_cities(country: str) -> list[str]:
    """List the cities of a country (alphabetical, not by size).

    Args:
        country: The country's English name, such as "Vietnam".
    """
    cities = POPULATIONS.get(country)
    if cities is None:
        raise ToolError(f"unknown country {country!r}; known: {', '.join(POPULATIONS)}")
    return sorted(cities)


@tool
async def get_population(city: str) -> int:
    """The population of a city.

    Args:
        city: The city's name as search_cities gives it.
    """
    for cities in POPULATIONS.values():
        if city in cities:
            return cities[city]
    raise ToolError(f"no population data for {city!r}")


CITY_TOOLS: list[Tool] = [search_cities, get_population]

LOG_COUNT = 12_450
MODULES = ["auth", "billing", "search", "payments", "inventory", "email", "gateway", "reports"]


class LogRecord(BaseModel):
    """One log line."""

    id: int
    timestamp: str
    level: Literal["DEBUG", "INFO", "WARN", "ERROR"]
    module: str
    message: str
    duration_ms: int


def generate_logs(count: int = LOG_COUNT) -> list[dict[str, object]]:
    """``count`` deterministic log records spread over one week (2026-11-16 to 11-22)."""
    levels = ["DEBUG", "INFO", "INFO", "INFO", "WARN", "INFO", "ERROR"]
    records: list[dict[str, object]] = []
    for index in range(count):
        seconds = index * 7 * 24 * 3600 // count
        day, rest = divmod(seconds, 24 * 3600)
        hour, rest = divmod(rest, 3600)
        minute, second = divmod(rest, 60)
        module = MODULES[(index * 7 + index // 13) % len(MODULES)]
        level = levels[(index * 3 + len(module)) % len(levels)]
        if module in ("payments", "gateway") and index % 5 == 0:
            level = "ERROR"
        message = {
            "ERROR": f"{module}: request {index} failed: upstream timeout",
            "WARN": f"{module}: slow response for request {index}",
        }.get(level, f"{module}: handled request {index}")
        records.append(
            {
                "id": index + 1,
                "timestamp": f"2026-11-{16 + day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z",
                "level": level,
                "module": module,
                "message": message,
                "duration_ms": 5 + (index * 37) % 900,
            }
        )
    return records


_LOGS = generate_logs()


@tool
def fetch_logs(since: str = "2026-11-16", until: str = "2026-11-23") -> list[LogRecord]:
    """This week's application log records (12,450 of them), oldest first.

    Args:
        since: First day included, YYYY-MM-DD.
        until: First day excluded, YYYY-MM-DD.
    """
    return [
        LogRecord.model_validate(item)
        for item in _LOGS
        if since <= str(item["timestamp"])[:10] < until
    ]


LOG_TOOLS: list[Tool] = [fetch_logs]


# The seed tasks, and the script a capable model writes for each.

MATH_TASK = "Compute (7 + 5) * 9 with the math tools, and give the current UTC time."
MATH_SCRIPT = """\
const sum = await external_AddNumbers({ left: 7, right: 5 });
const product = await external_MultiplyNumbers({ left: sum, right: 9 });
final_answer({ result: product, utc_time: new Date().toISOString() });
"""

CITIES_TASK = (
    "What's the total population of the 5 largest cities in Vietnam? "
    "Include the standard deviation."
)
CITIES_SCRIPT = """\
const names = await external_search_cities({ country: "Vietnam" });
const pops = await Promise.all(
  names.map(async (city) => ({ city, population: await external_get_population({ city }) })),
);
const top = pops.sort((a, b) => b.population - a.population).slice(0, 5);
const total = top.reduce((sum, c) => sum + c.population, 0);
const mean = total / top.length;
const variance = top.reduce((sum, c) => sum + (c.population - mean) ** 2, 0) / top.length;
final_answer({ cities: top.map((c) => c.city), total, stddev: Math.sqrt(variance) });
"""

LOGS_TASK = "Analyse this week's error logs: which modules fail most?"
LOGS_SCRIPT = """\
const logs = await external_fetch_logs({});
const errors = logs.filter((log) => log.level === "ERROR");
const byModule: Record<string, number> = {};
for (const log of errors) byModule[log.module] = (byModule[log.module] ?? 0) + 1;
const top = Object.entries(byModule).sort((a, b) => b[1] - a[1]).slice(0, 3);
console.log(`records: ${logs.length}, errors: ${errors.length}`);
return { top };
"""
LOGS_ANSWER = "Most errors come from gateway (454), payments (452) and auth (274)."
