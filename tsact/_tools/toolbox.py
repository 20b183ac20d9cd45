"""A named set of tools, checked once: unique, valid names."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tsact._errors import ToolDefinitionError
from tsact._tools.declarations import render_declarations
from tsact._tools.tool import Tool, as_tools


class Toolbox:
    """The tools one sandbox offers, by name; duplicate names are an error."""

    def __init__(self, tools: Iterable[Tool | Callable[..., Any]] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for item in as_tools(tools):
            if item.name in self._tools:
                raise ToolDefinitionError(f"two tools are named {item.name!r}")
            self._tools[item.name] = item

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def get(self, name: str) -> Tool | None:
        """The tool with this name, or None."""
        return self._tools.get(name)

    @property
    def names(self) -> list[str]:
        """Tool names in the order they were given."""
        return list(self._tools)

    def declarations(self, *, output_type: Any = None) -> str:
        """The TypeScript a model sees for these tools and the sandbox's globals.

        With ``output_type``, ``final_answer`` is declared with that type.
        """
        return render_declarations(self, output_type=output_type)


@dataclass(frozen=True)
class ToolAlias:
    """A global that calls a tool with one argument: ``search_tools(q)`` is
    ``external_<tool>({ <parameter>: q })``."""

    name: str
    tool: str
    parameter: str
