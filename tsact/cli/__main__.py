"""``python -m tsact.cli``: the same as the ``tsact`` command."""

from tsact.cli import main

main()
