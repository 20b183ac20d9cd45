"""Tools the sandbox tests call."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import threading
import time

import anyio
from pydantic import BaseModel, Field

from tsact import ToolError, tool


class BinaryMathArgs(BaseModel):
    left: int = Field(description="The left-hand integer operand")
    right: int = Field(description="The right-hand integer operand")


@tool(name="AddNumbers")
def add_numbers(args: BinaryMathArgs) -> int:
    """Add two integers and return the result."""
    return args.left + args.right


POPULATIONS = {"Hanoi": 8_435_700, "Hue": 652_572, "Ho Chi Minh City": 9_389_700}


@tool
async def get_population(city: str) -> int:
    """Return the population of a city."""
    if city not in POPULATIONS:
        raise ToolError(f"no city named {city!r}")
    return POPULATIONS[city]


@tool
def crash(reason: str = "broken") -> str:
    """Always fails with a plain exception."""
    raise RuntimeError(reason)


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Report(BaseModel):
    when: dt.datetime
    color: Color
    point: Point
    tags: set[str]


@tool
def make_report() -> Report:
    """Return a model holding a datetime, an enum, a dataclass and a set."""
    return Report(
        when=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        color=Color.RED,
        point=Point(1, 2),
        tags={"a"},
    )


@tool
def unserialisable() -> object:
    """Return something JSON cannot hold."""
    return object()


@tool
def thread_name() -> str:
    """Name the thread this sync tool runs in."""
    return threading.current_thread().name


class Gauge:
    """Counts calls in flight and the most seen at once (from any thread)."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self._lock:
            self.now -= 1


GAUGE = Gauge()


@tool
async def slow_async(ms: int) -> int:
    """Sleep on the event loop, tracking concurrency."""
    GAUGE.enter()
    try:
        await anyio.sleep(ms / 1000)
    finally:
        GAUGE.leave()
    return ms


@tool
def slow_sync(ms: int) -> int:
    """Sleep in a worker thread, tracking concurrency."""
    GAUGE.enter()
    try:
        time.sleep(ms / 1000)
    finally:
        GAUGE.leave()
    return ms


@tool
def echo(value: object = None) -> object:
    """Return the value unchanged."""
    return value


ALL = [
    add_numbers,
    get_population,
    crash,
    make_report,
    unserialisable,
    thread_name,
    slow_async,
    slow_sync,
    echo,
]
