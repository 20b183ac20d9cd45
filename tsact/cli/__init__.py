"""The ``tsact`` command line: ``exec``, ``inspect``, ``replay``, ``types``, ``schema``.

``main`` is the console-script entry point; ``app`` is the typer application (for
``typer.testing.CliRunner`` and for embedding).
"""

from __future__ import annotations

from .app import app


def main() -> None:
    """Run the ``tsact`` command with ``sys.argv``."""
    app(prog_name="tsact")


__all__ = ["app", "main"]
