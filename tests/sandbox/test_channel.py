"""The frame channel over a real unix socket: writes from the loop and from threads."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from anyio.abc import SocketStream
from anyio.streams.buffered import BufferedByteReceiveStream

from tsact._channel import FrameChannel

pytestmark = pytest.mark.anyio


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[FrameChannel, SocketStream]]:
    """A channel on one end of a unix socket, and the raw other end."""
    listener = await anyio.create_unix_listener(tmp_path / "c.sock")
    peer = await anyio.connect_unix(tmp_path / "c.sock")
    stream = await listener.accept()
    channel = FrameChannel(stream, max_frame_bytes=1 << 26)
    try:
        yield channel, peer
    finally:
        await channel.aclose()
        await peer.aclose()
        await listener.aclose()


async def _read_lines(peer: SocketStream, count: int) -> list[bytes]:
    reader = BufferedByteReceiveStream(peer)
    return [await reader.receive_until(b"\n", 1 << 26) for _ in range(count)]


async def test_frames_from_the_loop_and_a_thread_never_interleave(
    pair: tuple[FrameChannel, SocketStream],
) -> None:
    channel, peer = pair
    big = [bytes([65 + n]) * 3_000_000 + b"\n" for n in range(4)]  # far over a socket buffer

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
    big = b"a" * 2_000_000 + b"\n"
    assert not channel._enqueue(big)  # partly written, the rest waits in the backlog
    head = await peer.receive(65536)  # the socket has room again, and nobody is flushing yet
    assert not channel._enqueue(b"small\n")  # must not jump into the middle of `big`
    async with anyio.create_task_group() as group:
        group.start_soon(channel.send, b"last\n")  # flushes the backlog, then this
        rest = await _read_lines(peer, 3)
    assert [len(line) for line in rest] == [2_000_000 - len(head), 5, 4]
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
    await anyio.sleep(0.2)
    assert not done.is_set()  # the socket is full and nobody reads it
    started = time.perf_counter()
    await channel.aclose()
    assert await anyio.to_thread.run_sync(done.wait, 2.0)
    assert time.perf_counter() - started < 1.0


async def test_writes_after_close_are_dropped(pair: tuple[FrameChannel, SocketStream]) -> None:
    channel, _peer = pair
    await channel.aclose()
    channel.send_from_thread(b"late\n")  # neither raises nor touches a reused descriptor
    await channel.send(b"late\n")
