"""``tsact types``: the TypeScript declarations a script (and a model) sees for some tools."""

from __future__ import annotations

from .output import write_plain
from .sandboxes import make_sandbox
from .tools_file import load_tools


def print_types(tools: list[str]) -> None:
    """Print the declarations of the tools named by ``--tools``."""
    sandbox = make_sandbox(load_tools(tools))
    write_plain(sandbox.declarations())
