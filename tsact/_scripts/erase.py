"""Type erasure: the script as JavaScript, with its types turned into whitespace.

Deno transpiles a TypeScript module before it runs it: imported in a Worker, a 0.4 KB
module takes ~1.4 ms as TypeScript and ~0.7 ms as JavaScript, a 1.9 KB one ~2.1 and
~1.0 ms. Most of what a model writes is JavaScript plus erasable types: annotations,
generics, ``as``, ``satisfies``, ``!``, interfaces and type aliases. Those are blanked
out here, one character for one character (``prepare._blank``), so every line and
column stays where the user wrote it and error positions need no map. ``prepare``
erases scripts up to ``ERASE_MAX_BYTES``, where that costs less than the transpile.

Erasure is all or nothing and errs towards TypeScript: a script with syntax that has a
runtime meaning (``enum``, ``namespace``, parameter properties, decorators, ``this``
parameters), or whose erasure could change how JavaScript splits statements (a line
break where a type was, before a token that could continue the expression), is sent as
TypeScript and transpiled by Deno as before. ``prepare`` parses the result again: it
must be JavaScript with no error, and the fuel pass must find every tick where it found
it in the TypeScript, or the result is not used either.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import tree_sitter

from tsact._scripts.fuel import TS_LANGUAGE

ERASED = frozenset(
    {
        "type_annotation",
        "type_parameters",
        "type_arguments",
        "implements_clause",
        "accessibility_modifier",
        "override_modifier",
        "asserts_annotation",
        "type_predicate_annotation",
        "opting_type_annotation",
        "omitting_type_annotation",
        "adding_type_annotation",
    }
)
"""Nodes that are types (or modifiers) wherever they appear in code: blanked whole."""

ERASED_STATEMENTS = frozenset(
    {
        "type_alias_declaration",
        "interface_declaration",
        "ambient_declaration",
        "function_signature",
        "method_signature",
        "abstract_method_signature",
        "index_signature",
    }
)
"""Statements and class members with no runtime meaning: blanked, starting with ``;``."""

RUNTIME_TYPESCRIPT = frozenset(
    {"enum_declaration", "internal_module", "module", "import_alias", "decorator"}
)
"""TypeScript that emits code: a script with any of these is transpiled by Deno."""

_JS_ONLY_CHECK = (
    ERASED
    | ERASED_STATEMENTS
    | RUNTIME_TYPESCRIPT
    | {
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
        "abstract_class_declaration",
    }
)

_SAFE_AFTER_BREAK = frozenset(b"=,;)]}{:_$#" + bytes(range(ord("a"), ord("z") + 1)))
"""First bytes of tokens that mean the same after a line break with a type before the
break or without it: tokens that continue nothing and start no statement (``=``, ``,``,
``)``...), and names (``private``/``readonly`` starting a class member, the code after
``x as T``), which JavaScript never joins to a finished expression. Not ``(``, ``[``,
``` ` ```, ``+``, ``-``, ``/``, ``<``: those would continue the code before the break."""
_RESTRICTED = re.compile(
    rb"(?:^|[^\w$])(?:return|throw|yield|break|continue|async|await|get|set|static|accessor)$"
)
_SPACE = frozenset(b" \t\r\n\f\v")
_MODIFIERS = frozenset({b"private", b"public", b"protected", b"override", b"readonly"})
SPACES = bytes(byte if byte in (0x0A, 0x0D) else 0x20 for byte in range(256))
"""A ``bytes.translate`` table: every byte a space but ``\n`` and ``\r``."""
_BREAK_THEN_BRACKET = re.compile(rb"[\r\n][ \t\r\n\f\v]*\[")


@dataclass(frozen=True)
class Erasure:
    """Bytes ``start``-``end`` of the source are types; ``statement`` ones start with ``;``."""

    start: int
    end: int
    statement: bool = False


class _NotErasable(Exception):
    """The script keeps TypeScript that has a runtime meaning."""


def erasures(
    tree: tree_sitter.Tree, source: bytes, comments: list[tuple[int, int]]
) -> list[Erasure] | None:
    """The ranges to blank for the script to be JavaScript, or None to keep TypeScript.

    ``comments`` are the comments' ranges: they count as whitespace around a type.
    """
    found: list[Erasure] = []
    try:
        _collect(tree.root_node, found)
    except _NotErasable:
        return None
    if not found:
        return found
    found.sort(key=lambda erasure: erasure.start)
    plain = blank_ascii(source, comments)
    if not all(_keeps_statements(plain, erasure) for erasure in found):
        return None
    if any(_BREAK_THEN_BRACKET.search(plain, erasure.start, erasure.end) for erasure in found):
        return None  # tree-sitter reads `T\n[x]` as one type; TypeScript ends the type at the break
    return found


def blank_ascii(source: bytes, ranges: list[tuple[int, int]]) -> bytes:
    """``source`` with every byte in ``ranges`` a space, except line breaks (byte offsets
    kept; a column after a multi-byte character in a range moves, so this text is only
    for parsing). ``ranges`` must not overlap."""
    pieces: list[bytes] = []
    last = 0
    for start, end in sorted(ranges):
        pieces.append(source[last:start])
        pieces.append(source[start:end].translate(SPACES))
        last = end
    pieces.append(source[last:])
    return b"".join(pieces)


def javascript_text(source: bytes, found: list[Erasure]) -> bytes:
    """The source with the erasures applied, in ASCII (for parsing it again)."""
    return open_statements(blank_ascii(source, [(e.start, e.end) for e in found]), found)


def open_statements(blanked: bytes, found: list[Erasure]) -> bytes:
    """A ``;`` where each erased statement began (an ASCII byte, blanked to a space):
    it ends the code before, as TypeScript's rules did."""
    out = bytearray(blanked)
    for erasure in found:
        if erasure.statement:
            out[erasure.start] = 0x3B
    return bytes(out)


def _collect(root: tree_sitter.Node, found: list[Erasure]) -> None:
    """Every erasure, outermost first: found by queries in C (a walk of every node in
    Python cost 14 ms on a 60 KB script), then whatever lies inside an erased type or
    statement dropped, as it goes with it."""
    captures = tree_sitter.QueryCursor(_QUERY).captures(root)
    whole = [
        Erasure(node.start_byte, node.end_byte, statement=name != "type")
        for name in ("type", "statement", "member")
        for node in captures.get(name, ())
    ]
    whole += [  # `as T`, `satisfies T`: from the end of the value to the end of the type
        Erasure(node.children[0].end_byte, node.end_byte) for node in captures.get("cast", ())
    ]
    whole.sort(key=lambda erasure: (erasure.start, -erasure.end))
    outer: list[Erasure] = []
    for erasure in whole:
        if not outer or erasure.start >= outer[-1].end:
            outer.append(erasure)
    starts = [erasure.start for erasure in outer]

    def inside(node: tree_sitter.Node) -> bool:
        index = bisect.bisect_right(starts, node.start_byte) - 1
        return index >= 0 and node.end_byte <= outer[index].end

    for node in captures.get("runtime", ()):
        if not inside(node):
            raise _NotErasable(node.type)
    found.extend(outer)
    for node in captures.get("mark", ()):
        if not inside(node):
            found.append(Erasure(node.start_byte, node.end_byte))


_QUERY = tree_sitter.Query(
    TS_LANGUAGE,
    " ".join(f"({kind}) @type" for kind in sorted(ERASED))
    + " "
    + " ".join(f"({kind}) @statement" for kind in sorted(ERASED_STATEMENTS))
    + " "
    + " ".join(f"({kind}) @runtime" for kind in sorted(RUNTIME_TYPESCRIPT))
    + """
    (public_field_definition "declare") @member
    (public_field_definition "abstract") @member
    (required_parameter [(accessibility_modifier) (override_modifier) "readonly" (this)]) @runtime
    (optional_parameter [(accessibility_modifier) (override_modifier) "readonly" (this)]) @runtime
    [(as_expression) (satisfies_expression)] @cast
    (non_null_expression "!" @mark)
    (abstract_class_declaration "abstract" @mark)
    (public_field_definition ["?" "!" "readonly"] @mark)
    (method_definition "?" @mark)
    (variable_declarator "!" @mark)
    (optional_parameter "?" @mark)
    """,
)


def _keeps_statements(source: bytes, erasure: Erasure) -> bool:
    """Whether JavaScript splits statements around the blanked range as TypeScript did.

    Only a line break around the range matters: then the code before it must not be a
    keyword that a line break ends (``return``, ``yield``...), and the code after it must
    be a token that continues nothing (``=``, ``,``, ``)``...). A blanked statement
    starts with ``;``, which ends the code before it as TypeScript's own rules did.
    """
    if erasure.statement:
        return source[erasure.start] < 0x80
    before = erasure.start
    while before > 0 and source[before - 1] in _SPACE:
        before -= 1
    after = erasure.end
    while after < len(source) and source[after] in _SPACE:
        after += 1
    if source[erasure.start : erasure.end] in _MODIFIERS and _breaks(source, erasure.end, after):
        return False  # to TypeScript, a modifier before a line break is a member's name
    if not _breaks(source, before, after):
        return True
    if after < len(source) and (
        not _continues_nothing(source[after]) or source[after : after + 2] == b"=>"
    ):
        return False
    return _RESTRICTED.search(source[max(0, before - 16) : before]) is None


def _breaks(source: bytes, start: int, end: int) -> bool:
    return b"\n" in source[start:end] or b"\r" in source[start:end]


def _continues_nothing(first: int) -> bool:
    return first in _SAFE_AFTER_BREAK or (0x41 <= first <= 0x5A) or first >= 0x80


def is_javascript(tree: tree_sitter.Tree) -> bool:
    """Whether a parsed text is plain JavaScript: no error, no TypeScript-only node."""
    if tree.root_node.has_error:
        return False
    return not tree_sitter.QueryCursor(_TYPESCRIPT_ONLY).captures(tree.root_node)


_TYPESCRIPT_ONLY = tree_sitter.Query(
    TS_LANGUAGE, "[" + " ".join(f"({kind})" for kind in sorted(_JS_ONLY_CHECK)) + "] @ts"
)
