"""The host side of the wire protocol (see ``deno_runtime/link.ts``).

JSON-RPC 2.0, one object per line, on the sandbox process's stdout (from the sandbox:
``ready``, unsealed, once the prelude has booted; then, each starting with the execution's seal,
``started``, ``tool_call {id, name, args}``, ``console {level, text}``,
``final {status, result | error, final_answer, fuel_used}``) and stdin (from the host:
the ``start`` notification and one reply per ``tool_call``). Frames are decoded with
strict msgspec Structs; anything else is a protocol fault (kind ``internal``).
"""

from __future__ import annotations

import re
from typing import Any, Literal

import msgspec


class ToolCallParams(msgspec.Struct, frozen=True):
    """What the script asked for: a tool by name with JSON arguments."""

    name: str
    args: Any


class ToolCallFrame(msgspec.Struct, frozen=True, tag_field="method", tag="tool_call"):
    """A JSON-RPC request from the sandbox: run one tool."""

    jsonrpc: Literal["2.0"]
    id: int
    params: ToolCallParams


class ConsoleParams(msgspec.Struct, frozen=True):
    """One console line, already formatted in the sandbox."""

    level: Literal["log", "info", "warn", "error", "debug"]
    text: str


class ConsoleFrame(msgspec.Struct, frozen=True, tag_field="method", tag="console"):
    """A notification from the sandbox: the script printed something."""

    jsonrpc: Literal["2.0"]
    params: ConsoleParams


class ScriptErrorPayload(msgspec.Struct, frozen=True):
    """The script's error as the prelude described it, before mapping to user lines."""

    kind: str
    name: str
    message: str
    stack: str | None = None


class CapturedVariable(msgspec.Struct, frozen=True):
    """A variable the script leaves to the next one of its session, with its JSON."""

    name: str
    type: str
    summary: str
    bytes: int
    value: msgspec.Raw


class DroppedVariable(msgspec.Struct, frozen=True):
    """A top-level name that does not carry, and why."""

    name: str
    reason: str


class CapturedState(msgspec.Struct, frozen=True):
    """What a session's script leaves behind (``error`` when it was over the limit)."""

    vars: list[CapturedVariable]
    dropped: list[DroppedVariable]
    error: str | None = None


class FinalParams(msgspec.Struct, frozen=True):
    """The script's outcome."""

    status: Literal["ok", "error"]
    result: Any = None
    final_answer: bool = False
    error: ScriptErrorPayload | None = None
    fuel_used: int | None = None
    state: CapturedState | None = None


class FinalFrame(msgspec.Struct, frozen=True, tag_field="method", tag="final"):
    """A notification from the sandbox: the script finished."""

    jsonrpc: Literal["2.0"]
    params: FinalParams


class StartedFrame(msgspec.Struct, frozen=True, tag_field="method", tag="started"):
    """A notification from the sandbox: permissions are revoked and the script is starting."""

    jsonrpc: Literal["2.0"]
    params: dict[str, Any] = {}


SandboxFrame = ToolCallFrame | ConsoleFrame | FinalFrame | StartedFrame


MAX_JSON_DEPTH = 256
"""Deepest nesting of arrays and objects in a result or in arguments from the sandbox.

The prelude refuses deeper values (kind ``limit``); the host's decoder, and everything
that later walks a record (encoders, validators), recurse once per level."""


class SessionStart(msgspec.Struct, frozen=True, rename="camel"):
    """In a session: the variables carried in (a JSON object's text) and their bound."""

    carried: str
    max_state_bytes: int


READY_LINE = b'{"jsonrpc":"2.0","method":"ready","params":{}}'
"""The prelude's first line on stdout, unsealed, once it has booted (``READY_LINE`` in
``link.ts``): a spare that has written it waits only for its start frame."""


class StartParams(msgspec.Struct, frozen=True, rename="camel"):
    """The settings the host sends first (names match ``messages.ts``)."""

    module: str
    max_result_bytes: int
    line_cap: int
    error_cap: int
    cut_marker: tuple[str, str]
    max_json_depth: int
    fuel: int | None
    fuel_per_tool_call: int
    tools: list[str]
    seal: str
    """Starts every frame the sandbox sends in this execution: a line without it (one a
    script could have written had it reached the process's stdout) is refused."""
    session: SessionStart | None = None
    source: str | None = None
    """The module as a strict classic script (JavaScript only), which the prelude evaluates
    at once; None for TypeScript, which it imports from ``module``. A script that fails to
    compile this way is imported too, for Deno's report of where."""


class StartFrame(msgspec.Struct, frozen=True, tag_field="method", tag="start"):
    """The host's first frame: the wrapped script and its settings."""

    params: StartParams
    jsonrpc: str = "2.0"


class ReplyError(msgspec.Struct, frozen=True):
    """A JSON-RPC error object; ``data.code`` says why (validation, tool, refused...)."""

    code: int
    message: str
    data: dict[str, str]


class ResultReply(msgspec.Struct, frozen=True):
    """A successful reply to ``tool_call``."""

    id: int
    result: Any
    jsonrpc: str = "2.0"


class ErrorReply(msgspec.Struct, frozen=True):
    """A failed reply to ``tool_call``; the script sees a thrown ``ToolError``."""

    id: int
    error: ReplyError
    jsonrpc: str = "2.0"


_decoder = msgspec.json.Decoder(SandboxFrame)
_encoder = msgspec.json.Encoder()


class ProtocolError(Exception):
    """A frame from the sandbox that is not part of the protocol."""


class ScriptValueError(Exception):
    """A frame whose JSON holds a value the host cannot read (the script's fault).

    ``kind`` is ``limit`` for nesting past what the decoder takes, ``runtime`` for a
    number out of range."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


# A \uD800-\uDFFF escape JSON.stringify wrote for a lone surrogate (a pair is written as
# the character itself), not preceded by an escaping backslash: JSON, but not Unicode.
_LONE_SURROGATE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def decode_frame(line: bytes | bytearray, seal: bytes) -> SandboxFrame:
    """Decode one line from the sandbox, which must start with the execution's ``seal``.

    Raises ``ProtocolError`` for anything that is not the protocol, and
    ``ScriptValueError`` for a well-formed frame carrying a value no decoder takes.
    Lone surrogates (which scripts can make) become U+FFFD.
    """
    if not line.startswith(seal):
        preview = line[:200].decode("utf-8", "replace")
        raise ProtocolError(f"a line from the sandbox without its seal: {preview!r}")
    with memoryview(line) as view:  # the frame after the seal, not a copy of it
        return _decode_unsealed(view[len(seal) :])


def _decode_unsealed(line: bytes | bytearray | memoryview) -> SandboxFrame:
    try:
        frame: SandboxFrame = _decoder.decode(line)
    except RecursionError:
        raise ScriptValueError(
            "limit", f"a value from the script nests deeper than {MAX_JSON_DEPTH} levels"
        ) from None
    except msgspec.DecodeError as exc:
        if isinstance(line, memoryview):
            line = line.tobytes()  # a rare path: the text is searched and repaired
        if b"\\u" in line:
            repaired = _LONE_SURROGATE.sub(rb"\1\\ufffd", line)
            if repaired != line:
                return _decode_unsealed(repaired)
        if "out of range" in str(exc):
            raise ScriptValueError(
                "runtime", f"a value from the script is out of range for JSON ({exc})"
            ) from None
        preview = line[:200].decode("utf-8", "replace")
        raise ProtocolError(f"malformed frame from the sandbox ({exc}): {preview!r}") from None
    return frame


def encode_frame(frame: msgspec.Struct) -> bytearray:
    """Encode one host frame as a line (into a buffer the newline extends in place:
    concatenating a copy would cost a large frame as much again)."""
    line = bytearray()
    _encoder.encode_into(frame, line)
    line.append(10)
    return line
