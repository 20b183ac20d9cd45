"""Newline-delimited frames over the private unix socket."""

from __future__ import annotations

import contextlib

import anyio
from anyio.abc import ByteStream
from anyio.streams.buffered import BufferedByteReceiveStream


class FrameTooLarge(Exception):
    """The sandbox sent a line longer than the frame limit."""


class FrameChannel:
    """One JSON text per line; writes are serialised so frames never interleave."""

    def __init__(self, stream: ByteStream, max_frame_bytes: int) -> None:
        self._stream = stream
        self._reader = BufferedByteReceiveStream(stream)
        self._max = max_frame_bytes
        self._lock = anyio.Lock()

    async def receive(self) -> bytes:
        """The next line without its newline; ``anyio.EndOfStream`` when the peer closed."""
        try:
            return await self._reader.receive_until(b"\n", self._max)
        except anyio.DelimiterNotFound:
            raise FrameTooLarge(f"a frame from the sandbox exceeds {self._max} bytes") from None
        except (anyio.IncompleteRead, anyio.BrokenResourceError, anyio.ClosedResourceError):
            raise anyio.EndOfStream from None

    async def send(self, data: bytes) -> None:
        """Write one encoded frame (already newline-terminated); a closed peer is ignored."""
        async with self._lock:
            with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                await self._stream.send(data)

    async def aclose(self) -> None:
        """Close the socket."""
        await self._stream.aclose()
