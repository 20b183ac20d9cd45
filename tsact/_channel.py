"""Newline-delimited frames over the private unix socket.

Writes go straight to the non-blocking socket: a frame that fits in the socket's
buffer (nearly all of them) is written at once, without yielding to the event loop
first as a stream's ``send`` does; only a frame that does not fit waits for the
socket to drain. Every write is synchronous up to the first partial send, and later
frames queue behind a partial one, so frames never interleave.
"""

from __future__ import annotations

import socket

import anyio
from anyio.abc import SocketAttribute, SocketStream
from anyio.streams.buffered import BufferedByteReceiveStream


class FrameTooLarge(Exception):
    """The sandbox sent a line longer than the frame limit."""


class FrameChannel:
    """One JSON text per line, read with a bound and written in order."""

    def __init__(self, stream: SocketStream, max_frame_bytes: int) -> None:
        self._stream = stream
        self._socket: socket.socket = stream.extra(SocketAttribute.raw_socket)
        self._reader = BufferedByteReceiveStream(stream)
        self._max = max_frame_bytes
        self._backlog = bytearray()
        self._flushing = False
        self._broken = False

    async def receive(self) -> bytes:
        """The next line without its newline; ``anyio.EndOfStream`` when the peer closed."""
        try:
            return await self._reader.receive_until(b"\n", self._max)
        except anyio.DelimiterNotFound:
            raise FrameTooLarge(f"a frame from the sandbox exceeds {self._max} bytes") from None
        except (anyio.IncompleteRead, anyio.BrokenResourceError, anyio.ClosedResourceError):
            raise anyio.EndOfStream from None

    def _write(self, data: bytes | bytearray) -> int:
        """Bytes the socket took now; a peer that went away takes everything (dropped)."""
        try:
            return self._socket.send(data)
        except BlockingIOError:
            return 0
        except OSError:
            self._broken = True
            return len(data)

    async def send(self, data: bytes) -> None:
        """Write one encoded frame (already newline-terminated); a closed peer is ignored."""
        if self._broken:
            return
        if not self._backlog:
            written = self._write(data)
            if written == len(data):
                return
            data = data[written:]
        self._backlog += data
        if self._flushing:
            return  # the task already flushing writes this too, in order
        self._flushing = True
        try:
            while self._backlog and not self._broken:
                await anyio.wait_writable(self._socket)
                del self._backlog[: self._write(self._backlog)]
        finally:
            self._flushing = False

    async def aclose(self) -> None:
        """Close the socket."""
        await self._stream.aclose()
