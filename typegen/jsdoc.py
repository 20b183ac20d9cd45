"""JSDoc comments: rendering comment blocks and collecting a schema's annotations.

Annotations (description, informative title, default, examples, deprecated, format,
content type and numeric/length/pattern constraints) cannot all be expressed in the type,
so they are carried to the reader as JSDoc lines and tags.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["escape_comment", "jsdoc", "schema_doc"]

MAX_VALUE_CHARS = 160
"""JSON values shown in tags (defaults, examples) are cut to this many characters."""

_TAG_KEYWORDS = (
    "format",
    "contentMediaType",
    "contentEncoding",
    "pattern",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)


def escape_comment(text: str) -> str:
    r"""Make ``text`` safe inside a ``/* ... */`` comment (``*/`` becomes ``*\/``)."""
    return text.replace("*/", "*\\/")


def jsdoc(text: str | Sequence[str] | None, indent: str = "") -> str:
    """Render a JSDoc block, or ``""`` if there is nothing to say.

    ``text`` is free text (split on newlines) or a sequence of lines; ``*/`` is escaped.
    One short line gives ``/** text */``; otherwise a multi-line block, each line prefixed
    with ``indent``. The result ends with a newline when it is not empty.
    """
    if text is None:
        return ""
    raw = text.splitlines() if isinstance(text, str) else list(text)
    lines = [escape_comment(line.rstrip()) for line in raw]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return ""
    if len(lines) == 1 and len(lines[0]) + len(indent) <= 90:
        return f"{indent}/** {lines[0]} */\n"
    body = "".join(f"{indent} *{' ' + line if line else ''}\n" for line in lines)
    return f"{indent}/**\n{body}{indent} */\n"


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return text


def _small_int(value: Any, limit: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _annotation_sources(schema: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """The schema itself, plus the one non-null branch of a nullable ``anyOf``/``oneOf``."""
    yield schema
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list):
            other = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
            if len(other) == 1 and len(branches) == 2 and isinstance(other[0], dict):
                yield other[0]
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict):
        yield all_of[0]


def schema_doc(schema: Any, name: str | None = None) -> tuple[str, ...]:
    """Return the JSDoc lines describing ``schema`` (empty if it has no annotations).

    ``name`` is the property or type name being documented: a ``title`` that only restates
    it (as pydantic's generated titles do) is left out.
    """
    if not isinstance(schema, dict):
        return ()
    text: list[str] = []
    tags: list[str] = []
    seen: set[str] = set()
    for source in _annotation_sources(schema):
        title = source.get("title") if source is schema else None
        if (
            isinstance(title, str)
            and title.strip()
            and (name is None or _normal(title) != _normal(name))
        ):
            text.extend(title.strip().splitlines())
        description = source.get("description")
        if isinstance(description, str) and "description" not in seen and description.strip():
            seen.add("description")
            if text:
                text.append("")
            text.extend(description.strip().splitlines())
        if source.get("deprecated") is True and "deprecated" not in seen:
            seen.add("deprecated")
            tags.append("@deprecated")
        if "default" in source and "default" not in seen:
            seen.add("default")
            tags.append(f"@default {_value(source['default'])}")
        examples = source.get("examples")
        if isinstance(examples, list) and "examples" not in seen:
            seen.add("examples")
            tags.extend(f"@example {_value(e)}" for e in examples)
        elif "example" in source and "examples" not in seen:
            seen.add("examples")
            tags.append(f"@example {_value(source['example'])}")
        prefix = source.get("prefixItems")
        spelled = 8 + (len(prefix) if isinstance(prefix, list) else 0)
        for key in _TAG_KEYWORDS:
            if key in ("minItems", "maxItems") and _small_int(source.get(key), spelled):
                continue  # expressed in the type as tuple positions
            if key in source and key not in seen:
                seen.add(key)
                value = source[key]
                shown = value if isinstance(value, str) else _value(value)
                shown = shown.replace("\r", "\\r").replace("\n", "\\n")
                tags.append(f"@{key} {shown}")
    return tuple(text + tags)
