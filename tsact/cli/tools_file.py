"""Loading tools from what ``--tools`` names.

Accepted forms:

- ``path/to/tools.py``: every ``tsact.Tool`` defined (or imported) at the module's top level,
  in the order they appear;
- ``path/to/tools.py:attr`` or ``package.module:attr``: the object at ``attr`` (dots walk
  attributes), which may be a ``Tool``, a plain function (made a tool with ``@tool``'s
  defaults), a list or tuple of those, a ``Toolbox`` or a ``Sandbox``;
- ``package.module``: every ``Tool`` at that module's top level.

A file is imported under a private module name with its directory put first on
``sys.path``, as ``python path/to/tools.py`` would, so it can import its neighbours.
Anything it prints while importing goes to stderr, keeping ``--json`` output clean.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import os
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from tsact import Sandbox, Tool, Toolbox, ToolDefinitionError, as_tools

from .errors import InputError


def load_tools(specs: Sequence[str]) -> list[Tool]:
    """The tools named by every ``--tools`` value, in order; raises ``InputError``."""
    tools: list[Tool] = []
    for spec in specs:
        tools.extend(load_tool_spec(spec))
    return tools


def load_tool_spec(spec: str) -> list[Tool]:
    """The tools one ``--tools`` value names; raises ``InputError`` with a one-line reason."""
    target, attr = split_spec(spec)
    module = _import_target(target)
    if attr is None:
        found = collect_tools(vars(module).values())
        if not found:
            raise InputError(
                f"no tools found in {target}: decorate functions with @tsact.tool, "
                f"or name a list of tools with {target}:ATTR"
            )
        return found
    value: Any = module
    for part in attr.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise InputError(f"{target} has no attribute {attr!r}") from None
    return _tools_at(spec, value)


def split_spec(spec: str) -> tuple[str, str | None]:
    """``"file.py:attr"`` -> ``("file.py", "attr")``; a colon not followed by a name is kept."""
    target, colon, attr = spec.rpartition(":")
    if colon and target and attr and all(part.isidentifier() for part in attr.split(".")):
        return target, attr
    return spec, None


def collect_tools(values: Iterable[object]) -> list[Tool]:
    """The distinct ``Tool`` objects among ``values``, in order."""
    seen: set[int] = set()
    tools: list[Tool] = []
    for value in values:
        if isinstance(value, Tool) and id(value) not in seen:
            seen.add(id(value))
            tools.append(value)
    return tools


def _tools_at(spec: str, value: object) -> list[Tool]:
    if isinstance(value, Tool):
        return [value]
    if isinstance(value, Sandbox):
        return value.tools
    if isinstance(value, Toolbox):
        return list(value)
    if isinstance(value, (list, tuple)):
        items: list[Any] = list(value)
    elif callable(value) and not isinstance(value, type):
        items = [value]
    else:
        raise InputError(f"{spec} is a {type(value).__name__}, not a tool or a list of tools")
    try:
        tools = as_tools(items)
    except ToolDefinitionError as exc:
        raise InputError(f"{spec}: {exc}") from None
    if not tools:
        raise InputError(f"{spec} is an empty list: no tools to offer")
    return tools


def _looks_like_path(target: str) -> bool:
    return target.endswith(".py") or "/" in target or os.sep in target or Path(target).is_file()


def _import_target(target: str) -> ModuleType:
    if _looks_like_path(target):
        return _import_file(target)
    # Like `python -m` (and uvicorn), modules are found in the current directory too.
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        with _prints_to_stderr():
            return importlib.import_module(target)
    except ModuleNotFoundError as exc:
        if exc.name is not None and target.startswith(exc.name):
            raise InputError(
                f"cannot import {target}: no module named {exc.name!r} "
                "(give a path such as tools.py, or a module on the Python path)"
            ) from None
        raise InputError(_import_failure(target, exc, None)) from None
    except (Exception, SystemExit) as exc:
        raise InputError(_import_failure(target, exc, None)) from None


def _import_file(target: str) -> ModuleType:
    path = Path(target).expanduser()
    if not path.exists():
        raise InputError(f"tools file not found: {target}")
    if not path.is_file():
        raise InputError(f"tools file is not a file: {target}")
    path = path.resolve()
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:8]
    stem = "".join(ch if ch.isalnum() else "_" for ch in path.stem)
    name = f"_tsact_tools_{stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InputError(f"cannot import {target}: not a Python source file")
    module = importlib.util.module_from_spec(spec)
    directory = str(path.parent)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    sys.modules[name] = module
    try:
        with _prints_to_stderr():
            spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:
        del sys.modules[name]
        raise InputError(_import_failure(target, exc, path)) from None
    return module


def _import_failure(target: str, exc: BaseException, path: Path | None) -> str:
    where = ""
    if isinstance(exc, SyntaxError) and exc.lineno is not None:
        where = f" (line {exc.lineno})"
    elif path is not None:
        frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename]
        lines = [frame.lineno for frame in frames if Path(frame.filename) == path]
        if lines and lines[-1] is not None:
            where = f" (line {lines[-1]})"
    detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    noun = "tools file" if path is not None else "tools module"
    return f"{noun} {target} failed to import: {type(exc).__name__}: {detail}{where}"


@contextlib.contextmanager
def _prints_to_stderr() -> Iterator[None]:
    with contextlib.redirect_stdout(sys.stderr):
        yield
