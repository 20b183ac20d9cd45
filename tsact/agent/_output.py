"""The typed final answer: validating it on the host against ``output_type``."""

from __future__ import annotations

from typing import Any

import msgspec
import pydantic
from pydantic import TypeAdapter

from tsact._tools.tool import describe_validation_errors


class OutputInvalid(Exception):
    """The answer does not match the output type; the message is for the model."""


class OutputSpec:
    """Validates final answers against a type (a pydantic model, a dataclass, ``list[int]``...).

    Values are validated as JSON, the way the script produced them, so a date comes as
    an ISO string and a tuple as an array.
    """

    def __init__(self, output_type: Any) -> None:
        self.output_type = output_type
        try:
            self.adapter: TypeAdapter[Any] = TypeAdapter(output_type)
            self.adapter.json_schema()
        except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError) as exc:
            raise ValueError(
                f"output_type {output_type!r} cannot be described as JSON: {exc}"
            ) from None

    @property
    def name(self) -> str:
        """A short name of the type, for messages."""
        return getattr(self.output_type, "__name__", None) or repr(self.output_type)

    def validate(self, value: Any) -> tuple[Any, Any]:
        """The typed value and its JSON form; raises ``OutputInvalid`` with the problems."""
        try:
            typed = self.adapter.validate_json(msgspec.json.encode(value))
        except pydantic.ValidationError as exc:
            raise OutputInvalid(describe_errors(exc)) from None
        except (msgspec.EncodeError, TypeError, OverflowError) as exc:
            raise OutputInvalid(f"the value is not JSON: {exc}") from None
        return typed, self.adapter.dump_python(typed, mode="json")

    def validate_text(self, text: str) -> tuple[Any, Any]:
        """A plain-text answer as the output type: as a string, else as JSON text."""
        try:
            typed = self.adapter.validate_python(text, strict=True)
        except pydantic.ValidationError:
            try:
                typed = self.adapter.validate_json(text.strip())
            except pydantic.ValidationError as exc:
                raise OutputInvalid(describe_errors(exc)) from None
        return typed, self.adapter.dump_python(typed, mode="json")


def describe_errors(exc: pydantic.ValidationError) -> str:
    """Validation errors as ``- `` lines a model can act on, bounded like a tool's."""
    return "\n".join(f"- {part}" for part in describe_validation_errors(exc, arguments=False))
