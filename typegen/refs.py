"""Reference resolution inside one schema document: ``$id`` bases, anchors, JSON pointers.

Only references that resolve inside the document are supported; nothing is fetched. A
document without a ``$id`` gets the private base URI :data:`DEFAULT_BASE`.
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
