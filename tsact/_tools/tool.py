"""Tools: Python callables the script reaches as ``external_<name>(args)``.

A tool has a name, a description, an input model (a pydantic model that
rejects unknown fields) and an output type. ``@tool`` builds one from a
function: either one pydantic-model parameter, or plain annotated parameters
that become a model. ``Tool.from_schema`` wraps a function that takes a
``dict`` checked against a raw JSON Schema instead.

A ``Tool`` is generic over the function's parameters and return type
(``Tool[P, R]``) and calls it when called, so ``@tool`` keeps the function's
signature for type checkers; a tool built without one is ``Tool[..., Any]``.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import keyword
import re
import sys
import types
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Concatenate, Generic, Self, cast, overload

import docstring_parser
import jsonschema
import pydantic
import pydantic_core
from pydantic import BaseModel, ConfigDict, TypeAdapter
from typing_extensions import ParamSpec, TypeVar

from tsact._errors import ToolDefinitionError
from tsact._records.text import cut_end
from tsact._tools.callables import CalleeError, callable_name, read_callee
from tsact._tools.exact_numbers import check_exact_numbers, may_hold_numbers
from tsact._tools.schemas import result_schema
from tsact._tools.typeddicts import pydantic_ready

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""A tool name, matched with ``fullmatch`` (``$`` would accept a trailing newline)."""

P = ParamSpec("P", default=...)
R = TypeVar("R", default=Any)
"""A tool's function's parameters and return type; a bare ``Tool`` is ``Tool[..., Any]``."""
_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")


@dataclasses.dataclass(frozen=True, eq=False)
class Tool(Generic[P, R]):
    """A host function the sandboxed script can call.

    Build one with ``@tool`` or ``Tool.from_schema``; construct directly only when you
    already have an input model. ``input_model`` validates arguments (unknown fields
    rejected); ``output_adapter`` checks results against ``output_type`` and serialises
    them to JSON values (``validate_result=False`` only serialises them).

    Calling a tool calls its function (``add(2, 3)``), typed as the function is. A tool
    made from a method is bound when read through an instance (see ``__get__``).
    """

    name: str
    description: str
    fn: Callable[P, R]
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
            adapter, dumper = _result_adapters(self.output_type)
            schema = result_schema(adapter)
        except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError) as exc:
            raise ToolDefinitionError(
                f"tool {self.name!r}: return type {self.output_type!r} cannot be described as "
                f"JSON: {exc}"
            ) from None
        except (NameError, TypeError) as exc:  # a TypedDict's own annotations
            raise ToolDefinitionError(
                f"tool {self.name!r}: cannot resolve the return type's annotations: {exc}"
            ) from None
        object.__setattr__(self, "_output_adapter", adapter)
        object.__setattr__(self, "_dumper", dumper)
        described = self.output_type is not Any and self.output_type is not object
        checks = self.validate_result and described
        object.__setattr__(self, "_checks_result", checks)
        # an unchecked result may be anything, whatever its type says
        object.__setattr__(self, "_checks_numbers", not checks or may_hold_numbers(schema))
        object.__setattr__(self, "_is_async", inspect.iscoroutinefunction(self.fn))
        if self.input_schema_override is not None:
            validator = jsonschema.Draft202012Validator(self.input_schema_override)
            object.__setattr__(self, "_schema_validator", validator)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Call the function itself, as if it were not a tool (no validation, no checks)."""
        return self.fn(*args, **kwargs)

    @overload
    def __get__(self, obj: None, owner: type[Any] | None = None) -> Self: ...

    @overload
    def __get__(
        self: Tool[Concatenate[_T, _P], _R], obj: _T, owner: type[Any] | None = None
    ) -> Tool[_P, _R]: ...

    @overload
    def __get__(self, obj: object, owner: type[Any] | None = None) -> Self: ...

    def __get__(self, obj: object, owner: type[Any] | None = None) -> Tool[..., Any]:
        """A method's tool read through an instance: the same tool, bound to ``obj``.

        ``counter.add`` is a tool named ``add`` that calls ``add`` on ``counter``, ready
        for a ``Sandbox``. Read through the class (``Counter.add``) the tool is returned
        as it is: callable with an instance first, like the function, but refused by a
        ``Sandbox`` (it has no instance to call the method on). Any other tool kept as a
        class attribute is returned as it is.
        """
        if obj is None or self.method_of is None:
            return self
        bound = copy.copy(self)
        object.__setattr__(bound, "fn", types.MethodType(self.fn, obj))
        bound.__dict__["_method_of"] = None
        return bound

    @property
    def method_of(self) -> str | None:
        """The class's name for a method's tool not yet bound to an instance, else None."""
        return cast("str | None", self.__dict__.get("_method_of"))

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
        function: Callable[..., Any] = self.fn
        if self.input_schema_override is not None:
            return function(validated)
        if self.unpack_arguments:
            assert isinstance(validated, BaseModel)
            return function(
                **{name: getattr(validated, name) for name in type(validated).model_fields},
            )
        return function(validated)

    def serialise_result(self, value: Any) -> Any:
        """The return value as the JSON value the script gets, checked against the return type.

        Lax about structure, strict about kinds: a model instance, a dataclass or a dict
        for a model, a tuple for a list, a string for an enum or a datetime all pass (as
        JSON carries them); a string where a number is declared does not. Raises
        ``ResultInvalid`` on a mismatch; a value JSON cannot hold raises pydantic's
        serialisation error, and NaN, Infinity or an integer beyond 2^53 - 1 (which the
        script would get as another number) raises ``InexactNumber``, a ``ValueError``.
        """
        state = self.__dict__
        adapter: TypeAdapter[Any] = state["_output_adapter"]
        if not state["_checks_result"]:
            result = self._dumped(value)
            check_exact_numbers(result)
            return result
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
        if state["_dumper"] is None:  # the common case, without a call more
            result = adapter.dump_python(checked, mode="json", by_alias=True, warnings=False)
        else:
            result = self._dumped(checked)
        if state["_checks_numbers"]:
            check_exact_numbers(result)
        return result

    def _dumped(self, value: Any) -> Any:
        """``value`` as JSON data, NaN and Infinity kept as floats for the number check."""
        dumper: TypeAdapter[Any] | None = self.__dict__["_dumper"]
        if dumper is None:
            return self.output_adapter.dump_python(
                value, mode="json", by_alias=True, warnings=False
            )
        return dumper.dump_python([value], mode="json", by_alias=True, warnings=False)[0]

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
    ) -> Tool[..., Any]:
        """A tool whose arguments are checked against a raw JSON Schema and passed as a dict."""
        function: Callable[..., Any] = fn
        return cls(
            name=name,
            description=description,
            fn=function,
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
    return cut_end(text, limit)


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


def _result_adapters(output_type: Any) -> tuple[TypeAdapter[Any], TypeAdapter[Any] | None]:
    """The adapter that checks and serialises results of ``output_type``, and the one that
    serialises them when that one cannot (else None).

    Serialised with ``ser_json_inf_nan="constants"``, NaN and Infinity stay floats wherever
    they are, so that the exact-number check sees them (pydantic's default turns those in
    untyped data into None, and the script would get null). pydantic takes that setting
    for the outermost type only, and refuses it for a model, a dataclass or a TypedDict:
    those are serialised as the one item of a list.
    """
    ready = pydantic_ready(output_type)
    config = ConfigDict(ser_json_inf_nan="constants")
    try:
        return TypeAdapter(ready, config=config), None
    except pydantic.PydanticUserError as exc:
        if exc.code != "type-adapter-config-unused":
            raise
    return TypeAdapter(ready), TypeAdapter(list[ready], config=config)  # type: ignore[valid-type]


def _tool_from_function(
    fn: Callable[..., Any],
    *,
    name: str | None,
    description: str | None,
    requires_approval: bool,
    validate_result: bool = True,
    local_names: dict[str, Any] | None = None,
) -> Tool[..., Any]:
    if isinstance(fn, Tool):
        raise ToolDefinitionError(f"{fn.name!r} is already a tool")
    try:
        callee = read_callee(fn, local_names=local_names)
    except CalleeError as exc:
        raise ToolDefinitionError(f"tool {name or callable_name(fn)!r}: {exc}") from None
    tool_name = name if name is not None else callee.name
    docstring = parse_docstring(callee.doc)
    argument_docs = docstring.arguments
    try:
        hints = {key: pydantic_ready(value) for key, value in callee.hints.items()}
    except (NameError, TypeError) as exc:  # a TypedDict's own annotations
        raise ToolDefinitionError(
            f"tool {tool_name!r}: cannot resolve type annotations: {exc}"
        ) from None
    parameters = callee.parameters
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
    made: Tool[..., Any] = Tool(
        name=tool_name,
        description=description if description is not None else docstring.description,
        fn=callee.function,
        input_model=input_model,
        output_type=output_type,
        requires_approval=requires_approval,
        unpack_arguments=unpack,
        returns=docstring.returns,
        validate_result=validate_result,
    )
    made.__dict__["_method_of"] = callee.method_of
    return made


@overload
def tool(fn: Callable[_P, _R], /) -> Tool[_P, _R]: ...


@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    requires_approval: bool = False,
    validate_result: bool = True,
) -> Callable[[Callable[_P, _R]], Tool[_P, _R]]: ...


def tool(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    requires_approval: bool = False,
    validate_result: bool = True,
) -> Tool[..., Any] | Callable[[Callable[..., Any]], Tool[..., Any]]:
    """Make a function a tool: ``@tool`` or ``@tool(name=..., description=...)``.

    The function takes one pydantic model or plain parameters (unannotated ones take
    anything); its return annotation is the output type. The docstring (Google, NumPy or
    Sphinx style) gives the description, the arguments' descriptions (or
    ``Field(description=...)``) and, from its ``Returns`` section, the result's. With
    ``requires_approval=True`` every call first asks the ``approve`` callback.

    Each result is checked against the return annotation before the script sees it; a
    mismatch reaches the script as a ``ToolError`` with code ``result``.
    ``validate_result=False`` (or ``-> Any``) only serialises results.

    A method (a function in a class body whose first parameter is ``self``) becomes a
    tool bound to the instance it is read through; a ``functools.partial`` is named after
    the function it wraps and its bound arguments are not the script's to pass;
    ``typing.TypedDict`` works on Python 3.11 too. Generator functions and classmethods
    are refused. The result is callable as the function is, with the same types.
    """

    def build(function: Callable[..., Any], local_names: dict[str, Any]) -> Tool[..., Any]:
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

    def decorate(function: Callable[..., Any]) -> Tool[..., Any]:
        return build(function, dict(sys._getframe(1).f_locals))

    return decorate


def as_tools(items: Iterable[Tool[..., Any] | Callable[..., Any]]) -> list[Tool[..., Any]]:
    """Accept tools or plain functions (made tools with defaults).

    A method's tool read through its class rather than an instance is refused: it has no
    instance to call the method on.
    """
    tools: list[Tool[..., Any]] = []
    for item in items:
        if isinstance(item, Tool):
            if item.method_of is not None:
                raise ToolDefinitionError(
                    f"tool {item.name!r} is a method of {item.method_of} read through the "
                    f"class: give the method of an instance ({item.method_of}(...)."
                    f"{item.name}), which the calls go to"
                )
            tools.append(item)
        elif callable(item):
            tools.append(tool(item))
        else:
            raise ToolDefinitionError(f"not a tool or a function: {item!r}")
    return tools
