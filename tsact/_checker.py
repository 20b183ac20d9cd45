"""Type-checking scripts with a warm TypeScript checker: a long-lived ``deno lsp``.

``deno check`` of a new file costs most of a second (it boots the compiler every
time). A language server keeps the compiler warm: each check replaces one in-memory
document (the declarations, then the script wrapped in an async function, as a
module whose declarations shadow the globals the sandbox removes) and pulls
its diagnostics (``textDocument/diagnostic``), in about 10 ms once warm. The server
only analyses text; nothing is executed, and the document never touches the disk.

The server runs as a plain subprocess with a reader thread, so one checker serves any
event loop and any thread (``Sandbox.run_sync`` starts a new loop each time).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import threading
import weakref
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any

from ._deno import runtime_dir, sandbox_environment
from ._record import Diagnostic

WRAPPER_HEAD = "async function __tsact_main() {"


@functools.cache
def removed_globals() -> tuple[str, ...]:
    """The globals the worker prelude removes (``removed_globals.json``) or refuses (fetch).

    Deno's own types still declare them. The checker's document is a module, so its
    module-level declarations of these names shadow the global ones: using one is a
    type error whose message says why, instead of a failure halfway through the run.
    """
    listed = json.loads((runtime_dir() / "removed_globals.json").read_text())
    return (*listed, "fetch")


@functools.cache
def _shadows() -> str:
    return "".join(
        f'declare const {name}: {{ readonly "{name} is not available in the tsact sandbox: '
        'reach the outside through the external_* functions": never };\n'
        for name in removed_globals()
    )


def checker_document(declarations: str, source: str) -> tuple[str, int]:
    """The text the checker analyses for ``source``, and how many lines precede the script.

    The declarations, the shadows of removed globals, then the script wrapped in an async
    function (top-level ``await`` and ``return``), as a module. The benchmark checks the
    same text with ``deno check``.
    """
    prefix = declarations.rstrip("\n") + "\n" + _shadows() + WRAPPER_HEAD + "\n"
    return prefix + source + "\n}\nexport {};\n", prefix.count("\n")


DENO_SETTINGS = {"enable": True, "lint": False}
"""The server's ``deno`` settings: at start and whenever it asks for its configuration."""

REQUEST_TIMEOUT_S = 60.0
ERROR = 1  # LSP DiagnosticSeverity.Error; hints such as "declared but never read" are dropped


class CheckerError(RuntimeError):
    """The type checker could not run (deno missing, server crashed or timed out)."""


class TypeChecker:
    """A warm TypeScript checker for scripts written against tool declarations."""

    def __init__(self, deno: Path) -> None:
        self._deno = deno
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._versions = itertools.count(1)
        self._pending: dict[int, Future[Any]] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._home: Path | None = None
        self._opened = False
        self._finalizer: weakref.finalize[Any, TypeChecker] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        home = Path(tempfile.mkdtemp(prefix=f"tsact-{os.getpid()}-checker-"))
        try:
            process = subprocess.Popen(
                [str(self._deno), "lsp", "--quiet"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=home,
                env=sandbox_environment(home, home / "deno_dir"),
                start_new_session=True,
            )
        except OSError as exc:
            shutil.rmtree(home, ignore_errors=True)
            raise CheckerError(f"cannot start the type checker: {exc}") from None
        self._process = process
        self._home = home
        self._finalizer = weakref.finalize(self, _stop, process, home)
        assert process.stdout is not None
        threading.Thread(
            target=self._read, args=(process.stdout,), name="tsact-checker", daemon=True
        ).start()
        self._request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": home.as_uri(),
                "capabilities": {"textDocument": {"diagnostic": {}}},
                "initializationOptions": DENO_SETTINGS,
            },
        )
        self._notify("initialized", {})
        return process

    def check(self, declarations: str, source: str) -> list[Diagnostic]:
        """Diagnostics of ``source`` (an async function body) against ``declarations``.

        Positions are in the user's own lines and columns (1-based). Blocking: call it
        from a worker thread in async code. A server that died since the last check (killed,
        crashed) is restarted and the check retried once; ``close`` is not undone.
        """
        text, offset = checker_document(declarations, source)
        with self._lock:
            try:
                report = self._check(text)
            except CheckerError:
                process, finalizer = self._process, self._finalizer
                closed = finalizer is None or not finalizer.alive
                if closed or process is None or not _exited(process):
                    raise
                report = self._check(text)
        return _to_user_diagnostics(report.get("items", []), offset, source)

    def _check(self, text: str) -> Any:
        """Send ``text`` as the document (starting the server if needed); its diagnostics."""
        if self._process is None or self._process.poll() is not None:
            if self._finalizer is not None:
                self._finalizer()  # a dead server's temp directory
            self._opened = False
            self._start()
        assert self._home is not None
        uri = (self._home / "script.ts").as_uri()
        version = next(self._versions)
        if not self._opened:
            self._notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "typescript",
                        "version": version,
                        "text": text,
                    }
                },
            )
            self._opened = True
        else:
            self._notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": text}],
                },
            )
        return self._request("textDocument/diagnostic", {"textDocument": {"uri": uri}})

    def close(self) -> None:
        """Stop the server and remove its temp directory.

        Does not wait for a check in progress: killing the server makes that check fail
        with ``CheckerError`` at once, instead of holding ``close`` until it finishes.
        """
        finalizer = self._finalizer
        if finalizer is not None:
            finalizer()

    # -- JSON-RPC over stdio (LSP base protocol: Content-Length framing) --------------

    def _send(self, message: dict[str, Any]) -> None:
        process = self._process
        if process is None or process.stdin is None:
            raise CheckerError("the type checker is not running")
        body = json.dumps(message).encode()
        with self._write_lock:
            try:
                process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
                process.stdin.flush()
            except OSError as exc:
                raise CheckerError(f"the type checker stopped: {exc}") from None

    def _notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _request(self, method: str, params: dict[str, Any]) -> Any:
        request_id = next(self._ids)
        future: Future[Any] = Future()
        self._pending[request_id] = future
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        try:
            return future.result(timeout=REQUEST_TIMEOUT_S)
        except TimeoutError:
            raise CheckerError(f"the type checker did not answer {method!r} in time") from None
        finally:
            self._pending.pop(request_id, None)

    def _read(self, stream: IO[bytes]) -> None:
        try:
            while True:
                length = 0
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii", "replace").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                self._dispatch(json.loads(stream.read(length)))
        finally:
            for future in list(self._pending.values()):
                if not future.done():
                    future.set_exception(CheckerError("the type checker exited"))

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:
            self._answer_server_request(message)
        elif "id" in message:
            future = self._pending.get(message["id"])
            if future is not None and not future.done():
                if "error" in message:
                    future.set_exception(CheckerError(str(message["error"].get("message"))))
                else:
                    future.set_result(message.get("result"))

    def _answer_server_request(self, message: dict[str, Any]) -> None:
        result: Any = None
        if message["method"] == "workspace/configuration":
            items = message.get("params", {}).get("items", [])
            result = [DENO_SETTINGS if item.get("section") == "deno" else {} for item in items]
        with contextlib.suppress(CheckerError):
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})


def _exited(process: subprocess.Popen[bytes]) -> bool:
    """True once ``process`` has ended; a server that closed its output is given a second."""
    try:
        process.wait(timeout=1)
    except subprocess.TimeoutExpired:
        return False
    return True


def _stop(process: subprocess.Popen[bytes], home: Path) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, 9)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    shutil.rmtree(home, ignore_errors=True)


def _to_user_diagnostics(items: list[dict[str, Any]], offset: int, source: str) -> list[Diagnostic]:
    last_line = source.count("\n") + 1
    found: list[Diagnostic] = []
    for item in items:
        if item.get("severity", ERROR) != ERROR:
            continue
        start = item["range"]["start"]
        end = item["range"]["end"]
        line = start["line"] - offset + 1
        if not 1 <= line <= last_line:
            continue  # in the declarations or the wrapper: not the script's fault
        end_line = max(line, min(end["line"] - offset + 1, last_line))
        code = item.get("code")
        found.append(
            Diagnostic(
                line=line,
                column=start["character"] + 1,
                end_line=end_line,
                end_column=end["character"] + 1,
                message=str(item.get("message", "")),
                code=code if isinstance(code, int) else None,
            )
        )
    found.sort(key=lambda d: (d.line, d.column))
    return found


def format_diagnostics(diagnostics: list[Diagnostic], source: str, path: str = "script.ts") -> str:
    """Compiler-style text: ``path:line:col - error TSxxxx: message`` and the source line."""
    lines = source.splitlines()
    out: list[str] = []
    for diagnostic in diagnostics:
        code = f" TS{diagnostic.code}" if diagnostic.code is not None else ""
        out.append(
            f"{path}:{diagnostic.line}:{diagnostic.column} - error{code}: {diagnostic.message}"
        )
        if 1 <= diagnostic.line <= len(lines):
            text = lines[diagnostic.line - 1]
            width = (
                diagnostic.end_column - diagnostic.column
                if diagnostic.end_line == diagnostic.line
                else len(text) - diagnostic.column + 1
            )
            out.append(f"  {text}")
            out.append("  " + " " * (diagnostic.column - 1) + "~" * max(1, width))
    return "\n".join(out)
