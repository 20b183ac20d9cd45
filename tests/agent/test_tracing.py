"""OpenTelemetry spans of an agent run, read back with the SDK's in-memory exporter."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fake_openai import FakeOpenAI, code, http_error, text
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from seed_tools import MATH_TOOLS

from tsact.agent import Agent

AgentFactory = Callable[..., Agent]
EXPORTER = InMemorySpanExporter()


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The exporter of the process's tracer provider (set once: OpenTelemetry allows one)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
        trace.set_tracer_provider(provider)
    EXPORTER.clear()
    yield EXPORTER
    EXPORTER.clear()


def by_name(finished: tuple[ReadableSpan, ...], name: str) -> list[ReadableSpan]:
    return [span for span in finished if span.name == name]


SCRIPT = """\
const sum = await external_AddNumbers({ left: 2, right: 3 });
try { await external_AddNumbers({ left: 1 }); } catch {}
return sum;
"""


def test_a_run_is_traced_with_genai_attributes(
    server: FakeOpenAI, make_agent: AgentFactory, spans: InMemorySpanExporter
) -> None:
    server.push(code(SCRIPT), text("5"))
    run = make_agent(MATH_TOOLS).run_sync("Add two and three.")
    assert run.status == "final_answer"
    finished = spans.get_finished_spans()

    (agent,) = by_name(finished, "invoke_agent tsact")
    assert agent.attributes is not None
    assert agent.attributes["gen_ai.operation.name"] == "invoke_agent"
    assert agent.attributes["gen_ai.request.model"] == "fake-model"
    assert agent.attributes["gen_ai.usage.input_tokens"] == run.usage.prompt_tokens
    assert agent.attributes["gen_ai.usage.output_tokens"] == run.usage.completion_tokens
    assert agent.attributes["tsact.agent.status"] == "final_answer"
    assert agent.status.status_code is not StatusCode.ERROR

    chats = by_name(finished, "chat fake-model")
    assert len(chats) == 2
    for chat, step in zip(chats, run.steps, strict=True):
        assert chat.kind is SpanKind.CLIENT
        assert chat.parent is not None and chat.parent.span_id == agent.context.span_id
        assert chat.attributes is not None
        assert chat.attributes["gen_ai.operation.name"] == "chat"
        assert chat.attributes["gen_ai.usage.input_tokens"] == step.usage.prompt_tokens
        assert chat.attributes["server.address"] == "127.0.0.1"
    assert chats[0].attributes["gen_ai.response.finish_reasons"] == ("tool_calls",)  # type: ignore[index]

    (execution,) = by_name(finished, "execute_tool execute_typescript")
    record = run.steps[0].record
    assert record is not None
    assert execution.parent is not None and execution.parent.span_id == agent.context.span_id
    assert execution.attributes is not None
    assert execution.attributes["tsact.execution.status"] == "ok"
    assert execution.attributes["tsact.fuel_used"] == record.fuel_used
    assert execution.attributes["tsact.tool_calls"] == 2

    add, divide = sorted(
        by_name(finished, "execute_tool AddNumbers"), key=lambda span: span.start_time or 0
    )
    for call_span in (add, divide):
        assert call_span.parent is not None
        assert call_span.parent.span_id == execution.context.span_id
        assert call_span.start_time is not None and execution.start_time is not None
        assert call_span.end_time is not None and execution.end_time is not None
        assert execution.start_time <= call_span.start_time <= call_span.end_time
        assert call_span.end_time <= execution.end_time
    assert add.attributes is not None and add.attributes["gen_ai.tool.name"] == "AddNumbers"
    assert divide.status.status_code is StatusCode.ERROR
    assert divide.attributes is not None and divide.attributes["error.type"] == "validation"


def test_a_failed_model_call_and_a_failed_script_are_errors(
    server: FakeOpenAI, make_agent: AgentFactory, spans: InMemorySpanExporter
) -> None:
    server.push(code("throw new Error('boom');"), http_error(400, "nope"))
    run = make_agent(MATH_TOOLS).run_sync("Go.")
    assert run.status == "error"
    finished = spans.get_finished_spans()
    (execution,) = by_name(finished, "execute_tool execute_typescript")
    assert execution.status.status_code is StatusCode.ERROR
    assert execution.attributes is not None and execution.attributes["error.type"] == "runtime"
    failed = by_name(finished, "chat fake-model")[1]
    assert failed.status.status_code is StatusCode.ERROR
    assert failed.attributes is not None
    assert failed.attributes["error.type"] == "model_call_failed"
    (agent,) = by_name(finished, "invoke_agent tsact")
    assert agent.status.status_code is StatusCode.ERROR
    assert agent.attributes is not None and agent.attributes["error.type"] == "error"
