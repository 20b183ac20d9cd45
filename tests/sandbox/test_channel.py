"""The frame channel over a real unix socket: writes from the loop and from threads."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from anyio.abc import SocketStream
from anyio.streams.buffered import BufferedByteReceiveStream

from tsact._execution.process import PIPE_BYTES, frame_pipe
from tsact._wire.channel import FrameChannel, FrameTooLarge

pytestmark = pytest.mark.anyio


@contextlib.asynccontextmanager
async def _open(
    path: Path, *, reader_callback: bool, max_frame_bytes: int = 1 << 20
) -> AsyncIterator[tuple[FrameChannel, SocketStream]]:
    listener = await anyio.create_unix_listener(path)
    peer = await anyio.connect_unix(path)
    stream = await listener.accept()
    channel = FrameChannel(stream, max_frame_bytes, reader_callback=reader_callback)
    try:
        yield channel, peer
    finally:
        await channel.aclose()
        await peer.aclose()
        await listener.aclose()


@pytest.fixture(params=[True, False], ids=["reader-callback", "stream"])
async def pair(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[FrameChannel, SocketStream]]:
    """A channel on one end of a unix socket (read either way), and the raw other end."""
    async with _open(tmp_path / "c.sock", reader_callback=request.param) as opened:
        yield opened


async def _read_lines(peer: SocketStream, count: int) -> list[bytes]:
    reader = BufferedByteReceiveStream(peer)
    return [await reader.receive_until(b"\n", 1 << 26) for _ in range(count)]


async def test_frames_from_the_loop_and_a_thread_never_interleave(
    pair: tuple[FrameChannel, SocketStream],
) -> None:
    channel, peer = pair
    big = [bytes([65 + n]) * 900_000 + b"\n" for n in range(4)]  # far over a socket buffer

    def from_thread(frame: bytes) -> None:
        channel.send_from_thread(frame)

    threads = [threading.Thread(target=from_thread, args=(frame,)) for frame in big[:2]]
    for thread in threads:
        thread.start()
    async with anyio.create_task_group() as group:
        for frame in big[2:]:
            group.start_soon(channel.send, frame)
        lines = await _read_lines(peer, 4)
    for thread in threads:
        thread.join(5)
    assert sorted(lines) == [frame[:-1] for frame in big]  # each whole, none mixed


async def test_a_frame_queues_behind_a_partly_written_one_even_when_there_is_room(
    pair: tuple[FrameChannel, SocketStream],
) -> None:
    channel, peer = pair
    big = b"a" * 900_000 + b"\n"
    assert not channel._enqueue(big)  # partly written, the rest waits in the backlog
    head = await peer.receive(65536)  # the socket has room again, and nobody is flushing yet
    assert not channel._enqueue(b"small\n")  # must not jump into the middle of `big`
    async with anyio.create_task_group() as group:
        group.start_soon(channel.send, b"last\n")  # flushes the backlog, then this
        rest = await _read_lines(peer, 3)
    assert [len(line) for line in rest] == [900_000 - len(head), 5, 4]
    assert rest[1:] == [b"small", b"last"]


async def test_a_thread_waiting_on_a_full_socket_returns_when_the_channel_closes(
    pair: tuple[FrameChannel, SocketStream],
) -> None:
    channel, _peer = pair  # the peer never reads
    done = threading.Event()

    def stuck() -> None:
        channel.send_from_thread(b"x" * 20_000_000 + b"\n")
        done.set()

    thread = threading.Thread(target=stuck, daemon=True)
    thread.start()
    # the socket is full and nobody reads it: the writer waits...
    assert not await anyio.to_thread.run_sync(done.wait, 0.2)
    await channel.aclose()
    assert await anyio.to_thread.run_sync(done.wait, 5.0)  # ...until the close releases it


async def test_writes_after_close_are_dropped(pair: tuple[FrameChannel, SocketStream]) -> None:
    channel, peer = pair
    await channel.aclose()
    channel.send_from_thread(b"late\n")  # neither raises nor touches a reused descriptor
    await channel.send(b"late\n")
    with pytest.raises(anyio.EndOfStream):  # the peer sees the close and nothing after it
        await peer.receive()


async def test_frames_arrive_whole_in_order_then_the_end(
    pair: tuple[FrameChannel, SocketStream],
) -> None:
    channel, peer = pair
    # large frames are handed on in the buffer they gathered in, small ones copied out:
    # each frame its own letter, so a frame cut at the wrong byte shows
    sizes = (0, 1, 70_000, 3, 300_000, 2, 1_000_000, 65_536, 65_535, 1)
    frames = [bytes([65 + n]) * size for n, size in enumerate(sizes)]

    async def send_then_close() -> None:
        await peer.send(b"".join(frame + b"\n" for frame in frames) + b"tail-without-newline")
        await peer.send_eof()

    async with anyio.create_task_group() as group:
        group.start_soon(send_then_close)
        assert [await channel.receive() for _ in frames] == frames
        with pytest.raises(anyio.EndOfStream):
            await channel.receive()


@pytest.fixture(params=[True, False], ids=["reader-callback", "stream"])
async def over_the_limit(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[FrameChannel]:
    """A channel with a 10,000-byte limit that has been sent a frame, one over the limit
    and one more (read either way)."""
    async with _open(
        tmp_path / "c.sock", reader_callback=request.param, max_frame_bytes=10_000
    ) as (channel, peer):
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
    pair: tuple[FrameChannel, SocketStream],
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
    pair: tuple[FrameChannel, SocketStream],
) -> None:
    channel, peer = pair
    seen: list[bytes] = []
    await peer.send(b"one\ntwo\n")
    await peer.send_eof()
    await channel.serve(lambda line: seen.append(bytes(line)) is None)
    assert seen == [b"one", b"two"]


async def test_serve_raises_what_the_handler_raised_and_stops_reading(
    pair: tuple[FrameChannel, SocketStream],
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


async def test_on_asyncio_serve_handles_a_frame_in_the_read_not_in_a_woken_task(
    tmp_path: Path,
) -> None:
    async with _open(tmp_path / "c.sock", reader_callback=True) as (channel, peer):
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


@pytest.mark.parametrize("reader_callback", [True, False], ids=["reader-callback", "stream"])
async def test_with_a_pipe_frames_are_read_from_it_and_written_to_the_socket(
    tmp_path: Path, reader_callback: bool
) -> None:
    # as in a sandbox: the worker's frames come on the process's stdout pipe
    listener = await anyio.create_unix_listener(tmp_path / "c.sock")
    peer = await anyio.connect_unix(tmp_path / "c.sock")
    stream = await listener.accept()
    frames, frames_out = frame_pipe()
    channel = FrameChannel(stream, 1 << 20, frames=frames, reader_callback=reader_callback)
    try:
        seen: list[bytes] = []

        def write_then_close() -> None:
            os.write(frames_out, b"a\n" + b"b" * 200_000 + b"\nc\n")
            os.close(frames_out)

        async with anyio.create_task_group() as group:
            group.start_soon(anyio.to_thread.run_sync, write_then_close)
            await channel.serve(lambda line: seen.append(bytes(line)) is None)
        assert seen == [b"a", b"b" * 200_000, b"c"]  # and the pipe's end ended serving
        await channel.send(bytearray(b"reply\n"))
        assert await _read_lines(peer, 1) == [b"reply"]
    finally:
        await channel.aclose()
        await peer.aclose()
        await listener.aclose()
    with pytest.raises(OSError):
        os.fstat(frames)  # the channel closed the pipe it owned


def test_the_frame_pipe_is_grown_to_a_mebibyte_where_the_system_allows() -> None:
    frames, frames_out = frame_pipe()
    try:
        assert not os.get_blocking(frames) and os.get_blocking(frames_out)
        if int(Path("/proc/sys/fs/pipe-max-size").read_text()) < PIPE_BYTES:
            pytest.skip("this system caps pipes below a mebibyte")
        assert fcntl.fcntl(frames, fcntl.F_GETPIPE_SZ) == PIPE_BYTES
    finally:
        os.close(frames)
        os.close(frames_out)
