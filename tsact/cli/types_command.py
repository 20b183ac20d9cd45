"""``tsact types``: the TypeScript declarations a script (and a model) sees for some tools."""

from __future__ import annotations

from .mcp_servers import mcp_tools
from .output import write_plain
from .sandboxes import make_sandbox
from .tools_file import load_tools


def print_types(tools: list[str], mcp: list[str] = []) -> None:  # noqa: B006
    """Print the declarations of the tools named by ``--tools`` and ``--mcp``."""
    local = load_tools(tools)
    with mcp_tools(mcp) as remote:
        sandbox = make_sandbox([*local, *remote])
        write_plain(sandbox.declarations())
