"""What a tool calls, read from the callable a user gave: its name, docs, annotations
and the arguments the script passes.

Functions are read as they are. A ``functools.partial`` is named, documented and
annotated after the function it wraps, and the arguments it binds are not the script's
to pass. A function defined in a class body whose first parameter is ``self`` is a
method: ``self`` is not an argument, and the tool is bound to an instance when read
through one (``Tool.__get__``). A ``staticmethod`` is its function. Generators and
classmethods are refused, each with what to write instead.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import Any, get_type_hints


class CalleeError(ValueError):
    """The callable cannot be a tool; the message says why (the tool's name is added)."""


@dataclasses.dataclass(frozen=True)
class Callee:
    """A callable as a tool sees it."""

    function: Callable[..., Any]
    """What the tool calls (a method's plain function until it is bound)."""
    name: str
    doc: str | None
    hints: dict[str, Any]
    parameters: list[inspect.Parameter]
    """The arguments the script passes, by name."""
    method_of: str | None = None
    """The class's name when ``function`` is a method still to be bound to an instance."""


def read_callee(fn: Any, *, local_names: dict[str, Any] | None) -> Callee:
    """``fn`` read as a tool's callable; ``CalleeError`` when it cannot be one."""
    static = isinstance(fn, staticmethod)
    if static:
        fn = fn.__func__
    if isinstance(fn, classmethod):
        raise CalleeError(
            "a classmethod cannot be a tool: use a plain function, a static method, or a "
            "method read through an instance"
        )
    base = _innermost(fn)
    name = callable_name(base)
    if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
        raise CalleeError(
            "a generator function cannot be a tool: a tool returns one value, so collect "
            "the items and return them as a list"
        )
    try:
        hints = get_type_hints(base, localns=local_names, include_extras=True)
    except Exception as exc:  # NameError, TypeError from bad annotations
        raise CalleeError(f"cannot resolve type annotations: {exc}") from None
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError) as exc:
        raise CalleeError(f"cannot read its signature: {exc}") from None
    parameters = list(signature.parameters.values())
    if isinstance(fn, functools.partial):
        bound = _keywords_bound(fn)
        parameters = [p for p in parameters if p.name not in bound]
    method_of = None if static else _defining_class(fn, parameters)
    if method_of is not None:
        parameters = parameters[1:]
    return Callee(
        function=fn,
        name=name,
        doc=getattr(base, "__doc__", None),
        hints=hints,
        parameters=parameters,
        method_of=method_of,
    )


def callable_name(fn: Any) -> str:
    """The name a tool made from ``fn`` gets: a partial's function's, a method's own."""
    return str(getattr(_innermost(fn), "__name__", ""))


def _innermost(fn: Any) -> Any:
    if isinstance(fn, (staticmethod, classmethod)):
        fn = fn.__func__
    while isinstance(fn, functools.partial):
        fn = fn.func
    return fn


def _keywords_bound(fn: functools.partial[Any]) -> set[str]:
    bound: set[str] = set()
    layer: Any = fn
    while isinstance(layer, functools.partial):
        bound |= set(layer.keywords)
        layer = layer.func
    return bound


def _defining_class(fn: Any, parameters: list[inspect.Parameter]) -> str | None:
    """The class a plain function is defined in when it is a method (``self`` first)."""
    if not inspect.isfunction(fn):
        return None  # bound methods, partials and callable objects are called as they are
    *outer, _ = fn.__qualname__.split(".")
    if not outer or outer[-1] == "<locals>":
        return None
    first = parameters[0].name if parameters else None
    if first == "cls":
        raise CalleeError(
            "its first parameter is 'cls': a classmethod cannot be a tool (write @tool "
            "on a plain function, a static method, or a method read through an instance)"
        )
    return outer[-1] if first == "self" else None
