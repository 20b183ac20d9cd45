"""Running async code from code that is not async, including inside a running event loop.

``anyio.run`` refuses to start when the calling thread already runs an event loop
(Jupyter, IPython, an async web handler calling a sync library). There the coroutine
runs on a new event loop in a helper thread instead, and the caller blocks until it
ends, as a sync call does. Tools then run on that helper loop: an async tool bound to
the caller's loop (an ``MCPTools`` opened with ``async with`` there) cannot be awaited
from it, which is why a notebook should open such tools with plain ``with``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
import anyio.from_thread

T = TypeVar("T")
LOGGER = logging.getLogger("tsact")


def loop_running() -> bool:
    """True when this thread is running an asyncio event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_blocking(function: Callable[[], Awaitable[T]]) -> T:
    """``await function()`` on a new event loop and return its value, blocking.

    The loop is this thread's when none runs here, else a helper thread's.
    """
    if not loop_running():
        return anyio.run(function)
    LOGGER.debug("an event loop runs in this thread: running on a helper thread's loop")
    with anyio.from_thread.start_blocking_portal() as portal:
        return portal.call(function)
