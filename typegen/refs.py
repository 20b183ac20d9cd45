"""Reference resolution inside one schema document: ``$id`` bases, anchors, JSON pointers.

Only references that resolve inside the document are followed; nothing is fetched (callers
widen the others, see :meth:`Document.try_resolve`). A document without a ``$id`` gets the
private base URI :data:`DEFAULT_BASE`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from .errors import SchemaError
from .keywords import iter_subschemas

__all__ = ["DEFAULT_BASE", "Document", "Path", "format_path"]

Path = tuple[str | int, ...]
"""A location inside a document: the keys and indices from its root."""

DEFAULT_BASE = "file:///__typegen__/schema.json"
"""Base URI of a document whose root has no ``$id``."""


def format_path(path: Path) -> str:
    """Render ``path`` as a JSON-pointer fragment, e.g. ``#/properties/a``."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in path)
    return "#" + "".join("/" + p for p in parts)


def sorted_paths(paths: set[Path | None]) -> list[Path | None]:
    """``paths`` in a deterministic order (``None`` first)."""
    return sorted(paths, key=lambda p: (p is not None, [str(x) for x in p or ()]))


def _join(base: str, ref: str) -> str:
    if ref.startswith("#"):
        return urldefrag(base).url + ref
    if urlsplit(ref).scheme:
        return ref
    return urljoin(base, ref)


class Document:
    """One schema document, indexed for ``$ref`` resolution."""

    def __init__(self, root: Any) -> None:
        """Index every ``$id`` and anchor reachable through schema keywords of ``root``."""
        self.root = root
        self._resources: dict[str, Path] = {}
        self._anchors: dict[str, Path] = {}
        self._dynamic: dict[str, list[tuple[str, Path]]] = {}
        self._scope_cache: dict[str, dict[Path, set[Path | None]]] = {}
        self._bases: dict[Path, str] = {}
        self._index(root, (), DEFAULT_BASE)
        self._resources.setdefault(urldefrag(DEFAULT_BASE).url, ())

    def _index(self, node: Any, path: Path, base: str) -> None:
        if isinstance(node, dict):
            sid = node.get("$id")
            if isinstance(sid, str):
                base = urldefrag(_join(base, sid)).url
                self._resources[base] = path
            for key in ("$anchor", "$dynamicAnchor"):
                anchor = node.get(key)
                if isinstance(anchor, str):
                    self._anchors.setdefault(base + "#" + anchor, path)
            dynamic = node.get("$dynamicAnchor")
            if isinstance(dynamic, str):
                self._dynamic.setdefault(dynamic, []).append((base, path))
        self._bases[path] = base
        for rel, sub in iter_subschemas(node):
            self._index(sub, path + rel, base)

    def at(self, path: Path) -> Any:
        """Return the value at ``path``."""
        node = self.root
        for p in path:
            node = node[p]
        return node

    def base_of(self, path: Path) -> str:
        """Return the base URI in force at ``path``."""
        if path in self._bases:
            return self._bases[path]
        base = self.base_of(path[:-1]) if path else DEFAULT_BASE
        node = self.at(path)
        sid = node.get("$id") if isinstance(node, dict) else None
        return urldefrag(_join(base, sid)).url if isinstance(sid, str) else base

    def resolve(self, ref: str, at: Path) -> Path:
        """Return the location that ``ref``, written at location ``at``, points to.

        Raises :class:`SchemaError` if it does not resolve to a schema in this document.
        """
        target = _join(self.base_of(at), ref)
        uri, fragment = urldefrag(target)
        where = f"$ref {ref!r} at {format_path(at)}"
        if uri not in self._resources:
            raise SchemaError(f"{where}: {uri or target!r} is not in this schema document")
        path = self._resources[uri]
        fragment = unquote(fragment)
        if fragment.startswith("/"):
            node = self.at(path)
            for token in fragment[1:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and token in node:
                    node, path = node[token], (*path, token)
                elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                    node, path = node[int(token)], (*path, int(token))
                else:
                    raise SchemaError(f"{where}: no {token!r} in {format_path(path)}")
        elif fragment:
            key = uri + "#" + fragment
            if key not in self._anchors:
                raise SchemaError(f"{where}: no anchor {fragment!r}")
            path = self._anchors[key]
        if not isinstance(self.at(path), dict | bool):
            raise SchemaError(f"{where}: the target {format_path(path)} is not a schema")
        return path

    def try_resolve(self, ref: str, at: Path) -> Path | None:
        """Like :meth:`resolve`, but ``None`` where the reference does not resolve."""
        try:
            return self.resolve(ref, at)
        except SchemaError:
            return None

    def dynamic_targets(self, ref: str, at: Path) -> list[Path] | None:
        """Every location a ``$dynamicRef`` written at ``at`` may lead to (``None``: nowhere).

        It starts like a ``$ref``. When that target declares the ``$dynamicAnchor`` named by
        the fragment, evaluation takes the outermost resource in the dynamic scope that
        declares it: the document's root resource if it does (evaluation always starts
        there), else one of the resources declaring it, not known before evaluation.
        """
        first = self.try_resolve(ref, at)
        if first is None:
            return None
        name = unquote(urldefrag(ref).fragment)
        target = self.at(first)
        if not name or name.startswith("/") or not isinstance(target, dict):
            return [first]
        if target.get("$dynamicAnchor") != name:
            return [first]
        declared = self._dynamic.get(name, [])
        scopes = self._scopes(name).get(at)
        if not scopes:  # not reached from the root: any resource declaring it may be outermost
            return list(dict.fromkeys([first, *(path for _, path in declared)]))
        return list(
            dict.fromkeys(first if found is None else found for found in sorted_paths(scopes))
        )

    def _anchor_in(self, base: str, name: str) -> Path | None:
        """The schema declaring ``$dynamicAnchor: name`` in resource ``base``, if any."""
        return next((p for b, p in self._dynamic.get(name, []) if b == base), None)

    def _scopes(self, name: str) -> dict[Path, set[Path | None]]:
        """For each location evaluation can reach, the outermost ``$dynamicAnchor: name`` that
        can be in its dynamic scope (``None``: none), over every way of reaching it.

        Evaluation starts at the root and enters a resource when it steps into a schema
        with another base URI (a subschema with ``$id``, or a reference's target).
        """
        cached = self._scope_cache.get(name)
        if cached is not None:
            return cached
        start = self._anchor_in(self.base_of(()), name)
        states: dict[Path, set[Path | None]] = {(): {start}}
        queue: list[tuple[Path, Path | None]] = [((), start)]
        while queue:
            location, found = queue.pop()
            for step in self._evaluated_from(location):
                outer = found
                if outer is None and self.base_of(step) != self.base_of(location):
                    outer = self._anchor_in(self.base_of(step), name)
                seen = states.setdefault(step, set())
                if outer not in seen:
                    seen.add(outer)
                    queue.append((step, outer))
        self._scope_cache[name] = states
        return states

    def _evaluated_from(self, location: Path) -> list[Path]:
        """Locations evaluation may go on to from ``location`` (subschemas and references)."""
        node = self.at(location)
        steps = [
            location + rel
            for rel, _ in iter_subschemas(node)
            if rel[0] not in ("$defs", "definitions")
        ]
        if isinstance(node, dict):
            ref = node.get("$ref")
            target = self.try_resolve(ref, location) if isinstance(ref, str) else None
            if target is not None:
                steps.append(target)
            dynamic = node.get("$dynamicRef")
            target = self.try_resolve(dynamic, location) if isinstance(dynamic, str) else None
            if target is not None:
                name = unquote(urldefrag(dynamic).fragment)
                steps += [target, *(p for _, p in self._dynamic.get(name, []))]
        return steps
