"""The ``tsact`` command line: ``exec``, ``inspect``, ``replay``, ``types``, ``schema``.

``main`` is the console-script entry point; ``app`` is the typer application (for
``typer.testing.CliRunner`` and for embedding).
"""

from __future__ import annotations

import signal
from types import FrameType

from .app import app


def _terminate_as_interrupt(signum: int, frame: FrameType | None) -> None:
    signal.raise_signal(signal.SIGINT)


def stop_gracefully_on_sigterm() -> None:
    """Make SIGTERM (``kill``, a supervisor, an MCP client closing its server) stop the
    command the way Ctrl-C does: runs are cancelled, finished steps saved, and sandboxes
    and their temp directories removed, instead of the process dying where it stands.
    A handler someone else set (or SIG_IGN) is left alone."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate_as_interrupt)


def main() -> None:
    """Run the ``tsact`` command with ``sys.argv``."""
    stop_gracefully_on_sigterm()
    app(prog_name="tsact")


__all__ = ["app", "main"]
