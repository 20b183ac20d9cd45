"""Write ``examples/runs/*.json``: real agent runs of the examples, without a model.

Each run is a scripted conversation: a tiny OpenAI-compatible server on 127.0.0.1
answers the agent's chat completion requests with the replies below, in order, and
the real ``tsact.Agent`` (real openai client, real HTTP, real sandbox and tools) does
the rest. The saved runs are what ``tsact inspect`` and ``tsact replay`` read::

    python examples/make_saved_runs.py            # writes examples/runs/{math,cities,logs}.json
    tsact inspect examples/runs/cities.json
    tsact replay examples/runs/cities.json        # offline: tool calls from the recording
    tsact replay examples/runs/math.json --tools examples/math_tools.py   # live

``ScriptedOpenAI`` is also usable on its own (the CLI tests use it): give it a list
of replies (``code(...)`` or ``text(...)``) and point ``base_url`` at ``server.url``.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODEL = "scripted-model"

Reply = dict[str, Any]


def code(script: str, content: str = "") -> Reply:
    """A reply that calls ``execute_typescript`` with ``script``."""
    return {"content": content, "code": script}


def text(content: str) -> Reply:
    """A reply with text only (no code): the agent takes it as the answer."""
    return {"content": content}


class ScriptedOpenAI:
    """An OpenAI-compatible ``/v1/chat/completions`` server that replays ``replies`` in order.

    Requests are kept in ``requests``. Token usage is approximated as characters / 4.
    A request with no reply left gets HTTP 500, so a short script fails instead of hanging.
    """

    def __init__(self, replies: Iterable[Reply]) -> None:
        self.replies: deque[Reply] = deque(replies)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL to give the agent (``.../v1``)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> ScriptedOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append(body)
            if not self.replies:
                return 500, {"error": {"message": "scripted server: no reply left"}}
            reply = self.replies.popleft()
            number = len(self.requests)
        message: dict[str, Any] = {"role": "assistant", "content": reply.get("content") or None}
        finish = "stop"
        if "code" in reply:
            message["tool_calls"] = [
                {
                    "id": f"call_{number}",
                    "type": "function",
                    "function": {
                        "name": "execute_typescript",
                        "arguments": json.dumps({"code": reply["code"]}),
                    },
                }
            ]
            finish = "tool_calls"
        prompt = math.ceil(len(json.dumps(body.get("messages", []))) / 4)
        completion = math.ceil(len(json.dumps(message)) / 4)
        return 200, {
            "id": f"chatcmpl-{number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", MODEL),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """No access log."""

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                status, payload = server._answer(body)
                if status == 200 and body.get("stream"):
                    self._stream(payload)
                    return
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, payload: dict[str, Any]) -> None:
                choice = payload["choices"][0]
                delta = dict(choice["message"])
                for index, call in enumerate(delta.get("tool_calls") or []):
                    call["index"] = index
                chunks = [
                    {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
                    {
                        "choices": [
                            {"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}
                        ]
                    },
                    {"choices": [], "usage": payload["usage"]},
                ]
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                for chunk in chunks:
                    full = {
                        "id": payload["id"],
                        "object": "chat.completion.chunk",
                        "created": payload["created"],
                        "model": payload["model"],
                        **chunk,
                    }
                    self.wfile.write(f"data: {json.dumps(full)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

        return Handler


MATH_TASK = "What is the current UTC time, and what is (7 + 5) * 9?"
MATH_REPLIES = [
    code(
        (HERE / "math_task.ts")
        .read_text()
        .replace(
            "({ utc_time: now, result: product });",
            "final_answer({ utc_time: now, result: product });",
        ),
        "Both parts need the tools; I'll do everything in one script.",
    ),
]

CITIES_TASK = (
    "What's the total population of the 5 largest cities in Vietnam? "
    "Include the standard deviation."
)
CITIES_FIRST = """\
const cities = await external_search_cities({ country: "Vietnam", limit: 5 });
const populations = await Promise.all(
  cities.map((c: any) => external_get_population({ city: c.city })),
);
console.log(populations);
"""
CITIES_REPLIES = [
    code(CITIES_FIRST, "I'll look the cities up and fetch their populations together."),
    code(
        (HERE / "cities_task.ts")
        .read_text()
        .replace(
            "({ cities: cities.map((c: { name: string }) => c.name), total, stddev });",
            "final_answer({ cities: cities.map((c: { name: string }) => c.name), total, stddev });",
        ),
        "The city objects have `name`, not `city`. Fixed:",
    ),
]

LOGS_TASK = "Analyse this week's error logs: which modules fail most, and with what?"
LOGS_REPLIES = [
    code(
        (HERE / "logs_task.ts").read_text(),
        "There are many records; I'll aggregate them inside the script and print a summary.",
    ),
    text(
        "This week's logs hold 12,450 records with 536 errors. The modules that fail most:\n"
        '1. payments: 135 errors (10.8% of its records), mostly "idempotency key conflict"\n'
        '2. checkout: 97 errors (6.7%), mostly "cart total mismatch"\n'
        '3. notifications: 84 errors (8.3%), mostly "push token expired"'
    ),
]

RUNS = {
    "math": ("math_tools", MATH_TASK, MATH_REPLIES),
    "cities": ("cities", CITIES_TASK, CITIES_REPLIES),
    "logs": ("logs", LOGS_TASK, LOGS_REPLIES),
}


@contextmanager
def _examples_importable() -> Iterator[None]:
    sys.path.insert(0, str(HERE))
    try:
        yield
    finally:
        sys.path.remove(str(HERE))


def make_run(name: str) -> str:
    """Run the scripted conversation ``name`` through the real agent; its JSON text.

    Runs holding large tool results (the logs run) are written without indentation.
    """
    import importlib

    from tsact.agent import Agent
    from tsact.cli.tools_file import collect_tools

    module_name, task, replies = RUNS[name]
    with _examples_importable():
        module = importlib.import_module(module_name)
    tools = collect_tools(vars(module).values())
    with ScriptedOpenAI(replies) as server:
        agent = Agent(model=MODEL, tools=tools, base_url=server.url, api_key="unused")
        run = agent.run_sync(task)
    if server.replies:
        raise RuntimeError(f"{name}: the run ended with {len(server.replies)} replies unused")
    text = run.to_json()
    return text if len(text) < 1_000_000 else run.to_json(indent=0)


def main(argv: list[str]) -> None:
    """Write the saved runs named in ``argv`` (all by default) to examples/runs/."""
    out = HERE / "runs"
    out.mkdir(exist_ok=True)
    for name in argv or list(RUNS):
        path = out / f"{name}.json"
        path.write_text(make_run(name) + "\n")
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
