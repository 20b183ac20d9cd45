"""Text for people and models: cutting long text, and compiler-style diagnostics.

One place for each: the agent's observations, the records' error texts, the CLI and
the validation messages all cut and render through these.
"""

from __future__ import annotations

from tsact._records.record import Diagnostic

MIN_KEPT = 80
"""Characters a middle cut keeps at least, whatever the limit."""


def cut_middle(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else its head and tail around a marker
    that says how many characters and lines were left out (cut at line ends when near)."""
    if len(text) <= limit:
        return text
    keep = max(limit, MIN_KEPT)
    head = text[: keep // 2]
    tail = text[len(text) - (keep - len(head)) :]
    newline = head.rfind("\n")
    if newline >= len(head) * 0.6:
        head = head[: newline + 1]
    newline = tail.find("\n")
    if 0 <= newline <= len(tail) * 0.4:
        tail = tail[newline:]
    middle = text[len(head) : len(text) - len(tail)]
    what = f"{len(middle):,} characters"
    if "\n" in middle:
        what += f", {len(middle.splitlines()):,} lines"
    sep_before = "" if head.endswith("\n") or not head else "\n"
    sep_after = "" if tail.startswith("\n") or not tail else "\n"
    return f"{head}{sep_before}[... {what} left out ...]{sep_after}{tail}"


def cut_end(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with ``…`` and the count left out (one line)."""
    if len(text) <= limit:
        return text
    return f"{text[: max(limit - 1, 0)]}… (+{len(text) - limit + 1:,} chars)"


def source_excerpt(source: str, line: int | None, column: int | None, width: int = 300) -> str:
    """The source line ``line`` (1-based) with its number and a caret under ``column``;
    a line longer than ``width`` is cut, and then has no caret."""
    lines = source.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    gutter = f"{line:>4} | "
    excerpt = gutter + cut_middle(text, width)
    if column is not None and 1 <= column <= len(text) + 1 and len(text) <= width:
        prefix = "".join("\t" if char == "\t" else " " for char in text[: column - 1])
        excerpt += "\n" + " " * (len(gutter) - 2) + "| " + prefix + "^"
    return excerpt


def diagnostic_line(diagnostic: Diagnostic, path: str = "script.ts") -> str:
    """``path:line:col - error TSnnnn: message`` (``note`` for what does not stop a run)."""
    code = f" TS{diagnostic.code}" if diagnostic.code is not None else ""
    level = "error" if diagnostic.blocking else "note"
    return f"{path}:{diagnostic.line}:{diagnostic.column} - {level}{code}: {diagnostic.message}"


def render_diagnostic(diagnostic: Diagnostic, source: str, path: str = "script.ts") -> str:
    """A diagnostic's line and the source line it points at, with a caret."""
    excerpt = source_excerpt(source, diagnostic.line, diagnostic.column)
    head = diagnostic_line(diagnostic, path)
    return f"{head}\n{excerpt}" if excerpt else head


def render_diagnostics(diagnostics: list[Diagnostic], source: str, path: str = "script.ts") -> str:
    """Every diagnostic, rendered as ``render_diagnostic`` does, one after the other."""
    return "\n".join(render_diagnostic(d, source, path) for d in diagnostics)
