"""The declaration-file builder: several schemas, one set of shared, non-colliding names.

Usage (what tsact does per tool)::

    emitter = TypeScriptEmitter(open_objects=False)
    emitter.reserve("ToolError")                     # names the caller declares itself
    args = emitter.add("AddNumbersArgs", args_schema)
    result = emitter.add("AddNumbersResult", result_schema)
    source = emitter.render()
    source += f"declare function external_AddNumbers(args: {args}): Promise<{result}>;"

Names given to :meth:`TypeScriptEmitter.add` are used exactly. Helper types (one per
``$ref`` target, typically each ``$defs`` entry) are named when rendering, after every
schema is known: a sanitised form of the ``$defs`` key (or title, or anchor). A TypeScript
keyword or global (``Date``, ``Response``, ``Record``, ...) first gets ``_`` (``Date_``);
a name taken by an explicit type, a name passed to ``reserve`` or another helper is
suffixed ``2``, ``3``, ... (``Address2``).
Helper types whose whole definition (including everything they reference) is identical are
shared between schemas, so two tools using the same pydantic model declare it once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .cycles import break_cycles
from .errors import SchemaError
from .ir import TsType, all_refs
from .jsdoc import jsdoc, schema_doc
from .keywords import NEUTRAL_KEYWORDS, iter_subschemas
from .names import NameAllocator, is_identifier
from .printer import Printer, Unconstrained
from .refs import Document, Path
from .reserved import RESERVED_NAMES
from .translate import Translator

__all__ = ["Declaration", "TypeScriptEmitter"]


@dataclass(frozen=True, slots=True)
class Declaration:
    """One emitted ``type`` declaration."""

    name: str
    """The type's name."""
    source: str
    """TypeScript source: optional JSDoc, then ``type <name> = ...;`` and a newline."""
    explicit: bool
    """True for names passed to :meth:`TypeScriptEmitter.add`, False for helper types."""
    body: str = ""
    """The type expression alone (what follows ``type <name> =``)."""
    doc: tuple[str, ...] = ()
    """The JSDoc lines, without comment markers."""
    references: frozenset[str] = frozenset()
    """Names of the other declarations the body refers to."""


@dataclass(slots=True)
class _Node:
    key: int
    group: int
    doc_id: int
    path: Path
    preferred: str
    explicit: str | None
    docs: tuple[str, ...] = ()
    body: TsType | None = None


def _walk(schema: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    yield path, schema
    for rel, sub in iter_subschemas(schema):
        yield from _walk(sub, path + rel)


def _preferred_name(doc: Document, path: Path) -> str:
    schema = doc.at(path)
    if len(path) >= 2 and path[-2] in ("$defs", "definitions"):
        return str(path[-1])
    if isinstance(schema, dict):
        for key in ("title", "$anchor", "$dynamicAnchor"):
            value = schema.get(key)
            if isinstance(value, str) and value.strip():
                return value
    named = [str(p) for p in path if isinstance(p, str)]
    return named[-1] if named else "Schema"


class TypeScriptEmitter:
    """Collects named schemas and renders them as one TypeScript declaration file."""

    def __init__(
        self, *, open_objects: bool = True, unconstrained: Unconstrained = "unknown"
    ) -> None:
        """Create an empty emitter.

        ``open_objects=True`` (sound): an object schema that does not forbid extra
        properties gets an index signature, so extra keys type-check. ``False``: objects
        that declare properties but say nothing about others are closed, so TypeScript's
        excess property checks reject unknown keys (matches pydantic's default of ignoring
        extras, not JSON Schema's default of allowing them).

        ``unconstrained`` is how a schema that constrains nothing renders (``{}``, ``true``,
        an object's unconstrained values, anything widened): ``"unknown"`` (default) makes
        code narrow such data before using it; ``"any"`` lets code use data nobody
        described (a tool returning ``dict`` or ``Any``) as it would in JavaScript. Both
        are sound; described data stays precise either way.
        """
        if unconstrained not in ("unknown", "any"):
            raise ValueError(f"unconstrained must be 'unknown' or 'any', not {unconstrained!r}")
        self.open_objects = open_objects
        self.unconstrained: Unconstrained = unconstrained
        self._docs: list[Document] = []
        self._translators: list[Translator] = []
        self._nodes: list[_Node] = []
        self._by_location: dict[tuple[int, Path], int] = {}
        self._by_fingerprint: dict[str, int] = {}
        self._explicit: set[str] = set()
        self._reserved: set[str] = set()
        self._pending: list[int] = []
        self._summaries: dict[tuple[int, Path], tuple[str, list[Path]]] = {}

    # ------------------------------------------------------------------ public API

    def reserve(self, *names: str) -> None:
        """Keep helper types from taking ``names`` (types the caller declares itself)."""
        self._reserved.update(names)

    def is_used(self, name: str) -> bool:
        """True if ``name`` was added or reserved, so :meth:`add` would refuse it as used."""
        return name in self._explicit or name in self._reserved

    def add(self, name: str, schema: dict[str, Any] | bool, *, doc: str | None = None) -> str:
        """Declare ``type <name>`` for ``schema`` (with ``doc`` as its JSDoc if given).

        Returns ``name``. Raises :class:`ValueError` if ``name`` is not an identifier, is a
        TypeScript keyword or global, or was added before; :class:`~typegen.SchemaError` if
        the schema cannot be translated (nothing is added then).
        """
        if not is_identifier(name) or name in RESERVED_NAMES:
            raise ValueError(f"{name!r} cannot be a TypeScript type name here")
        if self.is_used(name):
            raise ValueError(f"type name {name!r} is already used")
        n_nodes, n_docs = len(self._nodes), len(self._docs)
        saved = (dict(self._by_location), dict(self._by_fingerprint))
        try:
            self._add(name, schema, doc)
        except (SchemaError, RecursionError) as exc:
            # truncate, not pop: _add may fail before it appends its document
            del self._nodes[n_nodes:]
            del self._docs[n_docs:]
            del self._translators[n_docs:]
            self._by_location, self._by_fingerprint = saved
            self._pending.clear()
            self._summaries = {k: v for k, v in self._summaries.items() if k[0] < len(self._docs)}
            if isinstance(exc, RecursionError):
                raise SchemaError(f"schema for {name!r} is nested too deeply") from exc
            raise
        self._explicit.add(name)
        return name

    def declarations(self) -> list[Declaration]:
        """Return every declaration in a deterministic order.

        Explicit types in the order they were added, each followed by the helper types
        first needed by it.
        """
        bodies = break_cycles({n.key: n.body for n in self._nodes if n.body is not None})
        used = self._reachable(bodies)
        allocator = NameAllocator(self._explicit | self._reserved)
        names: dict[int, str] = {}
        for node in self._nodes:
            if node.key in used:
                names[node.key] = node.explicit or allocator.allocate(node.preferred)
        printer = Printer(names, open_objects=self.open_objects, unconstrained=self.unconstrained)
        ordered = sorted(
            (n for n in self._nodes if n.key in used),
            key=lambda n: (n.group, n.explicit is None, n.key),
        )
        declarations: list[Declaration] = []
        for n in ordered:
            body = printer.type(bodies[n.key])
            declarations.append(
                Declaration(
                    names[n.key],
                    f"{jsdoc(n.docs)}type {names[n.key]} = {body};\n",
                    n.explicit is not None,
                    body=body,
                    doc=tuple(n.docs),
                    references=frozenset(
                        names[key] for key in all_refs(bodies[n.key]) if key != n.key
                    ),
                )
            )
        return declarations

    def render(self) -> str:
        """Return all declarations as TypeScript source, separated by blank lines."""
        return "\n".join(d.source for d in self.declarations())

    # -------------------------------------------------------------------- internals

    def _reachable(self, bodies: dict[int, TsType]) -> set[int]:
        """Keys of explicit nodes and of every named type their bodies reach."""
        used: set[int] = set()
        stack = [n.key for n in self._nodes if n.explicit is not None]
        while stack:
            key = stack.pop()
            if key not in used:
                used.add(key)
                stack.extend(all_refs(bodies[key]))
        return used

    def _add(self, name: str, schema: dict[str, Any] | bool, doc: str | None) -> None:
        document = Document(schema)
        doc_id = len(self._docs)
        self._docs.append(document)
        self._translators.append(Translator(document, lambda p: self._node_for(doc_id, p)))
        group = len(self._explicit)
        translator = self._translators[doc_id]
        docs = tuple(doc.splitlines()) if doc is not None else schema_doc(schema, name)
        docs += translator.ref_notes(schema, ())
        target: Path = ()
        fingerprint = ""
        resolved = (
            document.try_resolve(schema["$ref"], ())
            if isinstance(schema, dict)
            and isinstance(schema.get("$ref"), str)
            and not (schema.keys() - NEUTRAL_KEYWORDS - {"$ref"})
            else None
        )
        if resolved is not None:
            # a root that only points at a definition: that definition takes the name
            fingerprint = self._fingerprint(doc_id, resolved)
            if fingerprint not in self._by_fingerprint:
                target = resolved
        if target:
            key = self._new_node(group, doc_id, target, name, name)
            self._by_fingerprint[fingerprint] = key
            self._by_location[(doc_id, ())] = key
            self._nodes[key].docs = docs or schema_doc(document.at(target), name)
        else:
            key = self._new_node(group, doc_id, (), name, name)
            self._nodes[key].docs = docs
        while self._pending:
            node = self._nodes[self._pending.pop(0)]
            node.body = self._translators[node.doc_id].translate(node.path)

    def _new_node(self, group: int, doc_id: int, path: Path, pref: str, exp: str | None) -> int:
        key = len(self._nodes)
        self._nodes.append(_Node(key, group, doc_id, path, pref, exp))
        self._by_location[(doc_id, path)] = key
        self._pending.append(key)
        return key

    def _node_for(self, doc_id: int, path: Path) -> int:
        document = self._docs[doc_id]
        found = self._by_location.get((doc_id, path))
        if found is not None:
            return found
        fingerprint = self._fingerprint(doc_id, path)
        found = self._by_fingerprint.get(fingerprint)
        if found is not None:
            self._by_location[(doc_id, path)] = found
            return found
        preferred = _preferred_name(document, path)
        key = self._new_node(len(self._explicit), doc_id, path, preferred, None)
        schema = document.at(path)
        notes = self._translators[doc_id].ref_notes(schema, path)
        self._nodes[key].docs = schema_doc(schema, preferred) + notes
        self._by_fingerprint[fingerprint] = key
        return key

    def _fingerprint(self, doc_id: int, start: Path) -> str:
        """Identify a schema together with everything it references, wherever it lives."""
        seen: dict[Path, str] = {}
        queue = [start]
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            content, targets = self._summary(doc_id, path)
            seen[path] = content
            queue.extend(targets)
        closure = sorted((json.dumps(list(p)), h) for p, h in seen.items())
        key = json.dumps([list(start), closure])
        return hashlib.sha256(key.encode()).hexdigest()

    def _summary(self, doc_id: int, path: Path) -> tuple[str, list[Path]]:
        """Hash of the subschema at ``path`` and the locations its references point to."""
        found = self._summaries.get((doc_id, path))
        if found is None:
            document = self._docs[doc_id]
            schema = document.at(path)
            translator = self._translators[doc_id]
            targets = [
                target
                for sub_path, sub in _walk(schema, path)
                for found in translator.ref_targets(sub, sub_path)
                for target in found or ()
            ]
            text = json.dumps(schema, sort_keys=True, default=repr)
            found = (hashlib.sha256(text.encode()).hexdigest(), targets)
            self._summaries[(doc_id, path)] = found
        return found
