"""OpenTelemetry spans for agent runs, model calls, executions and tool calls.

Optional: with ``pip install 'tsact[otel]'`` (the OpenTelemetry API) and a tracer
provider configured by the application, tsact reports

- ``invoke_agent tsact``: one agent run (``gen_ai.operation.name`` ``invoke_agent``);
- ``chat {model}``: each model call, a client span with the GenAI semantic conventions'
  request and response attributes (model, finish reasons, input and output tokens,
  server address and port);
- ``execute_tool execute_typescript``: each script the agent runs, with tsact's own
  attributes (``tsact.execution.status``, ``error.type`` the error kind,
  ``tsact.fuel_used``, ``tsact.duration_ms``, ``tsact.tool_calls``);
- ``execute_tool {name}``: each tool call the script made, built from the execution
  record when the script ends (start and end from the record's clock), so a call that
  was still running shows as cancelled.

Without the API installed every helper here does nothing, at the cost of one check.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tsact._records.record import ExecutionRecord

from ._version import __version__

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

try:
    from opentelemetry import trace as _trace
except ImportError:  # the otel extra is not installed
    _trace = None  # type: ignore[assignment]

EXECUTE_TOOL = "execute_typescript"


def tracer() -> Tracer | None:
    """The tsact tracer of the global tracer provider, or ``None`` without OpenTelemetry."""
    if _trace is None:
        return None
    return _trace.get_tracer("tsact", __version__)


class SpanHandle:
    """A started span (or nothing, without OpenTelemetry), to add attributes to."""

    def __init__(self, span: Span | None) -> None:
        self.span = span

    def set(self, **attributes: Any) -> None:
        """Set attributes; keys use ``__`` for dots (``gen_ai__usage__input_tokens``)."""
        if self.span is None:
            return
        for key, value in attributes.items():
            if value is not None:
                self.span.set_attribute(key.replace("__", "."), value)

    def fail(self, error_type: str, message: str) -> None:
        """Mark the span failed, with ``error.type`` and a status description."""
        if self.span is None or _trace is None:
            return
        self.span.set_attribute("error.type", error_type)
        self.span.set_status(_trace.Status(_trace.StatusCode.ERROR, message[:500]))


@contextlib.contextmanager
def _span(name: str, *, client: bool = False, **attributes: Any) -> Iterator[SpanHandle]:
    found = tracer()
    if found is None or _trace is None:
        yield SpanHandle(None)
        return
    kind = _trace.SpanKind.CLIENT if client else _trace.SpanKind.INTERNAL
    with found.start_as_current_span(name, kind=kind) as span:
        handle = SpanHandle(span)
        handle.set(**attributes)
        yield handle


def agent_span(model: str, run_id: str) -> contextlib.AbstractContextManager[SpanHandle]:
    """The span of one agent run."""
    return _span(
        "invoke_agent tsact",
        gen_ai__operation__name="invoke_agent",
        gen_ai__provider__name="openai",
        gen_ai__agent__name="tsact",
        gen_ai__conversation__id=run_id,
        gen_ai__request__model=model,
    )


def model_span(model: str, base_url: str) -> contextlib.AbstractContextManager[SpanHandle]:
    """The client span of one chat completion request."""
    where = urlsplit(base_url)
    return _span(
        f"chat {model}",
        client=True,
        gen_ai__operation__name="chat",
        gen_ai__provider__name="openai",
        gen_ai__request__model=model,
        server__address=where.hostname,
        server__port=where.port,
    )


@contextlib.contextmanager
def execution_span(call_id: str | None = None) -> Iterator[ExecutionSpan]:
    """The span of one script; call ``finish(record)`` when it has its record."""
    with _span(
        f"execute_tool {EXECUTE_TOOL}",
        gen_ai__operation__name="execute_tool",
        gen_ai__tool__name=EXECUTE_TOOL,
        gen_ai__tool__type="function",
        gen_ai__tool__call__id=call_id,
    ) as handle:
        yield ExecutionSpan(handle)


class ExecutionSpan:
    """An execution's span, which its record completes."""

    def __init__(self, handle: SpanHandle) -> None:
        self.handle = handle

    def finish(self, record: ExecutionRecord) -> None:
        """Set the record's attributes, and add a child span per tool call it holds."""
        handle = self.handle
        handle.set(
            tsact__execution__id=record.id,
            tsact__execution__status=record.status,
            tsact__fuel_used=record.fuel_used,
            tsact__duration_ms=record.duration_ms,
            tsact__tool_calls=len(record.tool_calls),
            tsact__console_lines=len(record.console),
            tsact__final_answer=record.final_answer,
        )
        if record.error is not None:
            handle.fail(record.error.kind, record.error.message)
        _tool_spans(handle, record)


def _tool_spans(parent: SpanHandle, record: ExecutionRecord) -> None:
    """Tool calls as child spans, timed by the record (which starts ``duration_ms`` ago)."""
    found = tracer()
    if found is None or _trace is None or parent.span is None:
        return
    if not parent.span.is_recording():  # no provider, or not sampled: nothing to build
        return
    context = _trace.set_span_in_context(parent.span)
    origin_ns = time.time_ns() - int(record.duration_ms * 1e6)
    for call in record.tool_calls:
        start = origin_ns + int(call.started_ms * 1e6)
        span = found.start_span(f"execute_tool {call.name}", context=context, start_time=start)
        child = SpanHandle(span)
        child.set(
            gen_ai__operation__name="execute_tool",
            gen_ai__tool__name=call.name,
            gen_ai__tool__type="function",
            gen_ai__tool__call__id=str(call.id),
            tsact__tool_call__status=call.status,
            tsact__duration_ms=call.duration_ms,
        )
        if call.status != "ok":
            child.fail(call.error_code or call.status, call.error or call.status)
        span.end(end_time=start + int(call.duration_ms * 1e6))
