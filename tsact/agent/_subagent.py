"""An agent as a tool: another agent's script calls ``external_<name>({task})``.

The sub-agent runs its own loop (its own model, tools, sandbox and limits) and its
answer is the tool's result: typed by its ``output_type`` when it has one. A run that
ends without an answer fails the call with a ``ToolError`` saying why, which the
calling script can catch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from tsact._errors import ToolError
from tsact._tools.tool import Tool

if TYPE_CHECKING:
    from ._agent import Agent


class SubAgentArgs(BaseModel):
    """The arguments of a sub-agent tool."""

    model_config = ConfigDict(extra="forbid")

    task: str = Field(
        description="The task for the sub-agent, stated completely: it sees nothing else.",
        min_length=1,
    )


def agent_tool(
    agent: Agent, *, name: str, description: str, requires_approval: bool = False
) -> Tool:
    """A ``Tool`` that runs ``agent`` on the ``task`` it is given and returns its answer."""
    if not isinstance(description, str) or not description.strip():
        raise ValueError("as_tool needs a description: it is all the calling model knows")

    async def run_sub_agent(task: str) -> Any:
        run = await agent.run(task)
        if run.status == "final_answer":
            return run.output
        raise ToolError(f"the sub-agent ended without an answer ({run.status}): {run.error}")

    return Tool(
        name=name,
        description=description.strip(),
        fn=run_sub_agent,
        input_model=SubAgentArgs,
        output_type=agent.output_type if agent.output_type is not None else Any,
        requires_approval=requires_approval,
    )
