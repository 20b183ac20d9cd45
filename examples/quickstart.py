"""The README's first example: two tools, one script, the record as JSON."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tsact import Limits, Sandbox, tool


class BinaryMathArgs(BaseModel):
    left: int = Field(description="The left-hand integer operand")
    right: int = Field(description="The right-hand integer operand")


@tool(name="AddNumbers")
def add_numbers(args: BinaryMathArgs) -> int:
    """Add two integers and return the result."""
    return args.left + args.right


@tool
async def get_population(city: str) -> int:
    """Return the population of a city."""
    return {"Hanoi": 8_435_700, "Hue": 652_572}[city]


SCRIPT = """
const sum = await external_AddNumbers({ left: 7, right: 5 });
console.log(`sum=${sum}`);
const pops = await Promise.all(["Hanoi", "Hue"].map((city) => external_get_population({ city })));
return { total: sum * 9, pops };
"""


def main() -> None:
    sandbox = Sandbox([add_numbers, get_population], limits=Limits(timeout_s=10, memory_mb=256))
    record = sandbox.run_sync(SCRIPT)
    print(record.to_json())


if __name__ == "__main__":
    main()
