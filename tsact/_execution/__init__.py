"""Deno processes and one execution: spawning, watching and killing a process group,
prewarmed spares, and ``execute``, which runs one script from spawn to record (the deno
binary and the command line come from ``tsact._deno``).

Imports every layer below it: ``_records``, ``_deno``, ``_tools``, ``_scripts``, ``_wire``.
"""
