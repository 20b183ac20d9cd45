"""``tsact schema``: the JSON Schema of the files tsact writes."""

from __future__ import annotations

import json

from tsact import record_json_schema

from .output import write_plain


def print_schema(kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of execution records or of agent runs."""
    if kind == "run":
        from tsact.agent import agent_run_json_schema

        schema = agent_run_json_schema()
    else:
        schema = record_json_schema()
    write_plain(json.dumps(schema, indent=2))
