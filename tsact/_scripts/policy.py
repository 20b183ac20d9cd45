"""Which type errors stop a script, which are only reported, and which are off.

A refusal costs the model a turn, so a diagnostic blocks only when it predicts that
the run fails or breaks the tools' contract; TypeScript's strictness about the
script's own values does not. The rules, in order:

- Off: implicit ``any`` and the rest of the 7xxx family (``function add(a, b)``,
  ``const counts = {}; counts[w]``, unused labels) are dropped; ``unknown`` catch
  variables, implicit ``this``, uninitialised class fields and parameter variance are
  turned off in :data:`COMPILER_OPTIONS`.
- Blocking, wherever they are: a name that does not exist at run time (an unknown
  tool, an undefined variable, a type used as a value, a ``const`` assigned, a
  ``let`` redeclared or used before its declaration), a global the sandbox removes,
  a Promise used as a value (TypeScript asks "did you forget to use 'await'?"),
  grammar errors the runtime rejects too, and anything after the script's end.
- Reported only: anything that exists only because a value may be ``null`` or
  ``undefined`` (``.find()``, ``str.match(re)[1]``), or is ``unknown``; a property
  missing from some members of a union, or from ``{}``; a widened literal (``let
  unit = "f"`` is a ``string``); names missing in type positions (types are erased);
  TypeScript-only grammar rules.
- Everything else is blocking only if it involves the tools' declarations: the
  same script is checked a second time against *loose* declarations, where every
  declared name (tool, type, ``ToolError``, ``final_answer``) is ``any``. A
  diagnostic that disappears there, and is either in the arguments of a call to a
  declared function (wrong, missing or extra argument; wrong type; positional
  argument) or a misuse of a typed value (a field it does not have, a literal it
  can never equal, iterating or calling what it is not), is a contract bug. The
  rest (the script's own annotations, a lib call's strict parameter types, the
  script's own objects) is reported.

The declarations are checked as written, except where TypeScript would accept what
the host refuses (:attr:`Declared.checked`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import msgspec
import tree_sitter

from tsact._records.record import Diagnostic
from tsact._scripts.fuel import TS_LANGUAGE
from tsact._scripts.prepare import parse

COMPILER_OPTIONS: dict[str, object] = {
    "strict": False,
    "strictNullChecks": True,  # catches `if (promise)` and a literal null argument
    "noImplicitAny": True,  # for its inference (`[]`, `let x = null` evolve); 7xxx dropped
    "noImplicitThis": False,
    "useUnknownInCatchVariables": False,
    "strictPropertyInitialization": False,
    "strictFunctionTypes": False,
    "strictBindCallApply": False,
    "alwaysStrict": True,  # the script runs in a module: strict mode
    "lib": ["deno.worker"],  # the closest to the allowlist: no window, alert or prompt
}
"""The compiler options scripts are checked with (written to the checker's deno.json)."""

Region = Literal["before", "script", "after"]


@dataclass(frozen=True)
class Finding:
    """One compiler diagnostic, in the script's lines, with where it fell."""

    diagnostic: Diagnostic
    region: Region
    related: tuple[str, ...] = ()
    """The messages of its related information ("Did you forget to use 'await'?")."""

    @property
    def key(self) -> tuple[int, int, int | None]:
        d = self.diagnostic
        return d.line, d.column, d.code


REMOVED_GLOBAL_MARKER = "is not available in the tsact sandbox"
"""In the type of every removed global's shadow, so its use is recognised."""

_OFF = frozenset(range(7000, 8000))
"""Implicit ``any`` and its family (unused labels, missing returns): dropped."""
"""Implicit ``any`` and its family (unused labels, missing returns): dropped."""
_NAME_CODES = frozenset(
    {
        2304,  # Cannot find name
        2552,  # Cannot find name ... Did you mean
        18004,  # No value exists in scope for the shorthand property
        2662,  # Cannot find name; did you mean the static member
        2663,  # Cannot find name; did you mean the instance member
        2693,  # only refers to a type, but is being used as a value
        2448,  # Block-scoped variable used before its declaration
        2451,  # Cannot redeclare block-scoped variable
        2588,  # Cannot assign to a constant
    }
)
_TYPE_NAME_CODES = frozenset({2304, 2552})
"""Name codes that are harmless when the name is in a type (types are erased)."""
_AWAIT_CODES = frozenset({2570, 2801})
_AWAIT_HINT = "Did you forget to use 'await'?"
_NULLISH_CODES = frozenset({2454, 2531, 2532, 2533, 2721, 2722, 2723, 18047, 18048, 18049})
_UNKNOWN_CODES = frozenset({2571, 18046})
_TS_ONLY_GRAMMAR = frozenset(
    {
        1015,  # parameter with both ? and an initializer
        1016,  # required parameter after an optional one
        1064,  # an async function's return type must be Promise<T>
        1117,  # duplicate keys in an object literal
        1166,  # computed names of class fields
        1169,  # computed property names in interfaces
        1170,  # computed property names in type literals
        1196,  # catch variable annotation other than any/unknown
        1268,  # index signature parameter types
        1313,  # the body of an 'if' is an empty statement
        1337,  # literal index signature parameters
        1345,  # void tested for truthiness
        1360,  # satisfies
    }
)
"""Grammar errors of TypeScript's own rules: the runtime strips or accepts these."""
_RESULT_CODES = frozenset(
    {
        2339,  # Property does not exist on type
        2551,  # Property does not exist on type ... Did you mean
        2367,  # comparison between types that have no overlap
        2678,  # switch case not comparable
        2488,  # not iterable
        2495,  # not an array or string type
        2548,  # not an array type or has no iterator
        2549,  # not an array or string type or has no iterator
        2461,  # not an array type (destructuring)
        2349,  # not callable
        2351,  # not constructable
    }
)
"""Misuses of a value: contract bugs when the value's type comes from the declarations."""
_PROPERTY_CODES = frozenset({2339, 2551})
_TYPE_CONTEXTS = frozenset(
    {
        "type_annotation",
        "type_arguments",
        "type_parameters",
        "type_alias_declaration",
        "interface_declaration",
        "type_query",
        "implements_clause",
        "extends_type_clause",
        "type_predicate_annotation",
        "asserts_annotation",
    }
)
_NULLISH_LAST = re.compile(r"^Type '(?:null|undefined)' is not assignable to type ")
_UNKNOWN_SOURCE = re.compile(
    r"^(?:Type|Argument of type) 'unknown' is not assignable to (?:type|parameter of type) "
)
_SUBJECT_PATTERNS = {
    **dict.fromkeys((2339, 2551), re.compile(r"^Property '[^']*' does not exist on type '(.*)'\.")),
    **dict.fromkeys((2488, 2495, 2548, 2549, 2461), re.compile(r"^Type '(.*)' (?:must|is not)")),
}
"""Where a misuse's message names the type of the value misused."""
_SHAPELESS = frozenset({"{}", "object", "Object"})
"""Types that say nothing about a value's fields (``unknown`` narrowed, ``object``)."""


@dataclass(frozen=True)
class Verdict:
    """The diagnostics that stop the script, and those only reported."""

    blocking: list[Diagnostic]
    notes: list[Diagnostic]


def classify(
    findings: list[Finding],
    source: str,
    declared: Declared,
    loose: Callable[[], list[Finding]],
) -> Verdict:
    """Apply the policy (module docstring). ``loose`` checks against loose declarations;
    it is called only when some finding needs the comparison."""
    script = _Script(source)
    declared_functions = declared.functions
    blocking: list[Diagnostic] = []
    notes: list[Diagnostic] = []
    undecided: list[Finding] = []
    for finding in findings:
        if finding.region == "before":
            continue  # the declarations' own (they compile alone): not the script's
        if finding.diagnostic.code in _OFF:
            continue
        decision = _decide(finding, script, declared)
        if decision is None:
            undecided.append(finding)
        else:
            (blocking if decision else notes).append(finding.diagnostic)
    if undecided:
        loose_keys = {item.key for item in loose() if item.region == "script"}
        for finding in undecided:
            contract = finding.key not in loose_keys and (
                _misuses_result(finding) or script.in_declared_call(finding, declared_functions)
            )
            (blocking if contract else notes).append(finding.diagnostic)
    order = lambda d: (d.line, d.column)  # noqa: E731
    return Verdict(
        sorted((_await_hint(d) for d in blocking), key=order),
        sorted((msgspec.structs.replace(d, blocking=False) for d in notes), key=order),
    )


def _decide(finding: Finding, script: _Script, declared: Declared) -> bool | None:
    """True: blocks; False: reported; None: decided by the loose comparison."""
    d = finding.diagnostic
    lines = [line.strip() for line in d.message.split("\n") if line.strip()] or [""]
    if finding.region == "after":
        return True
    if d.code is not None and 1000 <= d.code < 2000:
        return d.code not in _TS_ONLY_GRAMMAR
    if REMOVED_GLOBAL_MARKER in d.message:
        return True
    if d.code in _AWAIT_CODES or _AWAIT_HINT in d.message or _AWAIT_HINT in finding.related:
        return True
    if d.code in _NAME_CODES:
        return not (d.code in _TYPE_NAME_CODES and script.in_type(d))
    if d.code in _NULLISH_CODES or _only_nullish(lines):
        return False
    if d.code in _UNKNOWN_CODES or any(_UNKNOWN_SOURCE.match(line) for line in lines):
        return False
    if _widened(lines[-1], declared.literal_aliases):
        return False  # `let unit = "f"` is a string to TypeScript: its value is unknown
    subject = _subject_type(d.code, lines[0])
    if subject is not None and (_is_union(subject) or subject in _SHAPELESS):
        return False  # the script may know which member it has; or nothing is known
    if d.code in _PROPERTY_CODES and subject is not None and _is_array_or_primitive(subject):
        return True  # `rows.lenght`, `n.toUpperCase()`: these shapes hold no other fields
    if d.code is None:
        return True  # not from the compiler: the checker's own finding
    return None


_PAIR = re.compile(
    r"^(?:Type|Argument of type) '(?P<source>.*)' is not assignable to "
    r"(?:type|parameter of type) '(?P<target>.*)'\.$"
)


def _only_nullish(lines: list[str]) -> bool:
    """Whether an assignability error is only about ``null``/``undefined``.

    TypeScript ends the explanation with the member that does not fit (``Type
    'undefined' is not assignable to type 'string'``); the line before names the whole
    source. Only nullish if every other member of that source is in the target.
    """
    if len(lines) < 2 or not _NULLISH_LAST.match(lines[-1]):
        return False
    pair = _PAIR.match(lines[-2])
    if pair is None:
        return False
    target = set(_union_members(pair["target"]))
    rest = [m for m in _union_members(pair["source"]) if m not in ("null", "undefined")]
    return bool(rest) and all(member in target for member in rest)


_PRIMITIVE = re.compile(
    r'^(?:string|number|boolean|bigint|true|false|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)$'
)


def _is_array_or_primitive(type_text: str) -> bool:
    """Whether a printed type is an array, a tuple or a primitive (not a union)."""
    text = type_text.removeprefix("readonly ")
    return bool(
        _PRIMITIVE.match(text)
        or (text.endswith("[]") and _balanced(text[:-2]))
        or (text.startswith("[") and text.endswith("]") and _balanced(text[1:-1]))
        or (text.startswith(("Array<", "ReadonlyArray<")) and text.endswith(">"))
    )


def _balanced(text: str) -> bool:
    """Whether brackets close within ``text`` (``A[]`` vs the tail of ``(A | B)[]``)."""
    depth = 0
    for char in text:
        depth += char in "([{<"
        depth -= char in ")]}>"
        if depth < 0:
            return False
    return depth == 0


def _widened(line: str, literal_aliases: frozenset[str]) -> bool:
    """Whether ``line`` says a plain string/number/boolean does not fit a set of literals.

    TypeScript widens ``let unit = "f"`` and ``{ unit: "f" }`` in a variable to
    ``string``: whether the value is one of the literals is not known, so not a
    predicted failure. A literal that does not fit (``"kelvin"``) is printed as itself.
    """
    match = _WIDENED.match(line)
    if match is None:
        return False
    kind = match["source"]
    members = _union_members(match["target"])
    literal = _LITERALS[kind]
    return any(literal.match(m) or m in literal_aliases for m in members) and all(
        literal.match(m) or m in literal_aliases or m in ("null", "undefined") for m in members
    )


_WIDENED = re.compile(
    r"^(?:Type|Argument of type) '(?P<source>string|number|boolean)' is not assignable to "
    r"(?:type|parameter of type) '(?P<target>.*)'\.$"
)
_LITERALS = {
    "string": re.compile(r'^"(?:[^"\\]|\\.)*"$'),
    "number": re.compile(r"^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$"),
    "boolean": re.compile(r"^(?:true|false)$"),
}


def _union_members(type_text: str) -> list[str]:
    """The top-level members of a printed union type."""
    members: list[str] = []
    depth = 0
    quote = ""
    current = ""
    for char in type_text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char in "([{<":
            depth += 1
        elif char in ")]}>":
            depth -= 1
        elif char == "|" and depth == 0:
            members.append(current.strip())
            current = ""
            continue
        current += char
    members.append(current.strip())
    return members


_PROMISE_SOURCE = re.compile(r"^(?:Argument of type|Type) 'Promise<")


def _await_hint(d: Diagnostic) -> Diagnostic:
    """A Promise where a value is expected says so, as TypeScript does for most such errors."""
    if _PROMISE_SOURCE.match(d.message) and _AWAIT_HINT not in d.message:
        return msgspec.structs.replace(d, message=f"{d.message}\n  {_AWAIT_HINT}")
    return d


def _misuses_result(finding: Finding) -> bool:
    return finding.diagnostic.code in _RESULT_CODES


def _subject_type(code: int | None, first_line: str) -> str | None:
    pattern = _SUBJECT_PATTERNS.get(code) if code is not None else None
    match = pattern.match(first_line) if pattern is not None else None
    return match[1] if match is not None else None


def _is_union(type_text: str) -> bool:
    """Whether a printed type is a union at its top level."""
    return len(_union_members(type_text)) > 1


class _Script:
    """The script's syntax tree, parsed once, for questions about positions."""

    def __init__(self, source: str) -> None:
        self._encoded = source.encode("utf-8")
        self._lines = self._encoded.split(b"\n")
        self._tree: tree_sitter.Tree | None = None

    def _node(self, d: Diagnostic) -> tree_sitter.Node | None:
        if self._tree is None:
            self._tree = parse(self._encoded)
        start = self._offset(d.line, d.column)
        end = self._offset(d.end_line, d.end_column)
        if start is None:
            return None
        return self._tree.root_node.descendant_for_byte_range(start, max(start, end or start))

    def _offset(self, line: int, column: int) -> int | None:
        """The byte offset of a 1-based line and UTF-16 column."""
        if not 1 <= line <= len(self._lines):
            return None
        text = self._lines[line - 1].decode("utf-8", "replace")
        units = column - 1
        chars = 0
        while units > 0 and chars < len(text):
            units -= 2 if ord(text[chars]) > 0xFFFF else 1
            chars += 1
        before = sum(len(item) + 1 for item in self._lines[: line - 1])
        return before + len(text[:chars].encode("utf-8"))

    def in_type(self, d: Diagnostic) -> bool:
        """Whether the diagnostic's node is in a type (erased when the script runs)."""
        node = self._node(d)
        if node is not None and node.type in ("type_identifier", "nested_type_identifier"):
            return True
        return any(item.type in _TYPE_CONTEXTS for item in _ancestors(node))

    def in_declared_call(self, finding: Finding, declared: frozenset[str]) -> bool:
        """Whether the diagnostic is a declared function passed as a value, or lies in the
        arguments (or names the callee) of the innermost call around it, to a declared
        function."""
        node = self._node(finding.diagnostic)
        if node is None:
            return False
        if node.type == "identifier" and (node.text or b"").decode() in declared:
            return True
        for item in _ancestors(node.parent):
            if item.type not in ("call_expression", "new_expression"):
                continue
            callee = item.child_by_field_name("function") or item.child_by_field_name("constructor")
            arguments = item.child_by_field_name("arguments")
            if not any(_within(node, part) for part in (callee, arguments) if part is not None):
                continue  # the node is the whole call: the call around it decides
            return (
                callee is not None
                and callee.type == "identifier"
                and (callee.text or b"").decode() in declared
            )
        return False


def _within(node: tree_sitter.Node, outer: tree_sitter.Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _ancestors(node: tree_sitter.Node | None) -> Iterable[tree_sitter.Node]:
    while node is not None:
        yield node
        node = node.parent


@dataclass(frozen=True)
class Declared:
    """What the policy needs to know about the declarations, and their two checked forms."""

    checked: str
    """The declarations as checked: a parameter typed ``{}`` (a tool without arguments)
    is ``{ [k: string]: never }``, since ``{}`` accepts any non-null value in TypeScript
    while the host refuses every argument; ``final_answer(value: unknown)`` refuses a
    Promise (its value would be ``{}``)."""
    loose: str
    """Every declared name typed ``any``: the diagnostics that disappear against these
    come from the tools' types."""
    functions: frozenset[str]
    literal_aliases: frozenset[str]
    """Type aliases that are unions of literals (``type Color = "red" | "blue"``)."""


@functools.lru_cache(maxsize=8)
def declared(declarations: str) -> Declared:
    """The checked and loose forms of ``declarations`` (cached: a sandbox has a few)."""
    encoded = declarations.encode("utf-8")
    tree = parse(encoded)
    pieces: list[str] = []
    functions: set[str] = set()
    aliases: set[str] = set()
    for node in tree.root_node.named_children:
        text = encoded[node.start_byte : node.end_byte].decode("utf-8")
        if node.type == "type_alias_declaration":
            value = node.child_by_field_name("value")
            members = _union_members((value.text or b"").decode()) if value else []
            if members and all(any(p.match(m) for p in _LITERALS.values()) for m in members):
                aliases.add(_name_of(node))
        loosened = _loosen(node, functions)
        pieces.append(text if loosened is None else loosened)
    return Declared(
        checked=_checked(tree, encoded),
        loose="\n".join(pieces) + "\n",
        functions=frozenset(functions),
        literal_aliases=frozenset(aliases),
    )


_EMPTY_ARGUMENTS = tree_sitter.Query(
    TS_LANGUAGE,
    "(function_signature parameters: (formal_parameters"
    " [(required_parameter type: (type_annotation (object_type) @empty))"
    " (optional_parameter type: (type_annotation (object_type) @empty))]))",
)
_UNKNOWN_ANSWER = tree_sitter.Query(
    TS_LANGUAGE,
    '(function_signature name: (identifier) @name (#eq? @name "final_answer")'
    " parameters: (formal_parameters (required_parameter"
    " type: (type_annotation (predefined_type) @type))) @params)",
)
_NO_PROMISE = "<T>(value: T & (T extends PromiseLike<unknown> ? never : unknown))"
"""``final_answer(value: unknown)`` as checked: any value but a Promise (a missing await)."""


def _checked(tree: tree_sitter.Tree, encoded: bytes) -> str:
    """The declarations as checked (``Declared.checked``)."""
    found = tree_sitter.QueryCursor(_EMPTY_ARGUMENTS).captures(tree.root_node).get("empty", [])
    edits = [
        (node.start_byte, node.end_byte, "{ [k: string]: never }")
        for node in found
        if not node.named_children
    ]
    for _, match in tree_sitter.QueryCursor(_UNKNOWN_ANSWER).matches(tree.root_node):
        [kind] = match["type"]
        [params] = match["params"]
        if kind.text == b"unknown":
            edits.append((params.start_byte, params.end_byte, _NO_PROMISE))
    pieces: list[bytes] = []
    last = 0
    for start, end, text in sorted(edits):
        pieces += [encoded[last:start], text.encode()]
        last = end
    pieces.append(encoded[last:])
    return b"".join(pieces).decode("utf-8")


def _name_of(item: tree_sitter.Node) -> str:
    named = item.child_by_field_name("name")
    return (named.text or b"").decode() if named is not None else ""


def _loosen(node: tree_sitter.Node, functions: set[str]) -> str | None:
    name_of = _name_of

    def parameters_of(item: tree_sitter.Node) -> str:
        params = item.child_by_field_name("type_parameters")
        return (params.text or b"").decode() if params is not None else ""

    if node.type in ("type_alias_declaration", "interface_declaration"):
        return f"type {name_of(node)}{parameters_of(node)} = any;"
    if node.type == "comment":
        return ""
    if node.type != "ambient_declaration" or not node.named_children:
        return None
    inner = node.named_children[0]
    name = name_of(inner)
    if inner.type == "function_signature" and name:
        functions.add(name)
        return f"declare function {name}(...args: any[]): any;"
    if inner.type in ("class_declaration", "abstract_class_declaration") and name:
        return f"declare const {name}: any;\ntype {name} = any;"
    if inner.type in ("lexical_declaration", "variable_declaration"):
        keyword = (inner.children[0].text or b"const").decode() if inner.children else "const"
        names = [
            name_of(item) for item in inner.named_children if item.type == "variable_declarator"
        ]
        return "".join(f"declare {keyword} {item}: any;\n" for item in names if item)
    return None
