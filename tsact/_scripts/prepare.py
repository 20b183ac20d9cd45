"""From the user's script to the module the prelude imports, and back to the user's lines.

The script is the body of an async function: it is parsed with tree-sitter
(TypeScript grammar), refused if it cannot be parsed or imports anything, its
trailing bare expression becomes the result, and it is wrapped so that user
line N is module line N (the wrapper header shares line 1). Every insertion is
remembered, so stack traces and positions map back to the user's own columns.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from functools import partial

import tree_sitter

from tsact._scripts.erase import (
    SPACES,
    Erasure,
    erasures,
    is_javascript,
    javascript_text,
    open_statements,
)
from tsact._scripts.fuel import (
    FUEL_PREFIX,
    FUEL_PRELUDE,
    IDENTIFIER_QUERY,
    TS_LANGUAGE,
    TickSites,
    byte_position,
    fuel_insertions,
    reserved_identifiers,
    syntax_errors,
    tick_sites,
)
from tsact._tools.toolbox import ToolAlias

MODULE_OPEN = "export default "
CLASSIC_OPEN = '"use strict";  '
"""Replaces ``MODULE_OPEN`` to make the module a classic script, column for column: the
prelude evaluates that at once (``StartParams.source``), where importing the module takes
about half a millisecond more. The script's value is the wrapper's function."""
HEADER = MODULE_OPEN + "(__tsact_meter, __tsact_state, __tsact_expose) => {"
"""Opens the module on user line 1; :func:`_header` adds the fuel counter and aliases.

The script runs inside ``__tsact_main``, called with no arguments, so ``arguments`` and
``this`` at its top level show nothing; the meter is a parameter of the outer arrow, whose
name the script cannot spell (``__tsact`` identifiers are refused).
"""
MAIN_OPEN = "return (async function __tsact_main() {"
FOOTER = "\n})();\n};\n"
MODULE_URL_PREFIX = "data:application/typescript;base64,"
JS_MODULE_URL_PREFIX = "data:application/javascript;base64,"
SCRIPT_NAME = "script.ts"
ERASE_MAX_BYTES = 4096
"""Largest script whose types are erased on the host (``erase``). Erasing and checking the
result about doubles ``prepare`` (0.5 -> 1.0 ms for 0.5 KB of typed code, 3.5 -> 6.2 ms for
8 KB); what it saves is Deno's transpile and import, as the JavaScript is evaluated as a
classic script. A whole prewarmed run, erased against transpiled (fuel on, medians of 9):
4.9 vs 6.1 ms for 2 KB, 5.9 vs 7.0 ms for 4 KB, about even from 6 to 10 KB, 14.4 vs
12.1 ms for 12 KB. Models' scripts are mostly well under the limit."""
MAX_NESTING = 256
"""Deepest syntax tree accepted. Deno's transpiler overflows its stack on about a thousand
nested parentheses (2.9.8) and aborts the process; no script a model writes comes near."""

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
    """A script ready to run: the module URL the prelude imports and how to map back."""

    module: str
    source_map: SourceMap
    header_length: int = 0
    """Characters of wrapper code at the start of line 1."""
    last_line: int = 1
    """The user's last line; later lines are the wrapper's."""
    javascript: bool = False
    """The module is JavaScript (its types erased): Deno runs it without transpiling."""

    def in_wrapper(self, line: int, column: int) -> bool:
        """Whether a generated position is the wrapper's code, not the user's."""
        return line > self.last_line or (line == 1 and column <= self.header_length)

    @property
    def classic(self) -> str | None:
        """The module as a strict classic script, for JavaScript (None for TypeScript).

        The two goals read a program alike once ``vet`` has refused the forms they read
        apart: HTML-like comments, and ``await`` outside an async function (an
        identifier to a classic script, so ``await /x/`` would be a division there).
        """
        if not self.javascript:
            return None
        return CLASSIC_OPEN + self.module.removeprefix(MODULE_OPEN)

    @property
    def module_url(self) -> str:
        """The wrapped module as a ``data:`` URL (no file read in the sandbox)."""
        prefix = JS_MODULE_URL_PREFIX if self.javascript else MODULE_URL_PREFIX
        return prefix + base64.b64encode(self.module.encode()).decode()


_FORBIDDEN_QUERY = tree_sitter.Query(
    TS_LANGUAGE,
    """
    (import_statement) @static
    (export_statement) @export
    (meta_property) @meta
    (call_expression function: (import)) @dynamic
    (call_expression function: (identifier) @require_name (#eq? @require_name "require")) @require
    (html_comment) @html
    (comment) @comment
    (await_expression) @await
    (for_in_statement "await" @await)
    """,
)
_FORBIDDEN = {
    "static": "import statements are not available: every tool is a global external_*",
    "dynamic": "dynamic import() is not available: every tool is a global external_*",
    "require": "require() is not available: every tool is a global external_*",
    "reference": "triple-slash directives are not available: every tool is a global external_*",
    "export": "export is not available: the script is the body of a function",
    "meta": "import.meta is not available in the sandbox",
    "html": "HTML-like comments (<!-- and -->) are not accepted: use // or /* */",
    "await": (
        "await is only valid at the script's top level and in async functions: "
        "make the function that holds it async"
    ),
    "escape": "unicode escapes in identifiers are not accepted: write the name plainly",
}
_TRIPLE_SLASH = re.compile(rb"^///\s*<")
_HTML_OPEN = b"<!--"
_OPAQUE_KINDS = frozenset(
    {"string", "string_fragment", "template_string", "regex", "regex_pattern", "comment"}
)


@dataclass(frozen=True)
class Vetted:
    """A script ``vet`` accepted: its UTF-8, its parse, where its fuel ticks go, and
    the comments to blank out of the module."""

    encoded: bytes
    tree: tree_sitter.Tree
    sites: TickSites
    comments: list[tuple[int, int]]


def _refused_forms(tree: tree_sitter.Tree, source: bytes) -> list[tuple[int, int]]:
    r"""Refuse every import form and every source that Deno and tree-sitter could read apart.

    Imports of any kind (static, ``import()`` including ``typeof import()`` in types,
    ``import x = require()``, ``require()``, triple-slash directives) are refused here, so
    neither the runtime nor the type checker ever resolves a module. The fuel pass must
    read the program Deno runs: HTML-like comments (``<!--`` and ``-->``, comments to Deno,
    operators or nothing to tree-sitter) and escaped identifiers (``\u0069mport`` is a
    keyword to Deno's transpiler) are refused, and comments are blanked out of the module,
    so code that tree-sitter takes for a comment never runs: their ranges are returned.
    So is ``await`` outside an async function, where a module fails to compile and a
    classic script (``PreparedScript.classic``) reads an identifier.
    """
    captures = tree_sitter.QueryCursor(_FORBIDDEN_QUERY).captures(tree.root_node)
    comments = captures.pop("comment", [])
    captures["meta"] = [  # `new.target` is a meta property too, and harmless
        node for node in captures.get("meta", []) if (node.text or b"").startswith(b"import")
    ]
    captures.pop("require_name", None)
    captures["await"] = [node for node in captures.get("await", []) if not _awaits_here(node)]
    found = [(node.start_byte, name) for name, nodes in captures.items() for node in nodes]
    found += [
        (node.start_byte, "reference")
        for node in comments
        if _TRIPLE_SLASH.match(source[node.start_byte : node.end_byte])
    ]
    found += [(at, "html") for at in _html_openers(tree, source)]
    if b"\\" in source:
        identifiers = tree_sitter.QueryCursor(IDENTIFIER_QUERY).captures(tree.root_node)
        found += [
            (node.start_byte, "escape")
            for node in identifiers.get("id", ())
            if b"\\" in source[node.start_byte : node.end_byte]
        ]
    if found:
        at, name = min(found)
        line, column = byte_position(source, at)  # UTF-16 columns, as V8 counts
        raise ScriptRejected("syntax", _FORBIDDEN[name], line, column)
    return [(node.start_byte, node.end_byte) for node in comments]


_FUNCTION_KINDS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function",
        "generator_function_declaration",
        "class_static_block",
        "public_field_definition",
    }
)
"""Nodes whose body is a new function scope (a class field's value and a static block
count: ``await`` is no operator there)."""


def _awaits_here(node: tree_sitter.Node) -> bool:
    """Whether ``await`` at ``node`` is the operator: in an async function, or at the
    script's top level (the body of the wrapper's async function)."""
    current = node.parent
    while current is not None:
        if current.type in _FUNCTION_KINDS:
            return any(child.type == "async" for child in current.children)
        current = current.parent
    return True


def _html_openers(tree: tree_sitter.Tree, source: bytes) -> list[int]:
    """Offsets of each ``<!--`` that is code to tree-sitter (inside strings it is text)."""
    found: list[int] = []
    at = source.find(_HTML_OPEN)
    while at >= 0:
        node = tree.root_node.descendant_for_byte_range(at, at + len(_HTML_OPEN))
        if node is not None and not _inside_opaque(node, at):
            found.append(at)
        at = source.find(_HTML_OPEN, at + 1)
    return found


def _inside_opaque(node: tree_sitter.Node, at: int) -> bool:
    """Whether byte ``at`` lies in a string, template text, regex or comment."""
    current: tree_sitter.Node | None = node
    while current is not None:
        if current.type in _OPAQUE_KINDS and current.start_byte < at < current.end_byte:
            return True
        current = current.parent
    return False


def _nesting(tree: tree_sitter.Tree) -> int:
    """The depth of the syntax tree (a cursor walk in C steps: ~0.1 ms for 200 lines)."""
    cursor = tree.walk()
    depth = deepest = 0
    while True:
        if cursor.goto_first_child():
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    return deepest
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return deepest
            depth -= 1


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


_DECLARATION_STATEMENTS = frozenset(
    {
        "lexical_declaration",
        "variable_declaration",
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "abstract_class_declaration",
        "enum_declaration",
    }
)
_PATTERN_NAMES = frozenset({"identifier", "shorthand_property_identifier_pattern"})


def top_level_names(tree: tree_sitter.Tree) -> list[str]:
    """Names the script declares at its top level (destructuring included), in order.

    ``const``/``let``/``var`` names carry to the next script of a session when they hold
    JSON data; functions, classes and enums are named too, so the record can say why
    they stay behind.
    """
    names: list[str] = []
    for statement in tree.root_node.named_children:
        if statement.type not in _DECLARATION_STATEMENTS:
            continue
        if statement.type in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.named_children:
                if declarator.type == "variable_declarator":
                    pattern = declarator.child_by_field_name("name")
                    if pattern is not None:
                        _pattern_names(pattern, names)
        else:
            name = statement.child_by_field_name("name")
            if name is not None and name.text:
                names.append(name.text.decode())
    return list(dict.fromkeys(names))


def _pattern_names(node: tree_sitter.Node, names: list[str]) -> None:
    """The binding names of a declaration's pattern (keys and default values are not)."""
    if node.type in _PATTERN_NAMES:
        if node.text:
            names.append(node.text.decode())
        return
    if node.type == "pair_pattern":
        value = node.child_by_field_name("value")
        if value is not None:
            _pattern_names(value, names)
        return
    if node.type in ("assignment_pattern", "object_assignment_pattern"):
        left = node.child_by_field_name("left")
        if left is not None:
            _pattern_names(left, names)
        return
    for child in node.named_children:
        _pattern_names(child, names)


def vet(source: str, *, max_source_bytes: int) -> Vetted:
    """Refuse a script that cannot run as given (``ScriptRejected``: ``syntax``/``limit``),
    else its parse. The type checker calls this before checking, and ``prepare`` before
    preparing, so both refuse the same scripts."""
    encoded = source.encode("utf-8")
    if len(encoded) > max_source_bytes:
        raise ScriptRejected(
            "limit",
            f"the script is {len(encoded)} bytes, over max_source_bytes ({max_source_bytes})",
        )
    if "\x00" in source:
        raise ScriptRejected("syntax", "the script contains a NUL character")
    tree = parse(encoded)
    depth = _nesting(tree)
    if depth > MAX_NESTING:
        raise ScriptRejected(
            "limit", f"the script nests deeper than {MAX_NESTING} levels of syntax"
        )
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
    return Vetted(encoded, tree, sites, _refused_forms(tree, encoded))


def prepare(
    source: str,
    *,
    max_source_bytes: int,
    fuel: bool,
    aliases: tuple[ToolAlias, ...] = (),
    carried: tuple[str, ...] | None = None,
) -> PreparedScript:
    """Check (``vet``), instrument and wrap a script, or raise ``ScriptRejected``.

    With ``fuel``, every loop iteration, function entry and default value is metered
    (``fuel``). ``carried`` (in a session: the names carried in, possibly none) declares
    those names around the script and hands the runtime a reader for each of them and
    for every name the script declares at its top level.
    """
    vetted = vet(source, max_source_bytes=max_source_bytes)
    encoded, tree = vetted.encoded, vetted.tree
    ticks = _ticks(tree, encoded, vetted.sites) if fuel else None
    insertions = _trailing_expression(tree) + (ticks or [])
    insertions.sort(key=lambda item: item[0])  # stable: same-offset insertions keep their order
    types = (
        _erasable_types(tree, encoded, vetted.comments, ticks)
        if len(encoded) <= ERASE_MAX_BYTES
        else None
    )
    blanked = _blank(encoded, _union(vetted.comments, types or []))
    if types:
        blanked = open_statements(blanked, types)
    session = None if carried is None else _Session(carried, top_level_names(tree))
    return _wrap(blanked, insertions, _header(fuel, aliases, session), javascript=types is not None)


def _ticks(
    tree: tree_sitter.Tree, encoded: bytes, sites: TickSites | None = None
) -> list[tuple[int, str]]:
    return [(item.offset, item.text) for item in fuel_insertions(tree, encoded, sites=sites)]


def _erasable_types(
    tree: tree_sitter.Tree,
    encoded: bytes,
    comments: list[tuple[int, int]],
    ticks: list[tuple[int, str]] | None,
) -> list[Erasure] | None:
    """The types to blank for the module to be JavaScript (``erase``), or None to keep
    TypeScript: when erasure is not safe, or the result does not parse as JavaScript,
    or (with fuel) the fuel pass would not put every tick where it put them in the
    TypeScript: what runs is metered exactly as what was read."""
    types = erasures(tree, encoded, comments)
    if not types:
        return types
    javascript = javascript_text(encoded, types)
    erased = parse(javascript)
    if not is_javascript(erased):
        return None
    if ticks is not None and _ticks(erased, javascript) != ticks:
        return None
    return types


def _union(comments: list[tuple[int, int]], types: list[Erasure]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ranges covering both (a comment may sit inside a type)."""
    ranges = sorted([*comments, *((erasure.start, erasure.end) for erasure in types)])
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class _Session:
    """The names a session's script reads in and hands back."""

    carried: tuple[str, ...]
    declared: list[str]


def _header(fuel: bool, aliases: tuple[ToolAlias, ...], session: _Session | None) -> str:
    """The wrapper's text before the user's first character (one line).

    In a session the carried names are ``let`` bindings around the script (which may
    read, assign, shadow or declare them again), read from the runtime's second
    argument; the script's first act is to hand the runtime one reader per name.
    """
    parts = [HEADER]
    if fuel:
        parts.append(FUEL_PRELUDE)
    alias_names = {alias.name for alias in aliases}
    for alias in aliases:
        parts.append(
            f"const {alias.name}=(value)=>external_{alias.tool}({{{alias.parameter}:value}});"
        )
    parts.append(MAIN_OPEN)
    if session is not None:
        carried = [name for name in session.carried if name not in alias_names]
        if carried:
            declared = ",".join(f"{name}=__tsact_state[{json.dumps(name)}]" for name in carried)
            parts.insert(-1, f"let {declared};")
        names = list(dict.fromkeys([*carried, *session.declared]))
        readers = ",".join(f"()=>{name}" for name in names)
        parts.append(f"__tsact_expose({json.dumps(names)},()=>[{readers}]);")
    return "".join(parts)


# Same UTF-8 length, same UTF-16 length, whitespace to JavaScript: a comment's characters
# are replaced one by one, so every byte offset and every column after it stays put.
_BLANK_BY_LENGTH = {1: b" ", 2: "\u00a0".encode(), 3: "\u2000".encode(), 4: "\u00a0\u00a0".encode()}
_LINE_BREAKS = frozenset({"\n", "\r", "\u2028", "\u2029"})


def _blank(source: bytes, ranges: list[tuple[int, int]]) -> bytes:
    """``source`` with the comments in ``ranges`` turned into whitespace, line breaks kept."""
    if not ranges:
        return source
    pieces: list[bytes] = []
    last = 0
    for start, end in ranges:
        pieces.append(source[last:start])
        segment = source[start:end]
        if segment.isascii():  # one byte, one column each: spaces, line breaks kept
            pieces.append(segment.translate(SPACES))
        else:
            pieces.append(
                b"".join(
                    char.encode() if char in _LINE_BREAKS else _BLANK_BY_LENGTH[len(char.encode())]
                    for char in segment.decode("utf-8")
                )
            )
        last = end
    pieces.append(source[last:])
    return b"".join(pieces)


def _wrap(
    encoded: bytes, insertions: list[tuple[int, str]], header: str, *, javascript: bool
) -> PreparedScript:
    source_map = SourceMap()
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
    pieces.append(FOOTER)
    return PreparedScript(
        module="".join(pieces),
        source_map=source_map,
        header_length=len(header),
        last_line=encoded.count(b"\n") + 1,
        javascript=javascript,
    )


_FRAME = re.compile(
    r"^(?P<indent>\s*)at (?:(?P<fn>.+?) \()?"
    r"(?P<url>data:application/(?:type|java)script;base64,[A-Za-z0-9+/=.]*):(?P<line>\d{1,9}):(?P<col>\d{1,9})\)?$"
)
_POSITION = re.compile(
    r"data:application/(?:type|java)script;base64,[A-Za-z0-9+/=.]*:(?P<line>\d{1,9}):(?P<col>\d{1,9})"
)
_WRAPPER_NAMES = {
    "Module.default",
    "default",
    "__tsact_main",
    "async Module.default",
    "async __tsact_main",
}


def _user_position(script: PreparedScript, position: re.Match[str]) -> str:
    user_line, user_column = script.source_map.to_user(int(position["line"]), int(position["col"]))
    return f"{SCRIPT_NAME}:{user_line}:{user_column}"


@dataclass(frozen=True)
class MappedError:
    """An error's message, position and stack in the user's own lines."""

    message: str
    line: int | None
    column: int | None
    stack: str | None


def map_error(script: PreparedScript, message: str, stack: str | None) -> MappedError:
    """Rewrite the prelude's stack and message to ``script.ts:line:col`` of the user's source."""
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
            generated = int(match["line"]), int(match["col"])
            if script.in_wrapper(*generated):
                continue  # the wrapper calling the script, or an alias it defines
            user_line, user_column = script.source_map.to_user(*generated)
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
    to_user = partial(_user_position, script)
    clean_message = _POSITION.sub(to_user, clean_message).removeprefix("SyntaxError: ")
    header = [_POSITION.sub(to_user, raw) for raw in header_lines[:1]]
    mapped_stack = "\n".join(header + mapped_frames) if stack else None
    return MappedError(clean_message, line, column, mapped_stack)
