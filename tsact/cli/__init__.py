"""The ``tsact`` command line: ``exec``, ``inspect``, ``replay``, ``types``, ``schema``.

``main`` is the console-script entry point; ``app`` is the typer application (for
``typer.testing.CliRunner`` and for embedding).
"""

from __future__ import annotations

import signal
from types import FrameType

from .app import app


def _terminate_as_interrupt(signum: int, frame: FrameType | None) -> None:
    """Do what Ctrl-C does: call SIGINT's handler (asyncio's, which cancels the run, or
    Python's, which raises ``KeyboardInterrupt``)."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:  # someone ignored SIGINT after start-up: stop all the same
        raise KeyboardInterrupt


def stop_gracefully_on_sigterm() -> None:
    """Make SIGTERM (``kill``, a supervisor, an MCP client closing its server) stop the
    command the way Ctrl-C does: runs are cancelled, finished steps saved, and sandboxes
    and their temp directories removed, instead of the process dying where it stands.

    A SIGTERM handler someone else set (or SIG_IGN) is left alone. An ignored SIGINT (a
    shell starts background jobs so) gets Python's handler back: the event loop stops
    a run cleanly only through it, and SIGTERM must stop a background job too.
    """
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate_as_interrupt)


def main() -> None:
    """Run the ``tsact`` command with ``sys.argv``."""
    stop_gracefully_on_sigterm()
    app(prog_name="tsact")


__all__ = ["app", "main"]
