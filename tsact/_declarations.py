"""The declarations the model sees (placeholder until typegen lands: JSON in JSDoc)."""

from __future__ import annotations

import json
from typing import Any

from ._toolbox import Toolbox


def render_declarations(toolbox: Toolbox, *, output_type: Any = None) -> str:
    """TypeScript declarations of the sandbox's globals and tools."""
    lines = [
        "declare class ToolError extends Error { readonly tool: string; readonly code: string }"
    ]
    for item in toolbox:
        schema = json.dumps(item.input_schema())
        lines.append(f"/** {item.description}\n * args: {schema} */")
        lines.append(f"declare function external_{item.name}(args: any): Promise<any>;")
    lines.append("declare function final_answer(value: unknown): never;")
    return "\n".join(lines) + "\n"
