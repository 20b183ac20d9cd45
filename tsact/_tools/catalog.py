"""Large tool catalogs: a short listing for the prompt, and ``search_tools(query)`` in scripts.

With many tools (an MCP server can have a hundred), every declaration in the prompt
costs tens of thousands of tokens. In catalog mode the prompt lists each tool by name
with a one-line summary, and a script calls ``search_tools("words")`` to get the full
declarations of the best matches. Type checks still read every declaration, so a wrong
guess at a tool's arguments is a precise type error, not a failed call.

Ranking is BM25 over each tool's name, description and argument names (with their
descriptions), by SQLite's FTS5 (in the standard library's ``sqlite3``: a maintained
implementation, no dependency to add), with the Porter stemmer, names split at
underscores and case changes, and the name weighted most.

A tool's full declaration is cut out of the sandbox's one declaration file (its
``declare function`` and the helper types it reaches), so a search shows exactly the
names the type checker uses.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tsact._errors import ToolDefinitionError
from tsact._tools.tool import Tool, tool
from tsact._tools.toolbox import ToolAlias

SEARCH_TOOL_NAME = "tsact_search_tools"
"""The host tool behind ``search_tools``: scripts call the alias, not this name."""

SEARCH_ALIAS = ToolAlias("search_tools", SEARCH_TOOL_NAME, "query")

SEARCH_DECLARATION = """\
/**
 * Search the tools by what you need ("create issue", "forecast city"): returns the full
 * TypeScript declarations of the best matches, best first. Print it to read it.
 */
declare function search_tools(query: string): Promise<string>;
"""

CHARS_PER_TOKEN = 3.6
"""Characters per token of TypeScript declarations with JSDoc, for budgets (o200k_base
gives 3.5-3.9 on tsact's declarations; the estimate errs towards more tokens)."""

SUMMARY_CHARS = 60
"""A one-line summary is cut to about this many characters (at a word end)."""

_STOP_WORDS = (
    "a an and are as at be by can do for from how i in is it me my of on or that the this "
    "to tool tools what which with"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())
"""Words left out of a search: they say nothing about which tool is meant."""

NAME_WEIGHT, DESCRIPTION_WEIGHT, ARGUMENT_WEIGHT = 5.0, 1.0, 2.0


def estimate_tokens(text: str) -> int:
    """About how many tokens ``text`` costs a model (see ``CHARS_PER_TOKEN``)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def summary(description: str, limit: int = SUMMARY_CHARS) -> str:
    """The first sentence of ``description`` on one line, cut near ``limit`` characters."""
    text = " ".join(description.split())
    sentence = re.match(r"(.+?[.!?])(?:\s|$)", text)
    if sentence:
        text = sentence.group(1)
    text = text.rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"


MIN_SUMMARY_CHARS = 20
"""Below this a summary says nothing: a listing that needs shorter ones has names only."""


def _groups(tools: list[Tool]) -> list[tuple[str, list[Tool]]]:
    """Runs of consecutive tools whose names share the part before the first ``_``
    (at least 3 of them: ``github_*``), else single tools with no prefix."""
    groups: list[tuple[str, list[Tool]]] = []
    for item in tools:
        head, underscore, rest = item.name.partition("_")
        prefix = head if underscore and rest else ""
        if groups and prefix and groups[-1][0] == prefix:
            groups[-1][1].append(item)
        else:
            groups.append((prefix, [item]))
    flat: list[tuple[str, list[Tool]]] = []
    for prefix, members in groups:
        if prefix and len(members) >= 3:
            flat.append((prefix, members))
        else:
            flat.extend(("", [item]) for item in members)
    return flat


_CASE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words(text: str) -> str:
    """``text`` as words for the index: ``getForecast_v2`` -> ``get Forecast v2``."""
    return " ".join(_CASE.sub(" ", re.sub(r"[_\W]+", " ", text)).split())


def _argument_text(item: Tool) -> str:
    """Argument names and descriptions of a tool's input schema (top level and one below)."""
    parts: list[str] = []

    def visit(schema: object, depth: int) -> None:
        if not isinstance(schema, dict) or depth > 2:
            return
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                parts.append(words(str(name)))
                if isinstance(sub, dict) and isinstance(sub.get("description"), str):
                    parts.append(sub["description"])
                visit(sub, depth + 1)
        items = schema.get("items")
        visit(items, depth + 1)

    visit(item.input_schema(), 0)
    return " ".join(parts)


_BLOCK = re.compile(
    r"^(?:/\*\*.*?\*/\n)?(?:type (?P<type>\w+)\b|declare function (?P<function>\w+)\b)", re.S
)
_WORD = re.compile(r"\b[A-Za-z_$][\w$]*\b")


@dataclass(frozen=True)
class _Block:
    text: str
    uses: frozenset[str]


def _blocks(declarations: str) -> tuple[dict[str, _Block], dict[str, _Block]]:
    """Type and function declarations of a declaration file, by name."""
    types: dict[str, _Block] = {}
    functions: dict[str, _Block] = {}
    for raw in declarations.split("\n\n"):
        text = raw.strip("\n")
        match = _BLOCK.match(text)
        if match is None:
            continue
        block = _Block(text + "\n", frozenset(_WORD.findall(text)))
        if match["type"]:
            types[match["type"]] = block
        else:
            functions[match["function"]] = block
    return types, functions


class ToolCatalog:
    """The listing and the search index of a set of tools.

    ``declarations`` is the full declaration file those tools have in the sandbox; the
    search shows pieces of it.
    """

    def __init__(self, tools: Iterable[Tool], declarations: str, *, limit: int = 5) -> None:
        self.tools = [item for item in tools if item.name != SEARCH_TOOL_NAME]
        self.limit = limit
        self._types, self._functions = _blocks(declarations)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE tools USING fts5("
            "name, description, arguments, tokenize='porter unicode61')"
        )
        self._db.executemany(
            "INSERT INTO tools(rowid, name, description, arguments) VALUES (?, ?, ?, ?)",
            [
                (index, words(item.name), item.description, _argument_text(item))
                for index, item in enumerate(self.tools)
            ],
        )

    def listing(self, max_tokens: int | None = None) -> str:
        """One line per tool, ``name: summary``, tools that share a name prefix under one
        ``external_<prefix>_*`` heading.

        With ``max_tokens``, summaries are cut shorter until the listing fits (every
        name stays, so a huge catalog can still exceed it).
        """
        limit = SUMMARY_CHARS
        text = self._listing(limit)
        if max_tokens is None:
            return text
        while limit > MIN_SUMMARY_CHARS and estimate_tokens(text) > max_tokens:
            limit -= 4
            text = self._listing(limit)
        if estimate_tokens(text) > max_tokens:
            text = self._listing(0)
        return text

    def _names(self) -> str:
        """Names only, one line per group: the shortest listing."""
        lines: list[str] = []
        for prefix, members in _groups(self.tools):
            if prefix:
                names = ", ".join(item.name[len(prefix) + 1 :] for item in members)
                lines.append(f"external_{prefix}_*: {names}")
            else:
                lines.append(f"external_{members[0].name}")
        return "\n".join(lines)

    def _listing(self, limit: int) -> str:
        if limit == 0:
            return self._names()
        lines: list[str] = []
        for prefix, members in _groups(self.tools):
            indent = ""
            if prefix:
                lines.append(f"external_{prefix}_*:")
                indent = "  "
            for item in members:
                text = summary(item.description, limit)
                name = item.name[len(prefix) + 1 :] if prefix else f"external_{item.name}"
                lines.append(f"{indent}{name}" + (f": {text}" if text else ""))
        return "\n".join(lines)

    def declaration(self, name: str) -> str:
        """The full declaration of tool ``name``: its function and every helper type it
        reaches, in the order of the declaration file."""
        function = self._functions.get(f"external_{name}")
        if function is None:
            return ""
        needed: set[str] = set()
        pending = [word for word in function.uses if word in self._types]
        while pending:
            current = pending.pop()
            if current in needed:
                continue
            needed.add(current)
            pending.extend(w for w in self._types[current].uses if w in self._types)
        parts = [block.text for name_, block in self._types.items() if name_ in needed]
        return "\n".join([*parts, function.text])

    def search(self, query: str, limit: int | None = None) -> list[Tool]:
        """The tools that best match ``query`` (BM25), best first; words that say nothing
        about a tool (``a``, ``of``, ``the``...) are left out of the query."""
        terms = [term for term in words(query).split() if term.lower() not in STOP_WORDS]
        if not terms:
            return []
        match = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
        with self._lock:
            rows = self._db.execute(
                "SELECT rowid FROM tools WHERE tools MATCH ? ORDER BY bm25(tools, ?, ?, ?) LIMIT ?",
                (
                    match,
                    NAME_WEIGHT,
                    DESCRIPTION_WEIGHT,
                    ARGUMENT_WEIGHT,
                    limit or self.limit,
                ),
            ).fetchall()
        return [self.tools[row[0]] for row in rows]

    def answer(self, query: str, *, max_chars: int = 1600) -> str:
        """What ``search_tools(query)`` returns: the declarations of the best matches,
        within about ``max_chars`` (the best match always), and the names of the rest."""
        found = self.search(query)
        if not found:
            return (
                f"No tool matches {query!r}. Try other words (what the tool does, or the "
                "name of a thing it takes), or pick a name from the list of tools."
            )
        shown: list[str] = []
        left: list[str] = []
        used = 0
        for item in found:
            text = self.declaration(item.name)
            if shown and used + len(text) > max_chars:
                left.append(f"external_{item.name}")
                continue
            shown.append(text)
            used += len(text)
        count = f"{len(found)} best matches" if len(found) > 1 else "1 match"
        head = f"// {count} for {query!r}, best first"
        tail = (
            f"\n// also matching (search with their names to see them): {', '.join(left)}"
            if left
            else ""
        )
        return head + "\n" + "\n".join(shown) + tail

    def close(self) -> None:
        """Free the index."""
        with self._lock:
            self._db.close()


def search_tool(catalog: Callable[[], ToolCatalog]) -> Tool:
    """The host tool that answers ``search_tools(query)`` from ``catalog()`` (built on the
    first search: indexing a big catalog is work a run that never searches should not do)."""

    @tool(name=SEARCH_TOOL_NAME)
    def search(query: str) -> str:
        """Search the tools: the full declarations of the best matches."""
        return catalog().answer(query)

    return search


def check_search_name(tools: Iterable[Tool]) -> None:
    """A tool named like the search tool cannot be offered next to it."""
    for item in tools:
        if item.name == SEARCH_TOOL_NAME:
            raise ToolDefinitionError(
                f"tool name {SEARCH_TOOL_NAME!r} is taken by tsact's tool search "
                "(tool_search=True): rename the tool"
            )
