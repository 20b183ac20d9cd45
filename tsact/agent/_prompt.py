"""The system prompt and the one function tool the model gets.

The prompt states how to run code (the ``execute_typescript`` tool, or a fenced
``ts`` block in text mode), the rules of the sandbox, how to finish, and shows the
sandbox's declarations in a ``ts`` block. The user's ``instructions`` come last.
"""

from __future__ import annotations

from typing import Any, Literal

EXECUTE_TOOL_NAME = "execute_typescript"

EXECUTE_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": EXECUTE_TOOL_NAME,
        "description": (
            "Run a TypeScript script in a fresh sandbox and see its console output, returned "
            "value or error. The script can call the external_* functions declared in the "
            "system prompt and ends the task by calling final_answer(value)."
        ),
        "parameters": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "description": "The whole script: the body of an async function.",
                }
            },
            "required": ["code"],
            "additionalProperties": False,
        },
    },
}

_HOW_TOOLS = (
    f"To run code, call the `{EXECUTE_TOOL_NAME}` tool with the whole script in `code`. "
    "After each execution you see what it printed, what it returned, or its error."
)
_HOW_TEXT = (
    "To run code, reply with one fenced code block (```ts ... ```): it runs as one script, "
    "and the next message shows what it printed, what it returned, or its error."
)

_RULES = """\
Rules of the sandbox:
- Each execution runs in a fresh sandbox, but your top-level `const`/`let`/`var` variables \
that hold JSON data carry into your next script: compute a value once and use it by name \
later (you are told what is kept). Functions, classes and other non-JSON values do not \
carry. "Fresh" is about the script's memory: the tools may keep state of their own (a \
browser's current page, a file they wrote).
- The script is the body of an async function: use top-level `await`; `return` a JSON value to \
see it.
- No imports, no network, no files, no environment: the only way out is the `external_*` \
functions {where}. Each takes one object argument and returns a Promise; a failed call \
throws a `ToolError` that you can catch. Call independent ones together with `Promise.all`.
- Keep big data inside the script: filter, aggregate and compute there, and print \
(`console.log`) or return only what you need to see. Long output is cut.
- Compute in code, not in your head: do arithmetic, counting and sorting in the script."""

_TYPECHECK_RULE = """
- Each script is type-checked before it runs. Only mistakes against the declarations stop \
it: a tool or variable that does not exist, a wrong, missing or extra argument, a field a \
result does not have, a missing `await`. Plain JavaScript is fine (type annotations are \
optional), and strict-mode complaints such as "possibly undefined" do not stop a script."""

_FINISH = (
    "When you have the answer, call `final_answer(value)` in a script: it ends the task at once, "
    "and you see nothing that script printed. If you know what the tools return and the task "
    "needs no look at intermediate results, do all the work and call `final_answer` in your "
    "first script; otherwise look first. Give the answer alone, in the form the task asks for "
    "(a number when it asks for a number)."
)
_FINISH_TYPED = (
    " `final_answer` takes a value of the declared type: it is checked, and you are told if it "
    "does not match."
)
_FINISH_TEXT = " You can also answer with a reply that has no code: its text is the answer."


_CATALOG = """\
There are {count} tools, too many to declare here. Each is a function \
`external_<name>(args)`; under a heading `external_<prefix>_*`, a name `x` stands for \
`external_<prefix>_x`:
{listing}

To see a tool's exact declaration (its arguments and result type), call \
`search_tools("what you need")` in a script and print what it returns: the full declarations \
of the best matches, found by name, description and argument names. Every script is \
type-checked against all the declarations before it runs, so a wrong guess at a tool's \
arguments comes back as a type error that shows the right types."""


def build_system_prompt(
    declarations: str,
    *,
    mode: Literal["tools", "text"],
    typed_output: bool,
    instructions: str | None,
    catalog: tuple[int, str] | None = None,
    typecheck: bool = False,
) -> str:
    """The system prompt for ``mode``, showing ``declarations`` in a ``ts`` block.

    With ``catalog`` (the number of tools and their one-line listing), ``declarations``
    hold only the globals (``search_tools`` among them) and the tools are listed by name.
    With ``typecheck``, the rules say what the type checker stops and what it does not.
    """
    finish = _FINISH + (_FINISH_TYPED if typed_output else _FINISH_TEXT)
    rules = _RULES.format(where="listed below" if catalog else "declared below")
    parts = [
        "You solve tasks by writing TypeScript that runs in a sandbox.",
        _HOW_TOOLS if mode == "tools" else _HOW_TEXT,
        rules + (_TYPECHECK_RULE if typecheck else ""),
        finish,
        (
            "Declarations of the script's globals:"
            if catalog
            else "Declarations of everything the script can use:"
        )
        + "\n```ts\n"
        + declarations.rstrip("\n")
        + "\n```",
    ]
    if catalog is not None:
        parts.append(_CATALOG.format(count=catalog[0], listing=catalog[1]))
    if instructions and instructions.strip():
        parts.append(instructions.strip())
    return "\n\n".join(parts)


LAST_STEP_NOTICE = "This is your last step: call final_answer(value) with your best answer now."
