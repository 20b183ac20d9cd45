"""One error tree: everything tsact raises to its callers is a TsactError."""

from __future__ import annotations

import inspect

import pytest

import tsact
from tsact import ExecutionRecord, NewerFormat, RecordInvalid, TsactError
from tsact.agent import AgentRun


def test_every_public_exception_is_a_tsact_error() -> None:
    public = [
        value
        for name in tsact.__all__
        if inspect.isclass(value := getattr(tsact, name)) and issubclass(value, BaseException)
    ]
    assert {cls.__name__ for cls in public} >= {
        "TsactError",
        "ToolError",
        "ToolDefinitionError",
        "DenoNotFound",
        "CheckerError",
        "CheckTimeout",
        "RecordInvalid",
        "NewerFormat",
        "MCPServerError",
    }
    assert all(issubclass(cls, TsactError) for cls in public)


@pytest.mark.parametrize("text", ["not json", '{"id": 1}', "[]", '{"format": -1}'])
def test_reading_a_bad_record_or_run_raises_record_invalid(text: str) -> None:
    with pytest.raises(RecordInvalid):
        ExecutionRecord.from_json(text)
    with pytest.raises(RecordInvalid):
        AgentRun.from_json(text)


def test_a_newer_format_is_a_record_invalid_too() -> None:
    with pytest.raises(NewerFormat, match="upgrade tsact"):
        ExecutionRecord.from_json('{"format": 999}')


def test_a_bad_tool_is_a_value_error_and_a_tsact_error() -> None:
    with pytest.raises(tsact.ToolDefinitionError) as caught:
        tsact.Tool.from_schema("not a name", "x", {"type": "object"}, lambda args: None)
    assert isinstance(caught.value, ValueError)
