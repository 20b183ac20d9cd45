"""``typing.TypedDict`` made usable by pydantic on Python 3.11.

pydantic refuses ``typing.TypedDict`` before Python 3.12 (it needs features that only
``typing_extensions.TypedDict`` has there), yet ``from typing import TypedDict`` is what
people write. A TypedDict is only a description of a plain ``dict``, so an equivalent
``typing_extensions`` one (same name, module, docstring, keys, required keys and value
types) describes exactly the same values: tools take and return plain dicts either way.
Each class is converted once, so a TypedDict used by several tools stays one type in
the declarations; recursive ones convert too.
"""

from __future__ import annotations

import sys
import types
import typing
import weakref
from typing import Any, get_args, get_origin, get_type_hints

import typing_extensions

NEEDED = sys.version_info < (3, 12)
"""Whether pydantic refuses ``typing.TypedDict`` on this Python."""

_CONVERTED: weakref.WeakKeyDictionary[type, type] = weakref.WeakKeyDictionary()
_WRAPPERS = (typing.Required, typing.NotRequired)


def pydantic_ready(annotation: Any) -> Any:
    """``annotation`` with every ``typing.TypedDict`` in it replaced by an equivalent one
    pydantic accepts (on Python 3.12 and later, ``annotation`` itself).

    Raises ``NameError`` (or ``TypeError``) when a TypedDict's own annotations cannot be
    resolved.
    """
    return _converted(annotation) if NEEDED else annotation


def _is_typing_typeddict(annotation: Any) -> bool:
    return (
        isinstance(annotation, type)
        and typing.is_typeddict(annotation)
        and type(annotation).__module__ == "typing"
    )


def _converted(annotation: Any) -> Any:
    if _is_typing_typeddict(annotation):
        return _typeddict(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is None or not args:
        return annotation
    new_args = tuple(_converted(arg) for arg in args)
    if all(new is old for new, old in zip(new_args, args, strict=True)):
        return annotation
    if origin is typing.Annotated:
        return typing.Annotated[new_args]
    if origin is typing.Union or origin is types.UnionType:
        return typing.Union[new_args]  # noqa: UP007 (a tuple of members)
    if origin in _WRAPPERS:
        return origin[new_args[0]]
    try:
        return origin[new_args]
    except TypeError:  # a form that cannot be rebuilt from its parts: leave it to pydantic
        return annotation


def _typeddict(original: type) -> type:
    known = _CONVERTED.get(original)
    if known is not None:
        return known
    keys = list(original.__annotations__)
    total = bool(getattr(original, "__total__", True))
    placeholder: dict[str, Any] = dict.fromkeys(keys, Any)
    make: Any = typing_extensions.TypedDict  # a name known only when this runs
    converted: type = make(original.__name__, placeholder, total=total)
    converted.__module__ = original.__module__
    converted.__qualname__ = original.__qualname__
    converted.__doc__ = original.__doc__
    config = getattr(original, "__pydantic_config__", None)
    if config is not None:
        converted.__pydantic_config__ = config  # type: ignore[attr-defined]
    _CONVERTED[original] = converted  # before the values: a recursive one finds itself
    try:
        hints = get_type_hints(original, include_extras=True)
        # Required[...] and NotRequired[...] stay: they override the key sets, which
        # typing computes wrongly from postponed annotations (``from __future__``)
        converted.__annotations__ = {key: _converted(hints[key]) for key in keys}
    except BaseException:
        del _CONVERTED[original]
        raise
    converted.__required_keys__ = original.__required_keys__  # type: ignore[attr-defined]
    converted.__optional_keys__ = original.__optional_keys__  # type: ignore[attr-defined]
    return converted
