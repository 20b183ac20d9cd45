"""The fuel instrumentation pass: one unit of fuel at every loop iteration and function entry.

Fuel is tsact's deterministic CPU budget (DESIGN.md, "Limits"). A wall-clock timeout depends on
the machine; fuel counts *work the script asks for*, so a script stops at exactly the same point
on any machine under any load. We count by rewriting the user's TypeScript before it runs:

* every loop body (``for``, ``for-in``, ``for-of``, ``for await``, ``while``, ``do-while``, labelled
  or not, at any depth) starts with a tick, so each iteration costs one unit;
* every function body (declarations, expressions, arrows, methods, getters/setters, constructors,
  generators, async functions, class static blocks) starts with a tick, so recursion, callbacks,
  getters, Proxy traps, ``valueOf``/``toString`` coercions and sort comparators are all metered:
  any code the engine runs on the script's behalf is a user function, and it ticks.

Straight-line code between ticks is finite, so the only way to run forever is through a tick.

Why tree-sitter: it is on PyPI with typed bindings, parses a 200-line script in about a
millisecond, tolerates the script-body shape (top-level ``await`` and ``return``), marks what it
cannot parse (so such scripts are refused, never run unmetered), and its queries run in C: the
pass proper (checks, insertions, splice) adds under a millisecond (``bench/fuel_pass.py``).

Why *insertions only*: user line numbers must survive untouched (errors, stack traces and
diagnostics point at the user's own lines), so the pass never adds or removes a newline; it only
inserts single-line text at byte offsets. Columns on instrumented lines do shift.

The tick shape (``DEFAULT_TICK``) and the counter behind it (``FUEL_PRELUDE``) come from
``bench/fuel_counters.ts`` (results in ``bench/fuel_counters.md``). The counter is slot 0 of an
Int32Array, counting *down*, held in a ``var`` of the wrapper function's scope, because:

* a plain JS counter must stay a Smi: one holding a HeapNumber (a budget above 2^30) is re-boxed
  at every tick and costs 5-20x (the "module-level let costs 13-16x" figure). An Int32Array slot
  can never become a HeapNumber; the meter hands out budgets above 2^31 - 1 in chunks;
* among int counters (module ``let``, wrapper ``var``/``let``, object property, typed arrays,
  a tick function) the Int32Array slot was the cheapest or tied in every run;
* lexical scope makes it unreachable: every user function is nested in the wrapper and sees the
  counter by closure, and nothing can name it, since :func:`reserved_identifiers` refuses names
  with the prefix (and a typed array's elements cannot be intercepted through its prototype).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

import tree_sitter
import tree_sitter_typescript

__all__ = [
    "COUNTER",
    "DEFAULT_TICK",
    "FUEL_PREFIX",
    "FUEL_PRELUDE",
    "IDENTIFIER_QUERY",
    "METER",
    "OUT",
    "TS_LANGUAGE",
    "Insertion",
    "TickSites",
    "apply_insertions",
    "byte_position",
    "fuel_insertions",
    "node_position",
    "reserved_identifiers",
    "syntax_errors",
    "tick_sites",
]

FUEL_PREFIX: Final = "__tsact"
"""Identifiers starting with this are reserved for tsact; user scripts that use them are refused."""

COUNTER: Final = f"{FUEL_PREFIX}_f"
"""The fuel counter: an Int32Array whose slot 0 is the fuel left in the current chunk."""

OUT: Final = f"{FUEL_PREFIX}_out"
"""Called by a tick when the counter goes negative: refills it from the meter, or throws."""

METER: Final = f"{FUEL_PREFIX}_meter"
"""The runtime's meter object (``deno_runtime/fuel_meter.ts``), which ``FUEL_PRELUDE`` expects
in scope."""

DEFAULT_TICK: Final = f"--{COUNTER}[0]<0&&{OUT}()"
"""One unit of fuel, as a JS expression (``tick;`` in blocks, ``(tick,e)`` in arrow bodies).

An int32 decrement in memory and a never-taken branch. The alternatives measured (a ``var``/``let``
counter, an object property, a Float64Array slot, a tick *function*, ``if (...) throw``) were all
as slow or slower on tight loops (``bench/fuel_counters.md``).
"""

FUEL_PRELUDE: Final = f"var {COUNTER}={METER}.counter,{OUT}={METER}.out;"
"""JS for the top of the wrapper function body, before the user's code, on user line 1.

One line, no newline. ``var`` (not ``const``): no TDZ hole checks where user functions read it.
Requires ``METER`` in scope, created by the runtime *before* any user code runs (so the
``Int32Array`` it uses is the genuine one).
"""

TS_LANGUAGE: Final = tree_sitter.Language(tree_sitter_typescript.language_typescript())
"""The grammar the pass expects trees in: TypeScript (not TSX, where ``<T>x`` means JSX)."""


@dataclass(frozen=True)
class Insertion:
    """Insert ``text`` (never containing a newline) before byte ``offset`` of the UTF-8 source."""

    offset: int
    text: str


# Captures: @loop = a loop body, @fn = a function body (a statement_block, or any expression
# for an arrow with an expression body). Queries run in C: no Python walk over every node.
_TICK_QUERY: Final = tree_sitter.Query(
    TS_LANGUAGE,
    """
    (for_statement body: (_) @loop)
    (for_in_statement body: (_) @loop)
    (while_statement body: (_) @loop)
    (do_statement body: (_) @loop)
    (function_declaration body: (_) @fn)
    (function_expression body: (_) @fn)
    (generator_function_declaration body: (_) @fn)
    (generator_function body: (_) @fn)
    (method_definition body: (_) @fn)
    (class_static_block body: (_) @fn)
    (arrow_function body: (_) @fn)
    (required_parameter value: (_) @default)
    (optional_parameter value: (_) @default)
    (assignment_pattern right: (_) @default)
    (object_assignment_pattern right: (_) @default)
    (public_field_definition value: (_) @default)
    """,
)

_IDENTIFIER_KINDS: Final = (
    "identifier",
    "property_identifier",
    "shorthand_property_identifier",
    "shorthand_property_identifier_pattern",
    "type_identifier",
    "statement_identifier",
    "private_property_identifier",
)
IDENTIFIER_QUERY: Final = tree_sitter.Query(
    TS_LANGUAGE, "[" + " ".join(f"({kind})" for kind in _IDENTIFIER_KINDS) + "] @id"
)

# Declarations that JS forbids as the unbraced body of a loop; wrapping the body in braces (as
# the pass does to add a tick) would make such a script valid, so it is refused instead.
_DECLARATION_KINDS: Final = frozenset(
    {
        "lexical_declaration",
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "abstract_class_declaration",
    }
)

_DECLARATION_BODY: Final = "a declaration cannot be the body of a loop: wrap it in { }"
_SNIPPET: Final = 30  # characters of an unparsable region quoted in its error message
_MAX_CODE_POINT: Final = 0x10FFFF
_ESCAPE: Final = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})")


# --------------------------------------------------------------------------------------------
# instrumentation


@dataclass(frozen=True)
class TickSites:
    """Where ticks go in one tree: loop bodies, function bodies and default values.

    ``defaults`` are the expressions that run before a function's body (parameter and
    destructuring defaults) or without one (class field initialisers): recursion through
    ``function f(a = f()) {}`` or ``class A { x = new A() }`` never enters a ticking body.
    """

    loops: list[tree_sitter.Node]
    functions: list[tree_sitter.Node]
    defaults: list[tree_sitter.Node] = field(default_factory=list)


def tick_sites(tree: tree_sitter.Tree) -> TickSites:
    """Find the loop bodies, function bodies and default values of ``tree``.

    Running the query is most of the pass's cost (~0.5 ms for 200 lines), and both
    :func:`syntax_errors` and :func:`fuel_insertions` need it: find them once and pass them.
    """
    captures = tree_sitter.QueryCursor(_TICK_QUERY).captures(tree.root_node)
    return TickSites(captures.get("loop", []), captures.get("fn", []), captures.get("default", []))


def fuel_insertions(
    tree: tree_sitter.Tree,
    source: bytes,
    *,
    tick: str = DEFAULT_TICK,
    sites: TickSites | None = None,
) -> list[Insertion]:
    """Compute the insertions that add one ``tick`` per loop iteration and per function entry.

    ``tick`` is a JS expression without a newline. ``tree`` must be an error-free parse of
    ``source`` (refuse scripts with :func:`syntax_errors` first); ``sites`` are its
    :func:`tick_sites`, found here if not given. The result is sorted by offset;
    insertions at the same offset must be applied in list order (:func:`apply_insertions` does).
    """
    if "\n" in tick or "\r" in tick:
        message = "tick must be a single line: insertions may not move user lines"
        raise ValueError(message)
    sites = sites or tick_sites(tree)
    keyed: list[tuple[tuple[int, int, int], Insertion]] = []
    for body in sites.loops:
        keyed.extend(_loop_body(body, tick))
    for body in sites.functions:
        keyed.extend(_function_body(body, source, tick))
    for value in sites.defaults:
        keyed.extend(_default_value(value, tick))
    keyed.sort(key=lambda pair: pair[0])
    return [insertion for _, insertion in keyed]


def apply_insertions(source: bytes, insertions: list[Insertion]) -> str:
    """Apply ``insertions`` (sorted by offset, ties in list order) and decode to text.

    Splits on byte offsets, so multi-byte characters before an insertion are never cut.
    """
    pieces: list[bytes] = []
    last = 0
    for insertion in sorted(insertions, key=lambda ins: ins.offset):
        pieces.append(source[last : insertion.offset])
        pieces.append(insertion.text.encode())
        last = insertion.offset
    pieces.append(source[last:])
    return b"".join(pieces).decode()


# Sort keys: at one offset, closers go before openers; among openers the outer construct (ending
# later) comes first, among closers the inner construct (starting later) comes first, so nested
# constructs sharing a boundary stay properly nested: `{t;{t;x}}`, `(t,(t,x))`.


def _opener(
    node: tree_sitter.Node, offset: int, text: str
) -> tuple[tuple[int, int, int], Insertion]:
    return (offset, 1, -node.end_byte), Insertion(offset, text)


def _closer(node: tree_sitter.Node, text: str) -> tuple[tuple[int, int, int], Insertion]:
    return (node.end_byte, 0, -node.start_byte), Insertion(node.end_byte, text)


def _loop_body(body: tree_sitter.Node, tick: str) -> list[tuple[tuple[int, int, int], Insertion]]:
    """Tick at the start of each iteration: inside the braces, or wrap ``stmt`` as ``{t;stmt}``.

    The tick runs before anything else in the body, outside any ``try`` the body holds, so a loop
    cannot catch its own fuel error. ``continue`` (labelled or not) starts the next iteration by
    entering the body again, so it ticks too; labels stay on their loops.
    """
    if body.type == "statement_block":
        return [_opener(body, body.start_byte + 1, f"{tick};")]
    # `}` ends the statement even without a semicolon (ASI), so `while(x) y()` -> `{t;y()}`.
    return [_opener(body, body.start_byte, f"{{{tick};"), _closer(body, "}")]


def _function_body(
    body: tree_sitter.Node, source: bytes, tick: str
) -> list[tuple[tuple[int, int, int], Insertion]]:
    """Tick on entry: after the directive prologue of a block body, or ``e`` -> ``(t,e)``.

    ``(t,e)`` keeps an arrow's expression body an expression: object literals are already
    parenthesised (``({a:1})`` -> ``(t,({a:1}))``) and sequences must be. Ticking first thing in a
    derived constructor, before ``super()``, is legal: the tick does not touch ``this``.
    """
    if body.type != "statement_block":
        return [_opener(body, body.start_byte, f"({tick},"), _closer(body, ")")]
    offset, needs_semicolon = _after_directives(body, source)
    return [_opener(body, offset, (";" if needs_semicolon else "") + f"{tick};")]


# Values that run no code of the script's: they need no tick of their own.
_INERT_VALUES: Final = frozenset(
    {"number", "string", "true", "false", "null", "undefined", "identifier", "regex"}
)


def _default_value(
    value: tree_sitter.Node, tick: str
) -> list[tuple[tuple[int, int, int], Insertion]]:
    """Tick each time a default value or field initialiser runs: ``v`` -> ``(t,v)``.

    A function value (``f = () => 1``) is ticked too: each instance creates a closure.
    """
    if value.type in _INERT_VALUES:
        return []
    return [_opener(value, value.start_byte, f"({tick},"), _closer(value, ")")]


def _after_directives(block: tree_sitter.Node, source: bytes) -> tuple[int, bool]:
    """Offset just after a block's ``"use strict"``-style prologue, and whether it lacks a ``;``.

    Scripts run as modules (always strict), so directives change little, but a tick placed
    before one would silently turn it into an ordinary expression; keep them first.
    """
    offset, needs_semicolon = block.start_byte + 1, False
    for statement in block.named_children:
        if statement.type == "comment":
            continue
        if not _is_directive(statement):
            break
        offset = statement.end_byte
        needs_semicolon = source[offset - 1 : offset] != b";"
    return offset, needs_semicolon


def _is_directive(statement: tree_sitter.Node) -> bool:
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return False
    expression = statement.named_children[0]
    return expression.type == "string"


# --------------------------------------------------------------------------------------------
# refusals: reserved names and syntax errors


def reserved_identifiers(tree: tree_sitter.Tree, source: bytes) -> list[tuple[int, int, str]]:
    r"""Find every identifier of any kind whose name starts with ``FUEL_PREFIX``.

    Returns (line, col, name) triples.

    The meter is only as safe as these names are unreachable, so the lead's pass refuses any
    script that spells one: variables, properties, shorthands, types, labels, private names,
    including spellings with unicode escapes (``\u005f_tsact_f`` *is* ``__tsact_f``). Lines and
    columns are 1-based; columns count UTF-16 code units, like V8's.
    """
    prefix = FUEL_PREFIX.encode()
    if prefix not in source and b"\\u" not in source:
        return []  # fast path: no spelling of the prefix can occur
    found: list[tuple[int, int, str]] = []
    captures = tree_sitter.QueryCursor(IDENTIFIER_QUERY).captures(tree.root_node)
    for node in captures.get("id", ()):
        name = _identifier_name(source[node.start_byte : node.end_byte])
        if name.lstrip("#").startswith(FUEL_PREFIX):
            line, col = node_position(source, node)
            found.append((line, col, name))
    return sorted(found)


def _identifier_name(raw: bytes) -> str:
    r"""Decode ``\uXXXX`` / ``\u{X}`` escapes in an identifier, as JS resolves its name."""
    text = raw.decode("utf-8", "replace")
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_unescape, text)


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= _MAX_CODE_POINT else match.group(0)


def syntax_errors(
    tree: tree_sitter.Tree, *, limit: int = 5, sites: TickSites | None = None
) -> list[tuple[int, int, str]]:
    """List the first ``limit`` syntax problems as (line, col, message), 1-based, in order.

    tree-sitter recovers from errors by inserting ERROR and MISSING nodes; a script with any must
    be refused (kind ``syntax``), never run uninstrumented or half-instrumented. Also refuses a
    declaration used as an unbraced loop body, which JS rejects but our braces would accept.
    ``sites`` are the tree's :func:`tick_sites`, found here if not given.
    """
    root = tree.root_node
    source = root.text or b""
    problems = [
        (*node_position(source, node), _error_message(node, source)) for node in _error_nodes(root)
    ]
    problems += [
        (*node_position(source, node), _DECLARATION_BODY)
        for node in (sites or tick_sites(tree)).loops
        if node.type in _DECLARATION_KINDS
    ]
    return sorted(problems)[:limit]


def _error_nodes(root: tree_sitter.Node) -> list[tree_sitter.Node]:
    """ERROR and MISSING nodes, walking only into subtrees that contain an error."""
    found: list[tree_sitter.Node] = []
    stack = [root] if root.has_error else []
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append(node)  # the outermost ERROR says where; nested ones add noise
            continue
        stack.extend(child for child in node.children if child.has_error)
    return found


def _error_message(node: tree_sitter.Node, source: bytes) -> str:
    if node.is_missing:
        what = node.type
        return f"missing {what}" if node.is_named else f"missing '{what}'"
    if _only_comments(source[node.end_byte :]):
        return "unexpected end of script (unclosed bracket, string or template?)"
    snippet = source[node.start_byte : node.end_byte].decode("utf-8", "replace")
    snippet = snippet.strip().splitlines()[0] if snippet.strip() else ""
    if len(snippet) > _SNIPPET:
        snippet = snippet[:_SNIPPET] + "..."
    return f"unexpected '{snippet}'" if snippet else "unexpected token"


def _only_comments(rest: bytes) -> bool:
    stripped = re.sub(rb"//[^\n]*|/\*.*?\*/", b"", rest, flags=re.DOTALL)
    return not stripped.strip()


def node_position(source: bytes, node: tree_sitter.Node) -> tuple[int, int]:
    """1-based line and column of a node's start; the column counts UTF-16 units, like V8."""
    return byte_position(source, node.start_byte)


def byte_position(source: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset; the column counts UTF-16 units, like V8."""
    line_start = source.rfind(b"\n", 0, offset) + 1
    prefix = source[line_start:offset].decode("utf-8", "replace")
    return source.count(b"\n", 0, offset) + 1, len(prefix.encode("utf-16-le")) // 2 + 1
