"""Deno processes and one execution: the deno binary and its command line, spawning,
watching and killing a process group, prewarmed spares, and ``execute``, which runs one
script from spawn to record.

Imports every layer below it: ``_records``, ``_tools``, ``_scripts``, ``_wire``.
"""
