"""A local OpenAI-compatible chat completions server that replays scripted replies.

Tests (and ``bench/agent_steps.py``) start one on 127.0.0.1 with an ephemeral port and
point the real ``openai.AsyncOpenAI`` client at it, so every request goes over real
HTTP. Each request to ``POST /v1/chat/completions`` takes the next scripted ``Reply``
(or calls a responder function with the request), answers it streamed (SSE) or not,
as the request asked, and is kept in ``server.requests`` for assertions.

Scripted replies cover what a model endpoint does: text, tool calls (including
malformed arguments), ``finish_reason`` ``length``, usage, HTTP errors (with a
``retry-after-ms`` header so the SDK's retries are fast), unreadable bodies and slow
replies for timeouts. A request with no reply left gets HTTP 500 with a message that
says so, so a test that scripts too few replies fails instead of hanging.

Usage is computed from the request with ``count_tokens`` (characters / 4 by default;
``bench`` passes a real tokenizer), so prompt tokens grow with what the agent sends.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import openai

EXECUTE = "execute_typescript"


def approx_tokens(text: str) -> int:
    """Tokens as characters / 4, rounded up: the default count of the fake server."""
    return math.ceil(len(text) / 4)


@dataclass(frozen=True)
class ToolCall:
    """A function call in a scripted reply; ``arguments`` is sent as written (may be bad JSON)."""

    name: str
    arguments: str
    id: str | None = None


@dataclass(frozen=True)
class Reply:
    """One scripted answer of the server."""

    content: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    status: int = 200
    error: str | None = None
    raw_body: str | None = None
    delay_s: float = 0.0
    usage: dict[str, int] | None = None
    send_usage: bool = True


def code(script: str, *, content: str | None = None) -> Reply:
    """The model calls ``execute_typescript`` with ``script``."""
    return Reply(content=content, tool_calls=(ToolCall(EXECUTE, json.dumps({"code": script})),))


def text(content: str, *, finish_reason: str = "stop") -> Reply:
    """The model answers with text only."""
    return Reply(content=content, finish_reason=finish_reason)


def call(name: str, arguments: str | dict[str, Any], *, content: str | None = None) -> Reply:
    """The model calls function ``name`` with ``arguments`` (raw text is sent as is)."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return Reply(content=content, tool_calls=(ToolCall(name, raw),))


def http_error(status: int, message: str = "scripted failure") -> Reply:
    """An HTTP error response with an OpenAI-style error body."""
    return Reply(status=status, error=message)


def slow(seconds: float, reply: Reply | None = None) -> Reply:
    """``reply`` (empty text by default) after ``seconds``: for client timeouts."""
    base = reply if reply is not None else text("late")
    return Reply(**{**base.__dict__, "delay_s": seconds})


@dataclass
class Request:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages of the request."""
        return list(self.body.get("messages", []))

    @property
    def stream(self) -> bool:
        """Whether the client asked for a streamed reply."""
        return bool(self.body.get("stream"))

    @property
    def last(self) -> dict[str, Any]:
        """The last message: after the first step, the observation of the previous one."""
        return self.messages[-1]

    @property
    def observation(self) -> str:
        """The text of the last message (a ``tool`` or ``user`` message)."""
        return str(self.last.get("content") or "")


Responder = Callable[[Request], Reply]


def prompt_tokens(body: dict[str, Any], count: Callable[[str], int]) -> int:
    """Prompt tokens of a request: every message's text and tool calls, 4 per message of
    overhead, and the tool definitions."""
    total = 0
    for message in body.get("messages", []):
        total += 4 + count(str(message.get("content") or ""))
        for tool_call in message.get("tool_calls") or []:
            function = tool_call.get("function", {})
            total += count(function.get("name", "")) + count(function.get("arguments", ""))
    if body.get("tools"):
        total += count(json.dumps(body["tools"]))
    return total


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAI

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts) are expected; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_invalid": raw.decode(errors="replace")}
        request = Request(
            path=self.path, headers={k.lower(): v for k, v in self.headers.items()}, body=body
        )
        fake = self.server.fake
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._json(404, {"error": {"message": f"fake_openai: no route {self.path}"}})
            return
        reply = fake._next(request)
        if reply.delay_s and fake._stopping.wait(reply.delay_s):
            return
        try:
            if reply.status != 200:
                self._json(
                    reply.status,
                    {"error": {"message": reply.error, "type": "fake_error", "code": None}},
                    extra={"retry-after-ms": "1"},
                )
            elif reply.raw_body is not None:
                self._send(200, reply.raw_body.encode(), "application/json")
            elif request.stream:
                self._stream(request, reply)
            else:
                self._json(200, fake._completion(request, reply))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(
        self, status: int, data: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.send_header("connection", "close")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def _json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", extra)

    def _stream(self, request: Request, reply: Reply) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        for chunk in self.server.fake._chunks(request, reply):
            self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


class FakeOpenAI:
    """The server. Use as a context manager, or ``start()``/``stop()``.

    ``replies`` are answered in order; ``responder`` (a function of the request)
    answers once they run out. ``server.url`` is the ``base_url`` for the client.
    """

    def __init__(
        self,
        replies: Iterable[Reply] = (),
        *,
        responder: Responder | None = None,
        count_tokens: Callable[[str], int] = approx_tokens,
        model: str = "fake-model",
    ) -> None:
        self._replies: deque[Reply] = deque(replies)
        self.responder = responder
        self.count_tokens = count_tokens
        self.model = model
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # life cycle

    def start(self) -> FakeOpenAI:
        """Listen on 127.0.0.1 with an ephemeral port, serving in a thread."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; slow replies still waiting are dropped."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The ``base_url`` to give the openai client."""
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def client(self, *, timeout: float = 5.0, max_retries: int = 0) -> openai.AsyncOpenAI:
        """A real openai client pointed at this server."""
        return openai.AsyncOpenAI(
            base_url=self.url, api_key="sk-fake", timeout=timeout, max_retries=max_retries
        )

    # script

    def push(self, *replies: Reply) -> None:
        """Add replies to the end of the script."""
        with self._lock:
            self._replies.extend(replies)

    @property
    def pending(self) -> int:
        """Scripted replies not used yet."""
        return len(self._replies)

    def _next(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._replies:
                return self._replies.popleft()
        if self.responder is not None:
            return self.responder(request)
        return http_error(
            500, f"fake_openai: no scripted reply left for request #{len(self.requests)}"
        )

    # responses

    def _tool_calls(self, reply: Reply) -> list[dict[str, Any]]:
        return [
            {
                "id": item.id or f"call_{next(self._ids)}",
                "type": "function",
                "function": {"name": item.name, "arguments": item.arguments},
            }
            for item in reply.tool_calls
        ]

    def _finish_reason(self, reply: Reply) -> str:
        if reply.finish_reason:
            return reply.finish_reason
        return "tool_calls" if reply.tool_calls else "stop"

    def _usage(self, request: Request, reply: Reply) -> dict[str, int]:
        if reply.usage is not None:
            return reply.usage
        prompt = prompt_tokens(request.body, self.count_tokens)
        completion = self.count_tokens(reply.content or "") + sum(
            self.count_tokens(item.name) + self.count_tokens(item.arguments)
            for item in reply.tool_calls
        )
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }

    def _completion(self, request: Request, reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.content}
        if reply.tool_calls:
            message["tool_calls"] = self._tool_calls(reply)
        payload: dict[str, Any] = {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": 0,
            "model": request.body.get("model", self.model),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": self._finish_reason(reply),
                    "logprobs": None,
                }
            ],
        }
        if reply.send_usage:
            payload["usage"] = self._usage(request, reply)
        return payload

    def _chunks(self, request: Request, reply: Reply) -> Iterable[dict[str, Any]]:
        ident = f"chatcmpl-{next(self._ids)}"
        model = request.body.get("model", self.model)

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        yield chunk({"role": "assistant", "content": ""})
        content = reply.content or ""
        size = max(1, math.ceil(len(content) / 3))
        for start in range(0, len(content), size):
            yield chunk({"content": content[start : start + size]})
        for index, item in enumerate(self._tool_calls(reply)):
            function = item["function"]
            yield chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": item["id"],
                            "type": "function",
                            "function": {"name": function["name"], "arguments": ""},
                        }
                    ]
                }
            )
            arguments = function["arguments"]
            for start in range(0, len(arguments), 16):
                piece = arguments[start : start + 16]
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        yield chunk({}, self._finish_reason(reply))
        include = (request.body.get("stream_options") or {}).get("include_usage")
        if include and reply.send_usage:
            yield {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [],
                "usage": self._usage(request, reply),
            }


__all__ = [
    "EXECUTE",
    "FakeOpenAI",
    "Reply",
    "Request",
    "ToolCall",
    "approx_tokens",
    "call",
    "code",
    "http_error",
    "prompt_tokens",
    "slow",
    "text",
]
