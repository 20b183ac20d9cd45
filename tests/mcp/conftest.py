"""Fixtures of the MCP tests: real MCP servers from the official SDK, over real pipes and
real HTTP on loopback. Nothing of MCP is mocked."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
SERVERS = HERE / "servers"
WEATHER = str(SERVERS / "weather.py")
PYTHON = sys.executable


@pytest.fixture
def anyio_backend() -> str:
    """The MCP tests run on asyncio."""
    return "asyncio"


def bound_socket() -> socket.socket:
    """A listening loopback socket on a free port: a server given it is reachable at once
    (connections wait in the backlog), with no port race and no polling."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


class _RequireBearer:
    """ASGI middleware: HTTP requests without ``Authorization: Bearer <token>`` get 401."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            if headers.get(b"authorization") != f"Bearer {self.token}".encode():
                await send({"type": "http.response.start", "status": 401, "headers": []})
                await send({"type": "http.response.body", "body": b"unauthorized"})
                return
        await self.app(scope, receive, send)


@pytest.fixture
def weather_http() -> Iterator[str]:
    """The weather server over streamable HTTP on loopback, in a thread of this process,
    requiring ``Authorization: Bearer secret``; yields its URL."""
    import importlib.util

    import uvicorn

    spec = importlib.util.spec_from_file_location("tests_mcp_weather_http", WEATHER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the module's annotations through it
    spec.loader.exec_module(module)
    app = _RequireBearer(module.server.streamable_http_app(), "secret")
    sock = bound_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
