"""Math tools for the seed task "the current UTC time and (7 + 5) * 9".

Two arithmetic tools share one pydantic argument model, so the script sees
``external_AddNumbers({ a, b })`` and ``external_MultiplyNumbers({ a, b })``;
``current_utc_time`` takes no arguments. Try it::

    tsact exec examples/math_task.ts --tools examples/math_tools.py
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from tsact import tool


class BinaryMathArgs(BaseModel):
    """Two operands."""

    a: float = Field(description="The first operand.")
    b: float = Field(description="The second operand.")


@tool(name="AddNumbers")
def add_numbers(args: BinaryMathArgs) -> float:
    """Add two numbers and return the sum."""
    return args.a + args.b


@tool(name="MultiplyNumbers")
def multiply_numbers(args: BinaryMathArgs) -> float:
    """Multiply two numbers and return the product."""
    return args.a * args.b


@tool
def current_utc_time() -> str:
    """The current date and time in UTC, as ISO 8601 text (for example 2026-01-31T09:30:00Z)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
