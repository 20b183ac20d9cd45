"""Newline-delimited frames over two pipes: the sandbox's stdout and its stdin.

The sandbox's prelude writes its frames straight to the process's stdout, a pipe only
the host reads (``frames``), and reads the host's frames from its stdin, a pipe only the
host writes (``replies``): no other process is on their way.

Writes go straight to the non-blocking pipe: a frame that fits in the pipe's buffer
(nearly all of them) is written at once, without yielding to the event loop first as a
stream's ``send`` does; only a frame that does not fit waits for the pipe to drain.
Every write happens under one lock, up to the first partial write, and later frames
queue behind a partial one, so frames never interleave. Sync tools answer from their
own thread the same way (``send_from_thread``): the reply reaches the sandbox without a
hop back to the event loop.

On asyncio, reads come from one reader callback registered for the channel's life,
which splits what arrives into frames: a stream's ``receive`` registers and removes the
descriptor with the selector on every wait (two system calls and a checkpoint), which
cost a tool call tens of microseconds. ``serve`` hands each frame to its handler inside
that callback, so a frame is dealt with in the loop iteration that read it, with no task
to wake. Other anyio backends read through a stream over the pipe.

The loop may lend the reading to a thread (``lend_reading``): the thread that answers
a sync tool's call reads the script's next frame itself, and answers it in place when
it is another such call, so a run of sequential calls neither wakes the event loop nor
hops between threads (see ``ToolDispatcher``). Whatever that thread does not answer,
and the reading itself, it gives back to the loop (``give_back``).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import ClassVar

import anyio
import anyio.lowlevel
from anyio.abc import ByteReceiveStream
from anyio.streams.buffered import BufferedByteReceiveStream

try:
    import sniffio
except ImportError:  # anyio then takes a running asyncio loop for asyncio
    sniffio = None  # type: ignore[assignment]

POLL_MS = 50  # a thread waiting for the pipe to drain looks for a close this often
READ_BYTES = 1 << 20
LENT_READ_BYTES = 1 << 16  # a thread's read: more than one small frame goes to the loop
HANDOVER_BYTES = 1 << 16
"""A frame at least this long is handed on in the buffer it arrived in (copying 40 MB of
fresh memory costs ~20 ms here); shorter ones are copied out, leaving the buffer's room."""


_INBOXES = threading.local()


def _inbox() -> bytearray:
    """This thread's read buffer: reads go into it, and what they bring is copied out at
    once, so one buffer serves every channel of the thread's event loop. (A fresh buffer
    per read costs an allocation of READ_BYTES; one per channel, touching its pages.)"""
    inbox: bytearray | None = getattr(_INBOXES, "buffer", None)
    if inbox is None:
        inbox = _INBOXES.buffer = bytearray(READ_BYTES)
    return inbox


class FrameTooLarge(Exception):
    """The sandbox sent a line longer than the frame limit."""


class PipeReader(ByteReceiveStream):
    """A non-blocking pipe's read end as an anyio stream (the channel's reads on other
    backends than asyncio, and the sandbox's stderr); it ends at the pipe's end."""

    def __init__(self, descriptor: int, read_bytes: int = READ_BYTES) -> None:
        self._descriptor = descriptor
        self._read_bytes = read_bytes

    async def receive(self, max_bytes: int | None = None) -> bytes:
        max_bytes = self._read_bytes if max_bytes is None else max_bytes
        while True:
            await anyio.wait_readable(self._descriptor)
            try:
                data = os.read(self._descriptor, max_bytes)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                raise anyio.EndOfStream
            return data

    async def aclose(self) -> None:
        pass  # its owner closes the descriptor


def callback_context() -> contextvars.Context:
    """A copy of the current context in which anyio finds asyncio even from a callback.

    Tool calls start in event-loop callbacks (the frame reader's, or one that a tool's
    thread scheduled). anyio asks sniffio which library runs, and under a plain
    ``asyncio.run`` sniffio looks for the current task, which a callback has none of:
    starting a task there would fail. Only callbacks on an asyncio loop run in it.
    """
    context = contextvars.copy_context()
    if sniffio is not None:
        context.run(sniffio.current_async_library_cvar.set, "asyncio")
    return context


class _LendWatch:
    """The timer of one event loop that looks at every channel whose reading is lent, as
    often as the shortest of their watches: one timer however many lends there are."""

    _of_loop: ClassVar[dict[asyncio.AbstractEventLoop, _LendWatch]] = {}
    """Only while a channel on the loop lends: a channel's close takes it out."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._channels: dict[FrameChannel, float] = {}  # with each one's watch
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def add(cls, loop: asyncio.AbstractEventLoop, channel: FrameChannel, watch_s: float) -> None:
        """Look at ``channel`` at least every ``watch_s`` until its lend is over."""
        watch = cls._of_loop.get(loop) or cls._of_loop.setdefault(loop, cls(loop))
        watch._channels[channel] = watch_s
        due = loop.time() + watch_s
        if watch._timer is None or watch._timer.when() > due:
            if watch._timer is not None:
                watch._timer.cancel()
            watch._timer = loop.call_at(due, watch._look, context=contextvars.Context())

    @classmethod
    def forget(cls, loop: asyncio.AbstractEventLoop, channel: FrameChannel) -> None:
        """``channel`` closed: the loop's watch (if any) no longer looks at it."""
        watch = cls._of_loop.get(loop)
        if watch is not None:
            watch._channels.pop(channel, None)
            watch._end_if_idle()

    def _look(self) -> None:
        self._timer = None
        now = time.monotonic()
        for channel, watch_s in list(self._channels.items()):
            if not channel._look_at_lend(now, watch_s):
                del self._channels[channel]
        if self._channels:
            period = min(self._channels.values())
            self._timer = self._loop.call_later(period, self._look, context=contextvars.Context())
        self._end_if_idle()

    def _end_if_idle(self) -> None:
        """With no channel left, stop the timer and leave the loop."""
        if self._channels:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._of_loop.get(self._loop) is self:
            del self._of_loop[self._loop]


class FrameChannel:
    """One JSON text per line, read with a bound and written in order."""

    def __init__(
        self,
        frames: int,
        replies: int,
        max_frame_bytes: int,
        *,
        reader_callback: bool = True,
    ) -> None:
        """``frames``: the non-blocking read end the sandbox's frames come from;
        ``replies``: the non-blocking write end the host's frames go to. The channel
        owns both and closes them. ``reader_callback=False`` reads through a stream
        even on asyncio."""
        self._read_from = frames
        self._write_to = replies
        self._open = True
        self._reader = BufferedByteReceiveStream(PipeReader(frames))
        self._max = max_frame_bytes
        self._lock = threading.Lock()
        self._backlog: deque[memoryview] = deque()  # unwritten frames, oldest first
        self._flushing = False
        self._done = False  # closed, or the peer went away: writes are dropped
        self._frames: deque[bytes | bytearray] = deque()
        self._partial = bytearray()
        self._ended = False  # the peer closed, or sent a frame over the limit
        self._too_large = False
        self._waiter: asyncio.Future[None] | None = None
        self._lent = False  # a thread reads the pipe; the loop's reader is off
        self._busy_since: float | None = None  # when the borrower began answering a call
        self._poller: select.poll | None = None  # the lent reader's, kept between lends
        self._handler: Callable[[bytes | bytearray], bool] | None = None
        self._failure: BaseException | None = None  # raised by the handler in the callback
        self.loop: asyncio.AbstractEventLoop | None = None
        """The asyncio loop the channel was opened on; None under another anyio backend."""
        with contextlib.suppress(RuntimeError):
            self.loop = asyncio.get_running_loop()
        self.context = callback_context()
        """What callbacks on ``loop`` run in (copy it for each): see ``callback_context``."""
        self._loop = self.loop if reader_callback else None  # None: read through the stream
        if self._loop is not None:  # the reader's callback runs in a copy of the context
            self.context.run(self._loop.add_reader, self._read_from, self._on_readable)

    async def serve(self, handle: Callable[[bytes | bytearray], bool]) -> None:
        """Hand each frame to ``handle`` until it returns False or the peer closes.

        On asyncio ``handle`` runs inside the reader callback, as the frame is read; an
        exception it raises stops the reading and is raised here. Raises
        ``FrameTooLarge`` for a frame over the limit.
        """
        if self._loop is None:
            while True:
                try:
                    line = await self.receive()
                except anyio.EndOfStream:
                    return
                if not handle(line):
                    return
        self._handler = handle
        try:
            self._deliver()  # what came before serving began
            while self._handler is not None and not self._ended:
                self._waiter = self._loop.create_future()
                try:
                    await self._waiter
                finally:
                    self._waiter = None
            if self._failure is not None:
                raise self._failure
            if self._handler is not None and self._too_large:
                raise self._too_large_error()
        finally:
            self._handler = None
            self._failure = None

    def _deliver(self) -> None:
        """Hand the frames read so far to the handler, in order, until it says stop."""
        frames = self._frames
        while frames and self._handler is not None:
            line = frames.popleft()
            try:
                going_on = self._handler(line)
            except BaseException as exc:  # raised by ``serve``, in its task
                self._failure = exc
                going_on = False
            del line
            if not going_on:
                self._handler = None

    async def receive(self) -> bytes | bytearray:
        """The next line without its newline; ``anyio.EndOfStream`` when the peer closed."""
        if self._loop is None:
            return await self._receive_from_stream()
        while not self._frames:
            if self._too_large:
                raise self._too_large_error()
            if self._ended:
                raise anyio.EndOfStream
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._frames.popleft()

    def _on_readable(self) -> None:
        """Take what the pipe holds and split it into frames (the event loop calls this)."""
        try:
            inbox = _inbox()
            size = os.readv(self._read_from, (inbox,))
        except BlockingIOError:
            return
        except OSError:
            size = 0
        if not size:
            self._stop_reading()
            return
        with memoryview(inbox) as view:
            self._take(view[:size])

    def _take(self, data: memoryview | bytes) -> None:
        """Split what was read into frames and hand them on (on the event loop)."""
        partial = self._partial
        search_from = len(partial)
        partial += data
        start = 0
        while (end := partial.find(b"\n", search_from)) >= 0:
            if end - start > self._max:
                break
            if start == 0 and end >= HANDOVER_BYTES:
                # A large frame leaves in the buffer that gathered it, not in a copy.
                rest = partial[end + 1 :]
                del partial[end:]
                self._frames.append(partial)
                self._partial = partial = rest
                search_from = 0
                continue
            with memoryview(partial) as view:  # one copy, not a slice and then its bytes
                self._frames.append(bytes(view[start:end]))
            start = search_from = end + 1
        del partial[:start]
        if len(partial) > self._max:
            self._too_large = True
            self._stop_reading()
            return
        self._wake()

    def _stop_reading(self) -> None:
        self._ended = True
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._read_from)
        self._wake()

    def _wake(self) -> None:
        if self._handler is not None:
            self._deliver()  # the frames are dealt with here, not in a task woken for them
            if self._handler is not None and not (self._ended or self._too_large):
                return  # the serving task has nothing to do
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def lend_reading(self, watch_s: float) -> bool:
        """Stop reading on the event loop, for the thread about to answer a call to read
        with ``read_lent`` once it is done (call on the loop). False (nothing lent) unless
        the loop has dealt with every byte it read.

        The borrower counts as busy until it calls ``idle_lent``. While it is busy for
        longer than ``watch_s``, the loop takes the reading back: frames the script sent
        meanwhile (the other calls of a ``Promise.all``) wait at most about that long."""
        loop = self._loop
        if loop is None or self._lent or self._ended or self._frames or self._partial:
            return False
        with self._lock:
            if not self._open:
                return False
            self._lent = True
            self._busy_since = time.monotonic()
        loop.remove_reader(self._read_from)
        _LendWatch.add(loop, self, watch_s)
        return True

    def _look_at_lend(self, now: float, watch_s: float) -> bool:
        """Take the reading back from a borrower busy for longer than ``watch_s`` (for the
        loop's ``_LendWatch``); False once the lend is over."""
        with self._lock:
            if not self._lent or not self._open:
                return False
            since = self._busy_since
            if since is None or now - since < watch_s:
                return True
            self._lent = False
            self._busy_since = None
        self._read_again()
        return False

    def busy_lent(self) -> bool:
        """The borrower has dealt with all it read and starts answering a call; False
        when the channel has closed (call on the borrowing thread)."""
        with self._lock:
            if not self._lent or not self._open:
                return False
            self._busy_since = time.monotonic()
            return True

    def idle_lent(self) -> bool:
        """The borrower is done with its call: True if it still has the reading, False
        when the loop took it back meanwhile (call on the borrowing thread)."""
        with self._lock:
            self._busy_since = None
            return self._lent and self._open

    def read_lent(self, timeout_s: float) -> bytes | None:
        """What the pipe brings within ``timeout_s`` (b"" at its end), read on the thread
        the reading is lent to. None: the lend is over (nothing came in time, so the loop
        reads again, or the channel closed).

        The read happens under the write lock, after a look at ``_open``: a close (which
        takes that lock) can never leave this thread reading a descriptor number that
        something else has been given since.
        """
        poller = self._poller
        if poller is None:
            poller = self._poller = select.poll()
            poller.register(self._read_from, select.POLLIN)
        while True:
            ready = poller.poll(timeout_s * 1000)  # a wake without data waits afresh
            with self._lock:
                if not self._lent or not self._open:
                    return None
                if not ready:
                    self._lent = False
                    break
                try:
                    return os.read(self._read_from, LENT_READ_BYTES)
                except BlockingIOError:
                    continue
                except OSError:
                    return b""
        self._hand_back(None)
        return None

    def lone_frame(self, data: bytes) -> bytes | None:
        """``data``'s one frame, when it is exactly one within the limit; else None."""
        end = len(data) - 1
        if end < 0 or end > self._max or data.find(b"\n") != end:
            return None
        return data[:end]

    def give_back(self, data: bytes | None) -> None:
        """End a lend (from the thread it was lent to): the loop reads again, and first
        deals with ``data``, read on the thread and not dealt with there."""
        with self._lock:
            self._lent = False
            self._busy_since = None
        self._hand_back(data)

    def _hand_back(self, data: bytes | None) -> None:
        """Have the loop read again, after ``data`` (the lend is marked over already)."""
        loop = self._loop
        assert loop is not None
        with contextlib.suppress(RuntimeError):  # a closed loop: the execution is gone
            loop.call_soon_threadsafe(self._take_back, data, context=self.context.copy())

    def _take_back(self, data: bytes | None) -> None:
        if not self._open:  # its descriptor's number may be another channel's by now
            return
        if data == b"":
            self._stop_reading()
            return
        self._read_again()
        if data and not self._ended:
            self._take(data)

    def _read_again(self) -> None:
        """The loop reads the pipe again, after a lend (on the loop); the reader runs in
        the channel's context, as when the channel opened."""
        if self._open and not self._ended and self._loop is not None:
            self.context.copy().run(self._loop.add_reader, self._read_from, self._on_readable)

    async def _receive_from_stream(self) -> bytes | bytearray:
        try:
            line = await self._reader.receive_until(b"\n", self._max)
        except anyio.DelimiterNotFound:
            line = None
        except (anyio.IncompleteRead, anyio.BrokenResourceError, anyio.ClosedResourceError):
            raise anyio.EndOfStream from None
        if line is None or len(line) > self._max:  # a long line may come whole in one read
            raise self._too_large_error()
        return line

    def _too_large_error(self) -> FrameTooLarge:
        return FrameTooLarge(f"a frame from the sandbox exceeds {self._max} bytes")

    def _write_backlog(self) -> bool:
        """Write what the pipe takes now (lock held); True when nothing is left.

        The backlog holds views of the frames, so a large frame is never copied to
        queue it or to drop what was written (at 40 MB, each copy costs ~20 ms).
        """
        backlog = self._backlog
        if self._done:
            backlog.clear()
            return True
        while backlog:
            head = backlog[0]
            try:
                written = os.write(self._write_to, head)
            except BlockingIOError:
                return False
            except OSError:
                self._done = True
                backlog.clear()
                return True
            if written < len(head):
                backlog[0] = head[written:]
                return False
            backlog.popleft()
        return True

    def send_nowait(self, data: bytes | bytearray) -> bool:
        """Write one encoded frame (already newline-terminated) as far as the pipe takes
        it now, queueing the rest for ``flush``; True when all of it is written (or
        dropped with a closed peer)."""
        with self._lock:
            if self._done:
                return True
            view = memoryview(data)
            if not self._backlog:
                try:
                    written = os.write(self._write_to, view)
                except BlockingIOError:
                    written = 0
                except OSError:
                    self._done = True
                    return True
                if written == len(view):
                    return True
                view = view[written:]
            self._backlog.append(view)
            return False

    async def send(self, data: bytes | bytearray) -> None:
        """Write one encoded frame (already newline-terminated); a closed peer is ignored."""
        if not self.send_nowait(data):
            await self.flush()

    async def flush(self) -> None:
        """Wait until every queued frame is written (or dropped with a closed peer)."""
        if self._flushing:
            return  # the task already flushing writes these too, in order
        self._flushing = True
        try:
            while True:
                with self._lock:
                    if self._write_backlog():
                        return
                await anyio.wait_writable(self._write_to)
        finally:
            self._flushing = False

    def send_from_thread(self, data: bytes | bytearray) -> None:
        """Write one frame from a thread other than the event loop's, blocking until done.

        The thread polls the pipe itself, without the lock, so the event loop is never
        held up by a sandbox that does not read; a close ends the wait.
        """
        if self.send_nowait(data):
            return
        poller = select.poll()
        with self._lock:
            if self._done:
                return  # closed meanwhile: the frame was dropped with the backlog
            poller.register(self._write_to, select.POLLOUT)
        while True:
            poller.poll(POLL_MS)
            with self._lock:
                if self._write_backlog():
                    return

    async def aclose(self) -> None:
        """Close both pipes; writes after this (from any thread) are dropped."""
        self.close()
        await anyio.lowlevel.checkpoint()

    def close(self) -> None:
        """``aclose`` without its checkpoint: both pipes closed at once."""
        with self._lock:
            self._done = True
            self._backlog.clear()
            was_open, self._open = self._open, False
        if not was_open:
            return
        if not self._ended:
            self._stop_reading()
        if self._loop is not None:
            _LendWatch.forget(self._loop, self)
        with self._lock:  # no thread is inside a write: each writes under the lock
            os.close(self._read_from)
            os.close(self._write_to)
