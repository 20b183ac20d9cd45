"""One call to the model over the openai SDK, streamed or not, as a plain ``ModelReply``.

Every failure of the call itself (HTTP errors after the SDK's retries, timeouts, an
unreachable endpoint, a response that cannot be read) becomes ``ModelCallFailed``
with a message that says what happened, where, and after how many retries. Problems
with what the model *said* (an empty reply, a malformed tool call) are not failures
here: the loop decides what to tell the model.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import anyio
import httpx
import openai

from ._records import Usage

LOGGER = logging.getLogger("tsact.agent")


class ModelCallFailed(Exception):
    """The model endpoint could not give a reply; the message says why."""


@dataclass(frozen=True)
class ModelToolCall:
    """A function call in a reply, with its arguments as the raw text the model wrote."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class ModelReply:
    """What the model answered: text, tool calls, why it stopped, what it cost."""

    text: str
    tool_calls: list[ModelToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    usage: Usage = field(default_factory=lambda: Usage(model_calls=1))

    def assistant_message(self) -> dict[str, Any]:
        """The reply, which has tool calls, as an assistant message for the next request."""
        message: dict[str, Any] = {"role": "assistant", "content": self.text or None}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for call in self.tool_calls
            ]
        return message


def _usage(raw: Any) -> Usage:
    if raw is None:
        return Usage(model_calls=1)
    prompt = int(getattr(raw, "prompt_tokens", 0) or 0)
    completion = int(getattr(raw, "completion_tokens", 0) or 0)
    total = int(getattr(raw, "total_tokens", 0) or 0) or prompt + completion
    return Usage(
        model_calls=1, prompt_tokens=prompt, completion_tokens=completion, total_tokens=total
    )


def _text(value: Any) -> str:
    """Message content as text: a string, or the text parts of a list of parts."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = [
            part.get("text") if isinstance(part, dict) else getattr(part, "text", None)
            for part in value
        ]
        return "".join(part for part in parts if isinstance(part, str))
    return str(value)


def _status_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if isinstance(message, str) and message:
            return message[:500]
    return exc.message[:500]


def _describe_timeout(timeout: Any) -> str:
    if isinstance(timeout, httpx.Timeout):
        timeout = timeout.read
    if isinstance(timeout, (int, float)):
        return f"{timeout:g} s"
    return str(timeout)


class ModelClient:
    """Calls chat completions on one model with fixed settings."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        model: str,
        settings: dict[str, Any],
        *,
        total_timeout: float | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.settings = settings
        self.total_timeout = total_timeout

    def _where(self) -> str:
        return str(self.client.base_url).rstrip("/")

    def _retries(self) -> str:
        retries = self.client.max_retries
        return f"after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else "no retries"

    async def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None,
        stream: bool,
        on_text: Callable[[str], object] | None = None,
    ) -> ModelReply:
        """One model call; raises ``ModelCallFailed`` when no reply could be had, or none
        within ``total_timeout`` seconds (retries included)."""
        request: dict[str, Any] = {**self.settings, "model": self.model, "messages": messages}
        if tools:
            request["tools"] = tools
        where = self._where()
        LOGGER.debug(
            "model request to %s: model %s, %d messages, %s",
            where,
            self.model,
            len(messages),
            "streamed" if stream else "not streamed",
        )
        started = time.perf_counter()
        try:
            with anyio.fail_after(self.total_timeout):
                reply = await self._call(request, stream, on_text)
        except TimeoutError:
            LOGGER.debug("model request to %s: no reply within model_timeout", where)
            raise ModelCallFailed(
                f"the model endpoint {where} gave no reply within model_timeout "
                f"({self.total_timeout:g} s; --model-timeout on the command line)"
            ) from None
        LOGGER.debug(
            "model reply from %s in %.0f ms: finish %s, %d tool calls, %d+%d tokens",
            where,
            (time.perf_counter() - started) * 1000,
            reply.finish_reason,
            len(reply.tool_calls),
            reply.usage.prompt_tokens,
            reply.usage.completion_tokens,
        )
        return reply

    async def _call(
        self,
        request: dict[str, Any],
        stream: bool,
        on_text: Callable[[str], object] | None,
    ) -> ModelReply:
        create = cast(Any, self.client.chat.completions.create)
        where = self._where()
        try:
            if stream:
                return await self._streamed(create, request, on_text)
            completion = await create(**request)
            return self._parse(completion)
        except openai.APITimeoutError:
            raise ModelCallFailed(
                f"the model endpoint {where} did not answer within "
                f"{_describe_timeout(self.client.timeout)} ({self._retries()})"
            ) from None
        except openai.APIConnectionError as exc:
            cause = exc.__cause__ or exc
            raise ModelCallFailed(
                f"could not reach the model endpoint {where}: {cause} ({self._retries()})"
            ) from None
        except openai.APIStatusError as exc:
            retried = exc.status_code in (408, 409, 429) or exc.status_code >= 500
            raise ModelCallFailed(
                f"the model endpoint {where} answered HTTP {exc.status_code}: "
                f"{_status_message(exc)}" + (f" ({self._retries()})" if retried else "")
            ) from None
        except openai.OpenAIError as exc:
            raise ModelCallFailed(f"the model call to {where} failed: {exc}") from None
        except (json.JSONDecodeError, httpx.HTTPError) as exc:
            raise ModelCallFailed(
                f"the model endpoint {where} sent a response that cannot be read: {exc}"
            ) from None

    def _parse(self, completion: Any) -> ModelReply:
        choices = getattr(completion, "choices", None)
        if not isinstance(choices, list):
            raise ModelCallFailed(
                f"the model endpoint {self._where()} sent a response that is not a chat "
                "completion (no choices)"
            )
        usage = _usage(getattr(completion, "usage", None))
        if not choices:
            return ModelReply(text="", usage=usage)
        choice = choices[0]
        message = getattr(choice, "message", None)
        if message is None:
            raise ModelCallFailed(
                f"the model endpoint {self._where()} sent a choice without a message"
            )
        calls: list[ModelToolCall] = []
        for index, call in enumerate(getattr(message, "tool_calls", None) or []):
            function = getattr(call, "function", None)
            calls.append(
                ModelToolCall(
                    id=str(getattr(call, "id", None) or f"call_{index}"),
                    name=str(getattr(function, "name", None) or ""),
                    arguments=_text(getattr(function, "arguments", None)),
                )
            )
        return ModelReply(
            text=_text(getattr(message, "content", None)),
            tool_calls=calls,
            finish_reason=getattr(choice, "finish_reason", None),
            usage=usage,
        )

    async def _streamed(
        self, create: Any, request: dict[str, Any], on_text: Callable[[str], object] | None
    ) -> ModelReply:
        request = {**request, "stream": True, "stream_options": {"include_usage": True}}
        text: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        finish_reason: str | None = None
        usage = Usage(model_calls=1)
        stream = await create(**request)
        async with stream:
            async for chunk in stream:
                if getattr(chunk, "usage", None) is not None:
                    usage = _usage(chunk.usage)
                for choice in getattr(chunk, "choices", None) or []:
                    if (getattr(choice, "index", 0) or 0) != 0:
                        continue
                    delta = getattr(choice, "delta", None)
                    content = _text(getattr(delta, "content", None))
                    if content:
                        text.append(content)
                        if on_text is not None:
                            on_text(content)
                    for call in getattr(delta, "tool_calls", None) or []:
                        position = getattr(call, "index", 0) or 0
                        slot = calls.setdefault(position, {"id": "", "name": "", "arguments": ""})
                        if getattr(call, "id", None):
                            slot["id"] = str(call.id)
                        function = getattr(call, "function", None)
                        slot["name"] += str(getattr(function, "name", None) or "")
                        slot["arguments"] += _text(getattr(function, "arguments", None))
                    if getattr(choice, "finish_reason", None):
                        finish_reason = choice.finish_reason
        tool_calls = [
            ModelToolCall(
                id=slot["id"] or f"call_{index}", name=slot["name"], arguments=slot["arguments"]
            )
            for index, slot in sorted(calls.items())
        ]
        return ModelReply(
            text="".join(text), tool_calls=tool_calls, finish_reason=finish_reason, usage=usage
        )
