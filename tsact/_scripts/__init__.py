"""Preparing and checking scripts: the vetting and wrapping of a script (``prepare``),
the fuel pass, and the type checker with its policy and confinement.

Imports ``tsact._records`` and ``tsact._tools``.
"""
