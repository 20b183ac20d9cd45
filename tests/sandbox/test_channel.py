"""The frame channel over two real pipes: writes from the loop and from threads, reads
split into frames, either way of reading."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import anyio
import anyio.abc
import pytest

from tsact._execution.process import PIPE_BYTES, frame_pipe, reply_pipe
from tsact._wire.channel import FrameChannel, FrameTooLarge, _LendWatch

pytestmark = pytest.mark.anyio


class Peer:
    """The sandbox's ends of the two pipes: it writes frames to ``out`` and reads the
    host's from ``into`` (both blocking, used from threads)."""

    def __init__(self, out: int, into: int) -> None:
        self.out: int | None = out
        self.into = into
        self._pending = b""

    async def send(self, data: bytes) -> None:
        out = self.out
        assert out is not None

        def write_all() -> None:
            view = memoryview(data)
            while view:
                view = view[os.write(out, view) :]

        await anyio.to_thread.run_sync(write_all)

    def send_eof(self) -> None:
        if self.out is not None:
            os.close(self.out)
            self.out = None

    async def receive(self, max_bytes: int = 1 << 16) -> bytes:
        return await anyio.to_thread.run_sync(os.read, self.into, max_bytes)

    async def read_lines(self, count: int) -> list[bytes]:
        def read() -> list[bytes]:
            while self._pending.count(b"\n") < count:
                chunk = os.read(self.into, 1 << 20)
                if not chunk:
                    raise EOFError(self._pending[:100])
                self._pending += chunk
            *lines, self._pending = self._pending.split(b"\n", count)
            return lines

        return await anyio.to_thread.run_sync(read)

    def close(self) -> None:
        self.send_eof()
        os.close(self.into)


@contextlib.asynccontextmanager
async def _open(
    *, reader_callback: bool, max_frame_bytes: int = 1 << 20
) -> AsyncIterator[tuple[FrameChannel, Peer]]:
    frames, frames_out = frame_pipe()
    replies_in, replies = reply_pipe()
    channel = FrameChannel(frames, replies, max_frame_bytes, reader_callback=reader_callback)
    peer = Peer(frames_out, replies_in)
    try:
        yield channel, peer
    finally:
        await channel.aclose()
        peer.close()


@pytest.fixture(params=[True, False], ids=["reader-callback", "stream"])
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[FrameChannel, Peer]]:
    """A channel over two pipes (read either way), and the sandbox's ends."""
    async with _open(reader_callback=request.param) as opened:
        yield opened


async def test_frames_from_the_loop_and_a_thread_never_interleave(
    pair: tuple[FrameChannel, Peer],
) -> None:
    channel, peer = pair
    big = [bytes([65 + n]) * 1_500_000 + b"\n" for n in range(4)]  # over a pipe's buffer

    def from_thread(frame: bytes) -> None:
        channel.send_from_thread(frame)

    threads = [threading.Thread(target=from_thread, args=(frame,)) for frame in big[:2]]
    for thread in threads:
        thread.start()
    async with anyio.create_task_group() as group:
        for frame in big[2:]:
            group.start_soon(channel.send, frame)
        lines = await peer.read_lines(4)
    for thread in threads:
        thread.join(5)
    assert sorted(lines) == [frame[:-1] for frame in big]  # each whole, none mixed


async def test_a_frame_queues_behind_a_partly_written_one_even_when_there_is_room(
    pair: tuple[FrameChannel, Peer],
) -> None:
    channel, peer = pair
    big = b"a" * 3_000_000 + b"\n"
    assert not channel.send_nowait(big)  # partly written, the rest waits in the backlog
    head = await peer.receive(65536)  # the pipe has room again, and nobody is flushing yet
    assert not channel.send_nowait(b"small\n")  # must not jump into the middle of `big`
    async with anyio.create_task_group() as group:
        group.start_soon(channel.send, b"last\n")  # flushes the backlog, then this
        rest = await peer.read_lines(3)
    assert [len(line) for line in rest] == [3_000_000 - len(head), 5, 4]
    assert rest[1:] == [b"small", b"last"]


async def test_a_thread_waiting_on_a_full_pipe_returns_when_the_channel_closes(
    pair: tuple[FrameChannel, Peer],
) -> None:
    channel, _peer = pair  # the peer never reads
    done = threading.Event()

    def stuck() -> None:
        channel.send_from_thread(b"x" * 20_000_000 + b"\n")
        done.set()

    thread = threading.Thread(target=stuck, daemon=True)
    thread.start()
    # the pipe is full and nobody reads it: the writer waits...
    assert not await anyio.to_thread.run_sync(done.wait, 0.2)
    await channel.aclose()
    assert await anyio.to_thread.run_sync(done.wait, 5.0)  # ...until the close releases it


async def test_writes_after_close_are_dropped(pair: tuple[FrameChannel, Peer]) -> None:
    channel, peer = pair
    await channel.aclose()
    channel.send_from_thread(b"late\n")  # neither raises nor touches a reused descriptor
    await channel.send(b"late\n")
    assert await peer.receive() == b""  # the peer sees the close and nothing after it


async def test_frames_arrive_whole_in_order_then_the_end(
    pair: tuple[FrameChannel, Peer],
) -> None:
    channel, peer = pair
    # large frames are handed on in the buffer they gathered in, small ones copied out:
    # each frame its own letter, so a frame cut at the wrong byte shows
    sizes = (0, 1, 70_000, 3, 300_000, 2, 1_000_000, 65_536, 65_535, 1)
    frames = [bytes([65 + n]) * size for n, size in enumerate(sizes)]

    async def send_then_close() -> None:
        await peer.send(b"".join(frame + b"\n" for frame in frames) + b"tail-without-newline")
        peer.send_eof()

    async with anyio.create_task_group() as group:
        group.start_soon(send_then_close)
        assert [await channel.receive() for _ in frames] == frames
        with pytest.raises(anyio.EndOfStream):
            await channel.receive()


@pytest.fixture(params=[True, False], ids=["reader-callback", "stream"])
async def over_the_limit(request: pytest.FixtureRequest) -> AsyncIterator[FrameChannel]:
    """A channel with a 10,000-byte limit that has been sent a frame, one over the limit
    and one more (read either way)."""
    async with _open(reader_callback=request.param, max_frame_bytes=10_000) as (channel, peer):
        await peer.send(b"ok\n" + b"y" * 20_000 + b"\nnever\n")
        yield channel


async def test_a_frame_over_the_limit_ends_reading_after_the_ones_before(
    over_the_limit: FrameChannel,
) -> None:
    channel = over_the_limit
    assert await channel.receive() == b"ok"
    with pytest.raises(FrameTooLarge, match="exceeds 10000 bytes"):
        await channel.receive()


async def test_serve_hands_frames_in_order_until_the_handler_stops(
    pair: tuple[FrameChannel, Peer],
) -> None:
    channel, peer = pair
    await peer.send(b"early\n")  # read before serving begins: handed on first
    await anyio.wait_all_tasks_blocked()
    seen: list[bytes] = []

    def handle(line: bytes | bytearray) -> bool:
        seen.append(bytes(line))
        return line != b"stop"

    async def send_rest() -> None:
        await peer.send(b"a\n" + b"b" * 100_000 + b"\nstop\nafter\n")

    async with anyio.create_task_group() as group:
        group.start_soon(send_rest)
        await channel.serve(handle)
    assert seen == [b"early", b"a", b"b" * 100_000, b"stop"]


async def test_serve_returns_when_the_peer_closes(
    pair: tuple[FrameChannel, Peer],
) -> None:
    channel, peer = pair
    seen: list[bytes] = []
    await peer.send(b"one\ntwo\n")
    peer.send_eof()
    await channel.serve(lambda line: seen.append(bytes(line)) is None)
    assert seen == [b"one", b"two"]


async def test_serve_raises_what_the_handler_raised_and_stops_reading(
    pair: tuple[FrameChannel, Peer],
) -> None:
    channel, peer = pair
    seen: list[bytes] = []

    def handle(line: bytes | bytearray) -> bool:
        seen.append(bytes(line))
        if line == b"bad":
            raise LookupError("from the handler")
        return True

    await peer.send(b"ok\nbad\nnever\n")
    with pytest.raises(LookupError, match="from the handler"):
        await channel.serve(handle)
    assert seen == [b"ok", b"bad"]


async def test_serve_hands_the_frames_before_one_over_the_limit_then_raises(
    over_the_limit: FrameChannel,
) -> None:
    seen: list[bytes] = []
    with pytest.raises(FrameTooLarge, match="exceeds 10000 bytes"):
        await over_the_limit.serve(lambda line: seen.append(bytes(line)) is None)
    assert seen == [b"ok"]


async def test_on_asyncio_serve_handles_a_frame_in_the_read_not_in_a_woken_task() -> None:
    async with _open(reader_callback=True) as (channel, peer):
        tasks: list[object] = []

        def handle(line: bytes | bytearray) -> bool:
            tasks.append(asyncio.current_task())
            return False

        async def send_later() -> None:
            await anyio.wait_all_tasks_blocked()
            await peer.send(b"frame\n")

        async with anyio.create_task_group() as group:
            group.start_soon(send_later)
            await channel.serve(handle)
        assert tasks == [None]  # run by the loop's reader callback, outside any task


async def test_the_channel_closes_both_pipes_it_owns() -> None:
    frames, frames_out = frame_pipe()
    replies_in, replies = reply_pipe()
    channel = FrameChannel(frames, replies, 1 << 20)
    await channel.send(bytearray(b"reply\n"))
    assert os.read(replies_in, 100) == b"reply\n"
    await channel.aclose()
    await channel.aclose()  # twice is harmless
    for descriptor in (frames, replies):
        with pytest.raises(OSError):
            os.fstat(descriptor)
    assert os.read(replies_in, 100) == b""  # the sandbox sees the host's end close
    os.close(frames_out)
    os.close(replies_in)


@pytest.mark.parametrize("host_end", ["frames", "replies"])
def test_the_host_s_end_of_each_pipe_is_non_blocking_and_a_mebibyte(host_end: str) -> None:
    # the sandbox's ends block, as Deno reads and writes them
    if host_end == "frames":
        mine, theirs = frame_pipe()
    else:
        theirs, mine = reply_pipe()
    try:
        assert not os.get_blocking(mine) and os.get_blocking(theirs)
        if int(Path("/proc/sys/fs/pipe-max-size").read_text()) < PIPE_BYTES:
            pytest.skip("this system caps pipes below a mebibyte")
        assert fcntl.fcntl(mine, fcntl.F_GETPIPE_SZ) == PIPE_BYTES
    finally:
        os.close(mine)
        os.close(theirs)


@contextlib.asynccontextmanager
async def _served() -> AsyncIterator[tuple[FrameChannel, Peer, list[bytes]]]:
    """A channel read in the loop's callback and served: each frame goes into the list."""
    async with _open(reader_callback=True) as (channel, peer):
        seen: list[bytes] = []
        async with anyio.create_task_group() as group:
            group.start_soon(channel.serve, lambda line: seen.append(bytes(line)) is None)
            await anyio.wait_all_tasks_blocked()
            yield channel, peer, seen
            group.cancel_scope.cancel()


async def _until(condition: Callable[[], bool], timeout_s: float = 5) -> None:
    with anyio.fail_after(timeout_s):
        while not condition():
            await anyio.sleep(0.001)


async def test_a_thread_lent_the_reading_reads_and_gives_back_what_it_leaves() -> None:
    async with _served() as (channel, peer, seen):
        assert channel.lend_reading(watch_s=10)
        assert not channel.lend_reading(watch_s=10)  # one lend at a time
        assert channel.idle_lent()
        await peer.send(b"one\n")
        first = await anyio.to_thread.run_sync(channel.read_lent, 5.0)
        assert first == b"one\n" and seen == []  # the loop did not read it
        assert channel.lone_frame(first) == b"one"
        assert channel.lone_frame(b"one\ntwo\n") is None
        await peer.send(b"two\nthr")
        second = await anyio.to_thread.run_sync(channel.read_lent, 5.0)
        assert second == b"two\nthr"
        channel.give_back(second)  # the loop deals with it, then reads on
        await peer.send(b"ee\nfour\n")
        await _until(lambda: len(seen) == 3)
        assert seen == [b"two", b"three", b"four"]
        assert not channel.idle_lent()


async def test_a_lend_ends_when_nothing_comes_in_time() -> None:
    async with _served() as (channel, peer, seen):
        assert channel.lend_reading(watch_s=10)
        assert channel.idle_lent()
        assert await anyio.to_thread.run_sync(channel.read_lent, 0.02) is None
        await peer.send(b"later\n")
        await _until(lambda: seen == [b"later"])


async def test_the_loop_takes_the_reading_back_from_a_busy_borrower() -> None:
    async with _served() as (channel, peer, seen):
        assert channel.lend_reading(watch_s=0.01)  # busy from the start
        await peer.send(b"meanwhile\n")
        await _until(lambda: seen == [b"meanwhile"])
        assert not channel.idle_lent()  # the borrower, done, finds it gone


async def test_an_idle_borrower_keeps_the_reading_past_the_watch() -> None:
    async with _served() as (channel, peer, seen):
        assert channel.lend_reading(watch_s=0.005)
        assert channel.idle_lent()
        await anyio.sleep(0.05)  # ten watches
        await peer.send(b"mine\n")
        assert await anyio.to_thread.run_sync(channel.read_lent, 5.0) == b"mine\n"
        assert seen == []
        channel.give_back(None)


async def test_a_close_ends_a_lent_read_and_the_descriptor_is_not_read_after() -> None:
    async with _served() as (channel, peer, seen):
        assert channel.lend_reading(watch_s=10)
        assert channel.idle_lent()
        outcome: list[bytes | None] = []

        def read() -> None:
            outcome.append(channel.read_lent(0.5))

        thread = threading.Thread(target=read)
        thread.start()
        await anyio.sleep(0.05)
        channel.close()
        with contextlib.suppress(BrokenPipeError):  # the poll may still hold the pipe
            await peer.send(b"too late\n")
        await anyio.to_thread.run_sync(thread.join)
        assert outcome == [None]
        assert seen == []


@pytest.mark.parametrize("late", [b"", b"stale\n", None], ids=["end", "data", "nothing"])
async def test_a_late_hand_back_leaves_the_channel_opened_since_alone(late: bytes | None) -> None:
    # The loop runs a hand-back after the channel closed; by then a new channel may read
    # on the same descriptor number, and it must go on reading.
    async with _open(reader_callback=True) as (old, old_peer):
        assert old.lend_reading(watch_s=10)
        assert old.idle_lent()
        old.give_back(late)  # queued on the loop, not run yet
        old.close()
        old_peer.send_eof()
        async with _open(reader_callback=True) as (new, new_peer):
            assert new._read_from == old._read_from  # the number came back
            await anyio.sleep(0.01)  # the hand-back runs
            await new_peer.send(b"fresh\n")
            with anyio.fail_after(5):
                assert await new.receive() == b"fresh"


async def test_no_lend_while_the_loop_holds_unread_bytes() -> None:
    async with _open(reader_callback=True) as (channel, peer):
        await peer.send(b"one\ntw")
        await _until(lambda: channel._partial == b"tw" or bool(channel._frames))
        assert not channel.lend_reading(watch_s=10)


async def test_one_timer_watches_every_lend_on_a_loop() -> None:
    async with (
        _served() as (first, first_peer, first_seen),
        _served() as (second, second_peer, second_seen),
    ):
        assert first.lend_reading(watch_s=0.03)  # both borrowers stay busy
        assert second.lend_reading(watch_s=0.01)  # the timer comes sooner for it
        assert [watch._loop for watch in _LendWatch._of_loop.values()] == [first.loop]
        await first_peer.send(b"first\n")
        await second_peer.send(b"second\n")
        await _until(lambda: first_seen == [b"first"] and second_seen == [b"second"])
        await _until(lambda: not _LendWatch._of_loop)  # the watch ends with the lends
        assert first.lend_reading(watch_s=10)
        assert len(_LendWatch._of_loop) == 1
        first.close()  # or with the channels it looks at
        assert not _LendWatch._of_loop
