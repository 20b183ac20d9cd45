"""The agent: a model writes TypeScript against your tools, tsact runs it, until done.

``Agent`` talks to any OpenAI-compatible endpoint. Each step the model writes one
script; it runs in a fresh sandbox; the model sees an observation built from the
execution record; ``final_answer(value)`` inside a script ends the run in that same
step. A run is an ``AgentRun`` of ``AgentStep`` values, stable JSON with a JSON Schema
(``agent_run_json_schema``).
"""

from tsact._records.text import cut_middle as cut

from ._agent import Agent
from ._events import (
    AgentEvent,
    AgentEventHandler,
    CodeReady,
    ConsoleLine,
    ExecutionFinished,
    ModelFailed,
    ModelReplied,
    ModelTextDelta,
    RunFinished,
    StepFault,
    StepStarted,
    ToolCalled,
    ToolReturned,
)
from ._extract import ExtractedCode, extract_code
from ._observe import build_observation
from ._prompt import EXECUTE_TOOL_NAME, build_system_prompt
from ._records import AgentRun, AgentStep, RunStatus, Usage, agent_run_json_schema

__all__ = [
    "EXECUTE_TOOL_NAME",
    "Agent",
    "AgentEvent",
    "AgentEventHandler",
    "AgentRun",
    "AgentStep",
    "CodeReady",
    "ConsoleLine",
    "ExecutionFinished",
    "ExtractedCode",
    "ModelFailed",
    "ModelReplied",
    "ModelTextDelta",
    "RunFinished",
    "RunStatus",
    "StepFault",
    "StepStarted",
    "ToolCalled",
    "ToolReturned",
    "Usage",
    "agent_run_json_schema",
    "build_observation",
    "build_system_prompt",
    "cut",
    "extract_code",
]
