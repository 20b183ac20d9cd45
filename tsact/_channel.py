"""Newline-delimited frames over the private unix socket.

Writes go straight to the non-blocking socket: a frame that fits in the socket's
buffer (nearly all of them) is written at once, without yielding to the event loop
first as a stream's ``send`` does; only a frame that does not fit waits for the
socket to drain. Every write happens under one lock, up to the first partial send,
and later frames queue behind a partial one, so frames never interleave. Sync tools
answer from their own thread the same way (``send_from_thread``): the reply reaches
the sandbox without a hop back to the event loop.
"""

from __future__ import annotations

import select
import socket
import threading

import anyio
from anyio.abc import SocketAttribute, SocketStream
from anyio.streams.buffered import BufferedByteReceiveStream

POLL_MS = 50  # a thread waiting for the socket to drain looks for a close this often


class FrameTooLarge(Exception):
    """The sandbox sent a line longer than the frame limit."""


class FrameChannel:
    """One JSON text per line, read with a bound and written in order."""

    def __init__(self, stream: SocketStream, max_frame_bytes: int) -> None:
        self._stream = stream
        self._socket: socket.socket = stream.extra(SocketAttribute.raw_socket)
        self._reader = BufferedByteReceiveStream(stream)
        self._max = max_frame_bytes
        self._lock = threading.Lock()
        self._backlog = bytearray()
        self._flushing = False
        self._done = False  # closed, or the peer went away: writes are dropped

    async def receive(self) -> bytes:
        """The next line without its newline; ``anyio.EndOfStream`` when the peer closed."""
        try:
            return await self._reader.receive_until(b"\n", self._max)
        except anyio.DelimiterNotFound:
            raise FrameTooLarge(f"a frame from the sandbox exceeds {self._max} bytes") from None
        except (anyio.IncompleteRead, anyio.BrokenResourceError, anyio.ClosedResourceError):
            raise anyio.EndOfStream from None

    def _write_backlog(self) -> bool:
        """Write what the socket takes now (lock held); True when nothing is left."""
        if self._done:
            self._backlog.clear()
            return True
        try:
            written = self._socket.send(self._backlog)
        except BlockingIOError:
            return False
        except OSError:
            self._done = True
            self._backlog.clear()
            return True
        del self._backlog[:written]
        return not self._backlog

    def _enqueue(self, data: bytes) -> bool:
        """Queue a frame and write what fits; True when all of it is written (or dropped)."""
        with self._lock:
            if self._done:
                return True
            if not self._backlog:
                try:
                    written = self._socket.send(data)
                except BlockingIOError:
                    written = 0
                except OSError:
                    self._done = True
                    return True
                if written == len(data):
                    return True
                data = data[written:]
            self._backlog += data
            return False

    async def send(self, data: bytes) -> None:
        """Write one encoded frame (already newline-terminated); a closed peer is ignored."""
        if self._enqueue(data) or self._flushing:
            return  # written, or the task already flushing writes this too, in order
        self._flushing = True
        try:
            while True:
                await anyio.wait_writable(self._socket)
                with self._lock:
                    if self._write_backlog():
                        return
        finally:
            self._flushing = False

    def send_from_thread(self, data: bytes) -> None:
        """Write one frame from a thread other than the event loop's, blocking until done.

        The thread polls the socket itself, without the lock, so the event loop is
        never held up by a sandbox that does not read; a close ends the wait.
        """
        if self._enqueue(data):
            return
        descriptor = self._socket.fileno()
        if descriptor < 0:
            return  # closed meanwhile: the frame was dropped with the backlog
        poller = select.poll()
        poller.register(descriptor, select.POLLOUT)
        while True:
            poller.poll(POLL_MS)
            with self._lock:
                if self._write_backlog():
                    return

    async def aclose(self) -> None:
        """Close the socket; writes after this (from any thread) are dropped."""
        with self._lock:
            self._done = True
            self._backlog.clear()
        await self._stream.aclose()
