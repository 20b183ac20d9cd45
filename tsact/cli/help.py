"""Help that shows types plainly: ``TASK`` and ``MODEL``, never ``{task}`` or ``<str>``.

typer marks a value's type as ``<str>`` and a required argument as ``{task}`` in its
help; flags get ``<bool>``. These command classes give every parameter a plain
metavar instead (its name in capitals, nothing for a flag) unless it has one.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


def _no_type(ctx: Any) -> None:
    return None


def _plain(params: list[Any]) -> list[Any]:
    for param in params:
        if isinstance(param, TyperArgument):
            param.display_type_rich = _no_type  # type: ignore[method-assign]  # TASK says it
        if param.metavar is not None:
            continue
        if isinstance(param, TyperOption) and param.is_flag:
            param.metavar = ""
        elif isinstance(param, (TyperOption, TyperArgument)) and param.name:
            param.metavar = param.name.upper()
    return params


_BRACED = re.compile(r"\{([^{}]*)\}")


def _unbraced(pieces: list[str]) -> list[str]:
    return [_BRACED.sub(r"\1", piece) for piece in pieces]


class PlainCommand(TyperCommand):
    """A command whose help names values plainly."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, each with a plain metavar."""
        return _plain(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line's pieces, a required argument as ``TASK`` (not ``{TASK}``)."""
        return _unbraced(super().collect_usage_pieces(ctx))


class PlainGroup(TyperGroup):
    """A group of commands whose help names values plainly."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, each with a plain metavar."""
        return _plain(super().get_params(ctx))
