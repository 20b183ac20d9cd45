"""Type-checking scripts with a warm TypeScript checker: a long-lived, confined ``deno lsp``.

``deno check`` of a new file costs most of a second (it boots the compiler every
time). A language server keeps the compiler warm: each check replaces one in-memory
document (the declarations, then the script wrapped in an async function, as a
module whose declarations shadow the globals the sandbox removes) and pulls
its diagnostics (``textDocument/diagnostic``), in about 10 ms once warm. The server
only analyses text; nothing is executed, and the document never touches the disk.

What the checker may see is bounded three ways:

- the script goes through ``prepare`` first, the same vetting as a run: imports of
  every form, triple-slash directives and unparsable text never reach the compiler;
- the wrapper cannot be escaped: a per-check marker declared at its start is named
  at its end, so a script that closes the function (``}`` ... ``{``) gets an error
  there, and every diagnostic after the script counts as the script's;
- the server runs under Landlock (``_landlock``): it can read its own binary, the
  system's shared libraries, its own /proc entry and its private directory, nothing
  else, and cannot connect anywhere. Where Landlock is unavailable it runs unconfined,
  with a warning.

Each check has a deadline: past it the server is killed (the next check starts a new
one) and ``CheckTimeout`` is raised. Start-up and warm-up have their own, longer one.
The server runs as a plain subprocess with a reader thread, so one checker serves any
event loop and any thread (``Sandbox.run_sync`` starts a new loop each time).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
import warnings
import weakref
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any

from tsact._deno import runtime_dir, sandbox_environment
from tsact._errors import CheckerError, CheckTimeout
from tsact._records.record import Diagnostic
from tsact._records.text import render_diagnostics
from tsact._scripts import landlock as _landlock
from tsact._scripts.policy import (
    COMPILER_OPTIONS,
    REMOVED_GLOBAL_MARKER,
    Finding,
    Region,
    Verdict,
    classify,
    declared,
)
from tsact._scripts.prepare import vet
from tsact._tempdirs import private_temp_dir

WRAPPER_HEAD = "async function __tsact_main() {"
MARKER_PREFIX = "__tsact_end_"


@functools.cache
def removed_globals() -> tuple[str, ...]:
    """The globals the prelude removes (``removed_globals.json``) or refuses (fetch).

    Deno's own types still declare them. The checker's document is a module, so its
    module-level declarations of these names shadow the global ones: using one is a
    type error whose message says why, instead of a failure halfway through the run.
    """
    listed = json.loads((runtime_dir() / "removed_globals.json").read_text())
    return (*listed, "fetch")


@functools.cache
def _shadows() -> str:
    return "".join(
        f'declare const {name}: {{ readonly "{name} {REMOVED_GLOBAL_MARKER}: '
        'reach the outside through the external_* functions": never };\n'
        for name in removed_globals()
    )


def checker_document(declarations: str, source: str, marker: str = "check") -> tuple[str, int]:
    """The text the checker analyses for ``source``, and how many lines precede the script.

    The declarations, the shadows of removed globals, then the script wrapped in an async
    function (top-level ``await`` and ``return``), as a module. The function's first line
    declares ``__tsact_end_<marker>`` and its last statement names it: if the script
    closed the function early, that name is out of scope there, an error after the
    script. A ``;`` line comes first, so a ``// @ts-ignore`` ending the script cannot
    silence it. The benchmark checks the same text with ``deno check``.
    """
    name = MARKER_PREFIX + marker
    prefix = declarations.rstrip("\n") + "\n" + _shadows() + f"{WRAPPER_HEAD} const {name} = 0;\n"
    return prefix + source + f"\n;\n{name};\n}}\nexport {{}};\n", prefix.count("\n")


DENO_SETTINGS: dict[str, Any] = {"enable": True, "lint": False}
"""The server's ``deno`` settings: at start and whenever it asks for its configuration."""

START_TIMEOUT_S = 90.0
"""Start-up and the first checks (the compiler loads its libraries): not the script's time."""
DEFAULT_TIMEOUT_S = 60.0
V8_FLAGS = "--max-old-space-size=1024"
"""The server's heap bound: ~300 MB after a hundred checks; a script's types cannot take more."""
ERROR = 1  # LSP DiagnosticSeverity.Error; hints such as "declared but never read" are dropped
LIBRARY_DIRS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64")
"""Read and execute for the dynamic loader and deno's shared libraries."""
SYSTEM_READS = (
    "/etc/ld.so.cache",
    "/proc/self",  # opened by the launcher: the pid deno keeps across exec; V8 needs it
)
"""The other paths the server may read: the loader's index of libraries, its own /proc."""


class _Unconfinable(CheckerError):
    """Landlock is there, but deno did not start under it."""


LAUNCH_FAILED = 126
EXEC_FAILED = 127
_warned: set[str] = set()


def _warn_unconfined(reason: str) -> None:
    if reason not in _warned:
        _warned.add(reason)
        warnings.warn(
            f"tsact: the type checker runs without Landlock ({reason}): it is not kept "
            "from reading host files",
            RuntimeWarning,
            stacklevel=3,
        )


class TypeChecker:
    """A warm TypeScript checker for scripts written against tool declarations.

    Args:
        deno: the deno binary.
        confine: run the server under Landlock when the kernel has it (else with a
            ``RuntimeWarning``); ``False`` only for tests that show what it prevents.
    """

    def __init__(self, deno: Path, *, confine: bool = True) -> None:
        self._deno = deno
        self._confine = confine
        self.confined: bool | None = None
        """Whether the running server is under Landlock (None before it starts)."""
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._versions = itertools.count(1)
        self._pending: dict[int, Future[Any]] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._home: Path | None = None
        self._opened: set[str] = set()
        self._warm: set[tuple[str, str]] = set()
        self._finalizer: weakref.finalize[Any, TypeChecker] | None = None
        self._settings: dict[str, Any] = DENO_SETTINGS
        self._closed = False

    # -- checks -------------------------------------------------------------------------

    def check(
        self,
        declarations: str,
        source: str,
        *,
        timeout_s: float | None = None,
        max_source_bytes: int = 200_000,
    ) -> Verdict:
        """The policy's verdict on ``source`` (an async function body) against ``declarations``.

        Raises ``ScriptRejected`` for a script a run would refuse (imports, syntax),
        ``CheckTimeout`` past ``timeout_s`` of checking, ``CheckerError`` if the server
        cannot run. Positions are in the user's own lines and columns (1-based).
        Blocking: call it from a worker thread in async code. A server that died since
        the last check is restarted and the check retried once; ``close`` is not undone.
        """
        vet(source, max_source_bytes=max_source_bytes)
        marker = secrets.token_hex(6)
        forms = declared(declarations)
        text, offset = checker_document(forms.checked, source, marker)
        with self._lock:
            for attempt in (0, 1):
                try:
                    self._ensure_started(forms.checked, forms.loose)
                    deadline = time.monotonic() + (timeout_s or DEFAULT_TIMEOUT_S)
                    findings = self._findings("script.ts", text, offset, source, deadline)
                    break
                except CheckTimeout:
                    raise
                except CheckerError:
                    if attempt or not self._died():
                        raise

            def loose_findings() -> list[Finding]:
                loose_text, loose_offset = checker_document(forms.loose, source, marker)
                return self._findings("loose.ts", loose_text, loose_offset, source, deadline)

            verdict = classify(findings, source, forms, loose_findings)
        return _explain_marker(verdict, marker)

    def diagnose_document(self, text: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> Any:
        """The raw LSP diagnostics of one whole document, unvetted (tests of the confinement)."""
        with self._lock:
            self._ensure_started(None, None)
            return self._pull("probe.ts", text, time.monotonic() + timeout_s)

    def _died(self) -> bool:
        process = self._process
        return not self._closed and process is not None and _exited(process)

    def _ensure_started(self, declarations: str | None, loose: str | None) -> None:
        """A running server, warmed on these declarations (not counted as the script's time)."""
        if self._closed:
            raise CheckerError("the type checker is closed")
        if self._process is None or self._process.poll() is not None:
            if self._finalizer is not None:
                self._finalizer()  # a dead server's temp directory
            self._opened = set()
            self._warm = set()
            try:
                self._start()
            except _Unconfinable as exc:
                if self._finalizer is not None:
                    self._finalizer()
                self._confine = False  # degrade, loudly, rather than never check
                _warn_unconfined(str(exc))
                self._start()
        deadline = time.monotonic() + START_TIMEOUT_S
        for uri, text in (("script.ts", declarations), ("loose.ts", loose)):
            if text is not None and (uri, text) not in self._warm:
                document, _ = checker_document(text, "")
                try:
                    self._pull(uri, document, deadline)
                except CheckTimeout:
                    raise CheckerError("the type checker did not start in time") from None
                self._warm = {item for item in self._warm if item[0] != uri} | {(uri, text)}

    def _findings(
        self, uri: str, text: str, offset: int, source: str, deadline: float
    ) -> list[Finding]:
        report = self._pull(uri, text, deadline)
        return _to_findings(report.get("items", []), offset, source)

    def _pull(self, uri_name: str, text: str, deadline: float) -> Any:
        """Send ``text`` as the document ``uri_name``; its diagnostics."""
        assert self._home is not None
        uri = (self._home / uri_name).as_uri()
        version = next(self._versions)
        if uri not in self._opened:
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
            self._opened.add(uri)
        else:
            self._notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": text}],
                },
            )
        return self._request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, deadline)

    # -- the server process -------------------------------------------------------------

    def _command(self, home: Path) -> list[str]:
        server = [str(self._deno), "lsp", "--quiet"]
        if not self._confine:
            self.confined = False
            return server
        if _landlock.abi_version() < 1:
            self.confined = False
            _warn_unconfined("this kernel has no Landlock")
            return server
        if not sys.executable:
            self.confined = False
            _warn_unconfined("no Python interpreter to start the launcher")
            return server
        self.confined = True
        launcher = [sys.executable, "-I", "-S", str(Path(_landlock.__file__).resolve())]
        launcher += ["--write", str(home), "--exec", str(Path(self._deno).resolve())]
        for directory in LIBRARY_DIRS:
            launcher += ["--exec", directory]
        for path in SYSTEM_READS:
            launcher += ["--read", path]
        return [*launcher, "--", *server]

    def _start(self) -> None:
        home = private_temp_dir(kind="checker")
        config = home / "deno.json"
        config.write_text(json.dumps({"compilerOptions": COMPILER_OPTIONS}))
        settings = {**DENO_SETTINGS, "config": str(config)}
        try:
            process = subprocess.Popen(
                self._command(home),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=home,
                env={**sandbox_environment(home, home / "deno_dir"), "DENO_V8_FLAGS": V8_FLAGS},
                start_new_session=True,
            )
        except OSError as exc:
            shutil.rmtree(home, ignore_errors=True)
            raise CheckerError(f"cannot start the type checker: {exc}") from None
        self._process = process
        self._home = home
        self._settings = settings
        self._finalizer = weakref.finalize(self, _stop, process, home)
        if self._closed:  # closed from another thread while this one started it
            self._finalizer()
            raise CheckerError("the type checker is closed")
        assert process.stdout is not None
        threading.Thread(
            target=self._read, args=(process.stdout,), name="tsact-checker", daemon=True
        ).start()
        deadline = time.monotonic() + START_TIMEOUT_S
        try:
            self._request(
                "initialize",
                {
                    "processId": os.getpid(),
                    "rootUri": home.as_uri(),
                    "capabilities": {"textDocument": {"diagnostic": {}}},
                    "initializationOptions": settings,
                },
                deadline,
            )
        except CheckTimeout:
            raise CheckerError("the type checker did not start in time") from None
        except CheckerError:
            if self.confined and _exit_code(process) in (LAUNCH_FAILED, EXEC_FAILED):
                raise _Unconfinable(
                    f"the launcher exited with {process.returncode}: deno cannot run in the "
                    "paths it may read (libraries outside /lib and /usr/lib?)"
                ) from None
            raise
        self._notify("initialized", {})

    def close(self) -> None:
        """Stop the server and remove its temp directory.

        Does not wait for a check in progress: killing the server makes that check fail
        with ``CheckerError`` at once, instead of holding ``close`` until it finishes.
        """
        self._closed = True
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
            except (OSError, ValueError) as exc:
                raise CheckerError(f"the type checker stopped: {exc}") from None

    def _notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _request(self, method: str, params: dict[str, Any], deadline: float) -> Any:
        """Send a request and wait for its answer until ``deadline`` (then kill the server)."""
        request_id = next(self._ids)
        future: Future[Any] = Future()
        self._pending[request_id] = future
        try:
            self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            finalizer = self._finalizer
            if finalizer is not None:
                finalizer()  # the server is busy with it; the next check starts a new one
            raise CheckTimeout(f"the type checker did not answer {method!r} in time") from None
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
        except (OSError, ValueError):
            return
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
            result = [self._settings if item.get("section") == "deno" else {} for item in items]
        with contextlib.suppress(CheckerError):
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})


def _exit_code(process: subprocess.Popen[bytes]) -> int | None:
    """The exit code of a server that stopped answering (given a second to exit)."""
    try:
        return process.wait(timeout=1)
    except subprocess.TimeoutExpired:
        return None


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


def _to_findings(items: list[dict[str, Any]], offset: int, source: str) -> list[Finding]:
    """Error-severity diagnostics in the script's lines, each with the region it fell in.

    Diagnostics after the script (the wrapper's end) are the script's doing and are
    placed on its last line; those before it are the declarations' own.
    """
    last_line = source.count("\n") + 1
    found: list[Finding] = []
    for item in items:
        if item.get("severity", ERROR) != ERROR:
            continue
        start = item["range"]["start"]
        end = item["range"]["end"]
        line = start["line"] - offset + 1
        region: Region = "script"
        column = start["character"] + 1
        end_line = max(line, min(end["line"] - offset + 1, last_line))
        end_column = end["character"] + 1
        if line < 1:
            region = "before"
        elif line > last_line:
            region, line, column = "after", last_line, 1
            end_line, end_column = last_line, 1
        code = item.get("code")
        related = tuple(
            str(info.get("message", ""))
            for info in item.get("relatedInformation") or ()
            if isinstance(info, dict)
        )
        found.append(
            Finding(
                Diagnostic(
                    line=line,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                    message=str(item.get("message", "")),
                    code=code if isinstance(code, int) else None,
                ),
                region,
                related,
            )
        )
    return found


_ESCAPE = (
    "the script closes the function it runs in (a '}' without its '{'): "
    "a script is the body of one async function"
)


def _explain_marker(verdict: Verdict, marker: str) -> Verdict:
    """Diagnostics after the script, in words about the script (not the wrapper)."""
    name = MARKER_PREFIX + marker

    def explain(d: Diagnostic) -> Diagnostic:
        if name in d.message:
            return Diagnostic(
                line=d.line,
                column=d.column,
                end_line=d.end_line,
                end_column=d.end_column,
                message=_ESCAPE,
                blocking=d.blocking,
            )
        return d

    return Verdict([explain(d) for d in verdict.blocking], [explain(d) for d in verdict.notes])


def format_diagnostics(diagnostics: list[Diagnostic], source: str, path: str = "script.ts") -> str:
    """Compiler-style text of ``diagnostics`` (``tsact._records.text.render_diagnostics``)."""
    return render_diagnostics(diagnostics, source, path)
