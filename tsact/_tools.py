"""Tools: Python callables the script reaches as ``external_<name>(args)``.

A tool has a name, a description, an input model (a pydantic model that
rejects unknown fields) and an output type. ``@tool`` builds one from a
function: either one pydantic-model parameter, or plain annotated parameters
that become a model. ``Tool.from_schema`` wraps a function that takes a
``dict`` checked against a raw JSON Schema instead.
"""

from __future__ import annotations

import dataclasses
import inspect
import keyword
import re
import sys
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar, cast, get_type_hints, overload

import docstring_parser
import jsonschema
import pydantic
import pydantic_core
from pydantic import BaseModel, ConfigDict, TypeAdapter

from ._schemas import result_schema

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""A tool name, matched with ``fullmatch`` (``$`` would accept a trailing newline)."""

F = TypeVar("F", bound=Callable[..., Any])


class ToolDefinitionError(ValueError):
    """A tool cannot be built from what was given (bad name, annotations, schema)."""


TOOL_ERROR_CODES = frozenset(
    {"tool", "validation", "result", "arguments", "refused", "unknown", "limit"}
)
"""Every ``ToolError.code``: ``tool`` (the tool failed), ``validation`` (bad arguments),
``result`` (the tool returned something its declared return type does not allow),
``arguments`` (not one JSON object), ``refused`` (not approved), ``unknown`` (no such tool),
``limit`` (a limit such as ``max_tool_calls`` was hit)."""


class ToolError(Exception):
    """Raise inside a tool to fail the call with this message and nothing else.

    The script sees a ``ToolError`` whose message is the tool's name and this text;
    any other exception is reported with its type name as well. ``code`` is the
    ``ToolError.code`` the script sees: a tool's own failure is ``"tool"``, the
    default; another of the declared codes (``validation``, ``refused``...) says the
    same as the host would, which is what ``tsact replay`` uses to repeat a recording.
    """

    def __init__(self, message: str = "", *, code: str = "tool") -> None:
        if code not in TOOL_ERROR_CODES:
            raise ValueError(f"ToolError code must be one of {sorted(TOOL_ERROR_CODES)}")
        super().__init__(message)
        self.code = code


@dataclasses.dataclass(frozen=True, eq=False)
class Tool:
    """A host function the sandboxed script can call.

    Build one with ``@tool`` or ``Tool.from_schema``; construct directly only when you
    already have an input model. ``input_model`` validates arguments (unknown fields
    rejected); ``output_adapter`` checks results against ``output_type`` and serialises
    them to JSON values (``validate_result=False`` only serialises them).
    """

    name: str
    description: str
    fn: Callable[..., Any]
    input_model: type[BaseModel] | None
    output_type: Any = Any
    input_schema_override: Mapping[str, Any] | None = None
    requires_approval: bool = False
    unpack_arguments: bool = True
    returns: str = ""
    """What the result is (a docstring's ``Returns`` section): JSDoc ``@returns``."""
    validate_result: bool = True
    """Check each result against ``output_type`` before the script sees it."""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not IDENTIFIER.fullmatch(self.name):
            raise ToolDefinitionError(
                f"tool name {self.name!r} is not a valid identifier: use letters, digits and "
                "underscores, not starting with a digit"
            )
        if keyword.iskeyword(self.name) or self.name.startswith("__tsact"):
            raise ToolDefinitionError(f"tool name {self.name!r} is reserved")
        if self.input_model is None and self.input_schema_override is None:
            raise ToolDefinitionError(f"tool {self.name!r} needs an input model or a JSON Schema")
        if self.input_schema_override is not None:
            try:
                jsonschema.Draft202012Validator.check_schema(self.input_schema_override)
            except jsonschema.SchemaError as exc:
                raise ToolDefinitionError(
                    f"tool {self.name!r}: invalid JSON Schema: {exc.message}"
                ) from None
        try:
            adapter: TypeAdapter[Any] = TypeAdapter(self.output_type)
            result_schema(adapter)
        except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError) as exc:
            raise ToolDefinitionError(
                f"tool {self.name!r}: return type {self.output_type!r} cannot be described as "
                f"JSON: {exc}"
            ) from None
        object.__setattr__(self, "_output_adapter", adapter)
        described = self.output_type is not Any and self.output_type is not object
        object.__setattr__(self, "_checks_result", self.validate_result and described)
        object.__setattr__(self, "_is_async", inspect.iscoroutinefunction(self.fn))
        if self.input_schema_override is not None:
            validator = jsonschema.Draft202012Validator(self.input_schema_override)
            object.__setattr__(self, "_schema_validator", validator)

    @property
    def is_async(self) -> bool:
        """True for ``async def`` tools, which run on the event loop (sync ones in a thread)."""
        return cast("bool", self.__dict__["_is_async"])

    @property
    def output_adapter(self) -> TypeAdapter[Any]:
        """Serialises the tool's return value."""
        return cast("TypeAdapter[Any]", self.__dict__["_output_adapter"])

    def input_schema(self) -> dict[str, Any]:
        """The JSON Schema of the arguments object (closed: no unknown properties)."""
        if self.input_schema_override is not None:
            return dict(self.input_schema_override)
        assert self.input_model is not None
        return self.input_model.model_json_schema()

    def output_schema(self) -> dict[str, Any]:
        """The JSON Schema of the result, as serialised (a defaulted field is always present)."""
        return result_schema(self.output_adapter)

    def validate_arguments(self, arguments: Any) -> Any:
        """Check arguments; raise ``ArgumentsInvalid`` with a message a model can act on."""
        if self.input_schema_override is not None:
            validator: jsonschema.Draft202012Validator = self.__dict__["_schema_validator"]
            errors = sorted(validator.iter_errors(arguments), key=lambda e: list(e.path))
            if errors:
                parts = [_describe_schema_error(error) for error in errors[:MAX_ERRORS]]
                if len(errors) > MAX_ERRORS:
                    parts.append(f"... and {len(errors) - MAX_ERRORS} more")
                raise ArgumentsInvalid("; ".join(parts))
            return arguments
        assert self.input_model is not None
        if not isinstance(arguments, dict):
            raise ArgumentsInvalid(f"arguments must be an object, got {type(arguments).__name__}")
        try:
            return self.input_model.model_validate(arguments)
        except pydantic.ValidationError as exc:
            parts = describe_validation_errors(exc, arguments=True)
            raise ArgumentsInvalid("; ".join(parts)) from None

    def call(self, validated: Any) -> Any:
        """Call the function with validated arguments (may return an awaitable)."""
        if self.input_schema_override is not None:
            return self.fn(validated)
        if self.unpack_arguments:
            assert isinstance(validated, BaseModel)
            return self.fn(
                **{name: getattr(validated, name) for name in type(validated).model_fields},
            )
        return self.fn(validated)

    def serialise_result(self, value: Any) -> Any:
        """The return value as the JSON value the script gets, checked against the return type.

        Lax about structure, strict about kinds: a model instance, a dataclass or a dict
        for a model, a tuple for a list, a string for an enum or a datetime all pass (as
        JSON carries them); a string where a number is declared does not. Raises
        ``ResultInvalid`` on a mismatch; a value JSON cannot hold raises pydantic's
        serialisation error.
        """
        adapter = self.output_adapter
        if not self.__dict__["_checks_result"]:
            return adapter.dump_python(value, mode="json", by_alias=True, warnings=False)
        try:  # exact instances and plain values: cheap, and nothing to convert
            checked = adapter.validate_python(
                value, strict=True, from_attributes=True, by_alias=True, by_name=True
            )
        except pydantic.ValidationError:  # read it as JSON carries it, strictly
            data = adapter.dump_json(value, by_alias=True, warnings=False)
            try:
                checked = adapter.validate_json(data, strict=True, by_alias=True, by_name=True)
            except pydantic.ValidationError as exc:
                raise ResultInvalid(
                    f"result does not match the declared return type "
                    f"{_type_text(self.output_type)}: "
                    + "; ".join(describe_validation_errors(exc, arguments=False, root="result")),
                    returned=pydantic_core.from_json(data),
                ) from None
        return adapter.dump_python(checked, mode="json", by_alias=True, warnings=False)

    @classmethod
    def from_schema(
        cls,
        name: str,
        description: str,
        schema: Mapping[str, Any],
        fn: Callable[[dict[str, Any]], Any] | Callable[[dict[str, Any]], Awaitable[Any]],
        *,
        output_type: Any = Any,
        requires_approval: bool = False,
        validate_result: bool = True,
    ) -> Tool:
        """A tool whose arguments are checked against a raw JSON Schema and passed as a dict."""
        return cls(
            name=name,
            description=description,
            fn=fn,
            input_model=None,
            output_type=output_type,
            input_schema_override=schema,
            requires_approval=requires_approval,
            validate_result=validate_result,
        )


class ArgumentsInvalid(Exception):
    """Arguments from the script do not match the tool's input model."""


class ResultInvalid(Exception):
    """A tool returned a value its declared return type does not allow.

    ``returned`` is that value as JSON, for the call's record.
    """

    def __init__(self, message: str, *, returned: Any) -> None:
        super().__init__(message)
        self.returned = returned


_QUALIFIED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_]\w*)")


def _type_text(annotation: Any) -> str:
    """A short name for a type: ``list[Row]``, not ``list[my.module.Row]``."""
    text = annotation.__name__ if isinstance(annotation, type) else repr(annotation)
    return _cut(_QUALIFIED.sub("", text))


MAX_ERRORS = 8
"""Validation errors described at most; the rest are counted (10,000 bad list items
must not become a megabyte of message for the model)."""

MAX_INPUT_CHARS = 80
"""Characters of an offending input quoted in a validation message."""


def _cut(text: str, limit: int = MAX_INPUT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _path(root: str, location: tuple[int | str, ...]) -> str:
    return root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in location)


def describe_validation_errors(
    exc: pydantic.ValidationError,
    *,
    arguments: bool,
    limit: int = MAX_ERRORS,
    root: str | None = None,
) -> list[str]:
    """Each error as a short phrase a model can act on, bounded in number and length.

    ``arguments=True`` words them for a tool's arguments (``missing required argument
    'x'``), else for a value (``x: missing``); with ``root`` a location is a path from it
    (``result[1].city``). Past ``limit`` one ``... and N more``.
    """
    parts: list[str] = []
    errors = exc.errors(include_url=False)
    for error in errors[:limit]:
        if root is not None:
            location = _path(root, error["loc"])
        else:
            location = ".".join(str(part) for part in error["loc"])
        where = location or ("(the arguments)" if arguments else "(the value)")
        if error["type"] == "extra_forbidden":
            parts.append(
                f"unexpected argument {location!r}" if arguments else f"{where}: not allowed"
            )
        elif error["type"] == "missing":
            parts.append(
                f"missing required argument {location!r}" if arguments else f"{where}: missing"
            )
        else:
            parts.append(f"{where}: {error['msg']} (got {_cut(repr(error.get('input')))})")
    if len(errors) > limit:
        parts.append(f"... and {len(errors) - limit} more")
    return parts


def _describe_schema_error(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(part) for part in error.absolute_path)
    # jsonschema quotes the whole offending instance: cut it like pydantic's inputs
    message = _cut(error.message, 2 * MAX_INPUT_CHARS)
    return f"{where}: {message}" if where else message


@dataclasses.dataclass(frozen=True)
class DocstringParts:
    """What a tool's docstring says: the description, each argument, the result."""

    description: str = ""
    arguments: dict[str, str] = dataclasses.field(default_factory=dict)
    returns: str = ""


def _flowed(text: str | None) -> str:
    """Lines of each paragraph joined with spaces (docstrings wrap text; JSDoc need not)."""
    if not text:
        return ""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def parse_docstring(doc: str | None) -> DocstringParts:
    """The description, argument and result descriptions of a docstring.

    Google (``Args:``/``Returns:``), NumPy (``Parameters``/``Returns`` underlined) and
    Sphinx (``:param x:``/``:returns:``) styles are recognised by ``docstring_parser``;
    text in no section is the description.
    """
    if not doc or not doc.strip():
        return DocstringParts()
    try:
        parsed = docstring_parser.parse(inspect.cleandoc(doc))
    except docstring_parser.ParseError:
        return DocstringParts(description=inspect.cleandoc(doc))
    arguments = {
        param.arg_name.lstrip("*"): _flowed(param.description)
        for param in parsed.params
        if param.description
    }
    returns = parsed.returns
    return DocstringParts(
        description=(parsed.description or "").strip(),
        arguments=arguments,
        returns=_flowed(returns.description) if returns is not None else "",
    )


def _closed(model: type[BaseModel]) -> type[BaseModel]:
    """The same model, rejecting unknown fields (a subclass, so isinstance still holds)."""
    if model.model_config.get("extra") == "forbid":
        return model
    config = ConfigDict(**{**model.model_config, "extra": "forbid"})
    namespace = {"model_config": config, "__module__": model.__module__, "__doc__": model.__doc__}
    return cast("type[BaseModel]", type(model.__name__, (model,), namespace))


def _tool_from_function(
    fn: Callable[..., Any],
    *,
    name: str | None,
    description: str | None,
    requires_approval: bool,
    validate_result: bool = True,
    local_names: dict[str, Any] | None = None,
) -> Tool:
    tool_name = name if name is not None else getattr(fn, "__name__", "")
    docstring = parse_docstring(fn.__doc__)
    argument_docs = docstring.arguments
    try:
        hints = get_type_hints(fn, localns=local_names, include_extras=True)
    except Exception as exc:  # NameError, TypeError from bad annotations
        raise ToolDefinitionError(
            f"tool {tool_name!r}: cannot resolve type annotations: {exc}"
        ) from None
    signature = inspect.signature(fn)
    parameters = list(signature.parameters.values())
    output_type = hints.get("return", Any)
    for parameter in parameters:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise ToolDefinitionError(
                f"tool {tool_name!r}: *args/**kwargs are not supported; declare each argument"
            )
        if parameter.kind is parameter.POSITIONAL_ONLY:
            raise ToolDefinitionError(
                f"tool {tool_name!r}: positional-only parameter {parameter.name!r} is not "
                "supported; the script passes arguments by name"
            )
    single = parameters[0] if len(parameters) == 1 else None
    single_type = hints.get(single.name) if single is not None else None
    if single is not None and isinstance(single_type, type) and issubclass(single_type, BaseModel):
        input_model = _closed(single_type)
        unpack = False
    else:
        fields: dict[str, Any] = {}
        for parameter in parameters:
            annotation = hints.get(parameter.name, Any)  # undescribed: anything goes
            default: Any = ... if parameter.default is parameter.empty else parameter.default
            doc = argument_docs.get(parameter.name)
            field = pydantic.Field(default=default, description=doc) if doc else default
            fields[parameter.name] = (annotation, field)
        try:
            input_model = pydantic.create_model(
                f"{tool_name}Args",
                __config__=ConfigDict(extra="forbid"),
                **fields,
            )
        except (
            pydantic.PydanticSchemaGenerationError,
            pydantic.PydanticUserError,
            TypeError,
        ) as exc:
            raise ToolDefinitionError(
                f"tool {tool_name!r}: arguments cannot become a schema: {exc}"
            ) from None
        unpack = True
    try:
        input_model.model_json_schema()
    except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError) as exc:
        raise ToolDefinitionError(
            f"tool {tool_name!r}: arguments cannot become a JSON Schema: {exc}"
        ) from None
    return Tool(
        name=tool_name,
        description=description if description is not None else docstring.description,
        fn=fn,
        input_model=input_model,
        output_type=output_type,
        requires_approval=requires_approval,
        unpack_arguments=unpack,
        returns=docstring.returns,
        validate_result=validate_result,
    )


@overload
def tool(fn: Callable[..., Any], /) -> Tool: ...


@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    requires_approval: bool = False,
    validate_result: bool = True,
) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    requires_approval: bool = False,
    validate_result: bool = True,
) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Make a function a tool: ``@tool`` or ``@tool(name=..., description=...)``.

    The function takes one pydantic model or plain parameters (unannotated ones take
    anything); its return annotation is the output type. The docstring (Google, NumPy or
    Sphinx style) gives the description, the arguments' descriptions (or
    ``Field(description=...)``) and, from its ``Returns`` section, the result's. With
    ``requires_approval=True`` every call first asks the ``approve`` callback.

    Each result is checked against the return annotation before the script sees it; a
    mismatch reaches the script as a ``ToolError`` with code ``result``.
    ``validate_result=False`` (or ``-> Any``) only serialises results.
    """

    def build(function: Callable[..., Any], local_names: dict[str, Any]) -> Tool:
        return _tool_from_function(
            function,
            name=name,
            description=description,
            requires_approval=requires_approval,
            validate_result=validate_result,
            local_names=local_names,
        )

    # Annotations may name classes local to the decorating function (postponed
    # evaluation); the decorating frame's locals resolve them, as pydantic does.
    if fn is not None:
        return build(fn, dict(sys._getframe(1).f_locals))

    def decorate(function: Callable[..., Any]) -> Tool:
        return build(function, dict(sys._getframe(1).f_locals))

    return decorate


def as_tools(items: Iterable[Tool | Callable[..., Any]]) -> list[Tool]:
    """Accept tools or plain functions (made tools with defaults)."""
    tools: list[Tool] = []
    for item in items:
        if isinstance(item, Tool):
            tools.append(item)
        elif callable(item):
            tools.append(tool(item))
        else:
            raise ToolDefinitionError(f"not a tool or a function: {item!r}")
    return tools
