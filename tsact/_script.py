"""From the user's script to the module the worker imports, and back to the user's lines.

The script is the body of an async function: it is parsed with tree-sitter
(TypeScript grammar), refused if it cannot be parsed or imports anything, its
trailing bare expression becomes the result, and it is wrapped so that user
line N is module line N (the wrapper header shares line 1). Every insertion is
remembered, so stack traces and positions map back to the user's own columns.
"""

from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass, field

import tree_sitter

from ._fuel import (
    FUEL_PREFIX,
    FUEL_PRELUDE,
    TS_LANGUAGE,
    fuel_insertions,
    node_position,
    reserved_identifiers,
    syntax_errors,
    tick_sites,
)

HEADER = "export default async function __tsact_main(__tsact_meter) {"
MODULE_URL_PREFIX = "data:application/typescript;base64,"
SCRIPT_NAME = "script.ts"

_local = threading.local()


def parse(source: bytes) -> tree_sitter.Tree:
    """Parse TypeScript with a per-thread parser (parsers are not thread-safe)."""
    parser: tree_sitter.Parser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = tree_sitter.Parser(TS_LANGUAGE)
        _local.parser = parser
    return parser.parse(source)


class ScriptRejected(Exception):
    """The script cannot run as given; ``kind`` is ``syntax`` or ``limit``."""

    def __init__(self, kind: str, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column


@dataclass
class SourceMap:
    """Maps 1-based (line, column) of the generated module back to the user's source."""

    shifts: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    def add(self, line: int, generated_column: int, length: int) -> None:
        """Record ``length`` inserted characters at a 0-based column of a generated line."""
        self.shifts.setdefault(line, []).append((generated_column, length))

    def to_user(self, line: int, column: int) -> tuple[int, int]:
        """The user's (line, column) for a generated one (columns are 1-based)."""
        spans = self.shifts.get(line)
        if not spans:
            return line, column
        position = column - 1
        removed = 0
        for start, length in spans:
            if start + length <= position:
                removed += length
            elif start <= position:
                removed += position - start
        return line, max(1, column - removed)


@dataclass(frozen=True)
class PreparedScript:
    """A script ready to run: the module URL the worker imports and how to map back."""

    module: str
    source_map: SourceMap

    @property
    def module_url(self) -> str:
        """The wrapped module as a ``data:`` URL (no file read in the sandbox)."""
        return MODULE_URL_PREFIX + base64.b64encode(self.module.encode()).decode()


_FORBIDDEN_QUERY = tree_sitter.Query(
    TS_LANGUAGE,
    """
    (import_statement) @static
    (export_statement) @export
    (meta_property) @meta
    (call_expression function: (import)) @dynamic
    """,
)
_FORBIDDEN = {
    "static": "import statements are not available: every tool is a global external_*",
    "dynamic": "dynamic import() is not available: every tool is a global external_*",
    "export": "export is not available: the script is the body of a function",
    "meta": "import.meta is not available in the sandbox",
}


def _refuse_forbidden(tree: tree_sitter.Tree, source: bytes) -> None:
    """Refuse imports of any kind (a query in C: no Python walk over the tree)."""
    captures = tree_sitter.QueryCursor(_FORBIDDEN_QUERY).captures(tree.root_node)
    found = [(node, name) for name, nodes in captures.items() for node in nodes]
    if found:
        node, name = min(found, key=lambda item: (item[0].start_byte, item[1]))
        line, column = node_position(source, node)  # UTF-16 columns, as V8 counts
        raise ScriptRejected("syntax", _FORBIDDEN[name], line, column)


def _trailing_expression(tree: tree_sitter.Tree) -> list[tuple[int, str]]:
    """Insertions (byte offset, text) turning a final bare expression into ``return``."""
    statements = [node for node in tree.root_node.named_children if node.type != "comment"]
    if not statements or statements[-1].type != "expression_statement":
        return []
    expression = statements[-1].named_children[0] if statements[-1].named_children else None
    if expression is None:
        return []
    return [(expression.start_byte, "return ("), (expression.end_byte, ")")]


def well_formed(text: str) -> str:
    """The text with lone surrogates (not Unicode, not writable as UTF-8) as U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def prepare(source: str, *, max_source_bytes: int, fuel: bool) -> PreparedScript:
    """Check, instrument and wrap a script, or raise ``ScriptRejected`` (``syntax``/``limit``).

    With ``fuel``, every loop iteration and function entry is metered (``_fuel``).
    """
    encoded = source.encode("utf-8")
    if len(encoded) > max_source_bytes:
        raise ScriptRejected(
            "limit",
            f"the script is {len(encoded)} bytes, over max_source_bytes ({max_source_bytes})",
        )
    if "\x00" in source:
        raise ScriptRejected("syntax", "the script contains a NUL character")
    tree = parse(encoded)
    sites = tick_sites(tree)
    errors = syntax_errors(tree, limit=1, sites=sites)
    if errors:
        line, column, message = errors[0]
        raise ScriptRejected("syntax", message, line, column)
    reserved = reserved_identifiers(tree, encoded)
    if reserved:
        line, column, name = reserved[0]
        raise ScriptRejected(
            "syntax",
            f"{name!r}: identifiers starting with {FUEL_PREFIX!r} are reserved by tsact",
            line,
            column,
        )
    _refuse_forbidden(tree, encoded)
    insertions = _trailing_expression(tree)
    prologue = ""
    if fuel:
        insertions += [
            (item.offset, item.text) for item in fuel_insertions(tree, encoded, sites=sites)
        ]
        prologue = FUEL_PRELUDE
    insertions.sort(key=lambda item: item[0])  # stable: same-offset insertions keep their order
    return _wrap(encoded, insertions, prologue)


def _wrap(encoded: bytes, insertions: list[tuple[int, str]], prologue: str) -> PreparedScript:
    source_map = SourceMap()
    header = HEADER + prologue
    source_map.add(1, 0, len(header))
    pieces = [header]
    line = 1
    column = len(header)
    previous = 0
    for offset, text in insertions:
        chunk = encoded[previous:offset].decode("utf-8")
        pieces.append(chunk)
        newlines = chunk.count("\n")
        if newlines:
            line += newlines
            column = len(chunk) - chunk.rfind("\n") - 1
        else:
            column += len(chunk)
        source_map.add(line, column, len(text))
        pieces.append(text)
        column += len(text)
        previous = offset
    pieces.append(encoded[previous:].decode("utf-8"))
    pieces.append("\n}\n")
    return PreparedScript(module="".join(pieces), source_map=source_map)


_FRAME = re.compile(
    r"^(?P<indent>\s*)at (?:(?P<fn>.+?) \()?"
    r"(?P<url>data:application/typescript;base64,[A-Za-z0-9+/=.]*):(?P<line>\d+):(?P<col>\d+)\)?$"
)
_POSITION = re.compile(
    r"data:application/typescript;base64,[A-Za-z0-9+/=.]*:(?P<line>\d+):(?P<col>\d+)"
)
_WRAPPER_NAMES = {"Module.default", "default", "__tsact_main", "async Module.default"}


@dataclass(frozen=True)
class MappedError:
    """An error's message, position and stack in the user's own lines."""

    message: str
    line: int | None
    column: int | None
    stack: str | None


def map_error(script: PreparedScript, message: str, stack: str | None) -> MappedError:
    """Rewrite the worker's stack and message to ``script.ts:line:col`` of the user's source."""
    line: int | None = None
    column: int | None = None
    mapped_frames: list[str] = []
    header_lines: list[str] = []
    if stack:
        for raw in stack.splitlines():
            match = _FRAME.match(raw)
            if match is None:
                if raw.lstrip().startswith("at "):
                    continue  # a frame of the prelude or of Deno's internals
                if not mapped_frames:
                    header_lines.append(raw)
                continue
            user_line, user_column = script.source_map.to_user(
                int(match["line"]), int(match["col"])
            )
            if line is None:
                line, column = user_line, user_column
            name = match["fn"]
            where = f"{SCRIPT_NAME}:{user_line}:{user_column}"
            if name and name not in _WRAPPER_NAMES:
                mapped_frames.append(f"    at {name} ({where})")
            else:
                mapped_frames.append(f"    at {where}")
    clean_message = message.split("\n    at ", 1)[0]
    position = _POSITION.search(message)
    if position is not None:
        user_line, user_column = script.source_map.to_user(
            int(position["line"]), int(position["col"])
        )
        if line is None:
            line, column = user_line, user_column
        clean_message = message.split("\n", 1)[0]
        clean_message = _POSITION.sub(f"{SCRIPT_NAME}:{user_line}:{user_column}", clean_message)
    clean_message = clean_message.removeprefix("SyntaxError: ")
    mapped_stack = "\n".join(header_lines[:1] + mapped_frames) if stack else None
    return MappedError(clean_message, line, column, mapped_stack)
