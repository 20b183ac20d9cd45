"""``tsact types``: the TypeScript declarations a script (and a model) sees for some tools,
or the TypeScript type of one JSON Schema (``--schema FILE.json --name Name``)."""

from __future__ import annotations

from pathlib import Path

from typegen import SchemaError, is_identifier, sanitize_type_name, schema_to_typescript

from .errors import InputError
from .inputs import read_json
from .mcp_servers import command_tools
from .output import write_plain
from .sandboxes import make_sandbox


def print_types(tools: list[str], mcp: list[str] = []) -> None:  # noqa: B006
    """Print the declarations of the tools named by ``--tools`` and ``--mcp``."""
    with command_tools(tools, mcp, as_json=False) as every_tool:
        sandbox = make_sandbox(every_tool)
        write_plain(sandbox.declarations())


def print_schema_type(path: str, name: str | None) -> None:
    """Print ``type <name> = ...`` for the JSON Schema in ``path`` (and the types it refers
    to). The name defaults to the schema's ``title``, else the file's name."""
    schema = read_json(path, "schema file")
    if not isinstance(schema, (dict, bool)):
        raise InputError(f"{path} is not a JSON Schema: expected an object or a boolean")
    if name is None:
        title = schema.get("title") if isinstance(schema, dict) else None
        stem = "stdin" if path == "-" else Path(path).name.split(".")[0]
        name = sanitize_type_name(title if isinstance(title, str) and title else stem)
    elif not is_identifier(name):
        raise InputError(f"--name {name!r} is not a TypeScript identifier")
    try:
        write_plain(schema_to_typescript(schema, name))
    except SchemaError as exc:
        raise InputError(f"{path}: {exc}") from None
