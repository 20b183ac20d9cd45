import { assertEquals } from "./test_assert.ts";
import {
  createBuffer,
  isDone,
  markDone,
  openChannel,
  pending,
  readAll,
  RING_BYTES,
  writeBlocking,
  writeSome,
} from "./ring.ts";

function bytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + seed) & 0xff;
  return out;
}

Deno.test("what is written is read back, in order, across the wrap-around", () => {
  const channel = openChannel(createBuffer());
  const first = bytes(RING_BYTES - 10, 1);
  assertEquals(writeSome(channel.out, first, 0), RING_BYTES - 10);
  assertEquals(readAll(channel.out)?.length, RING_BYTES - 10);
  const second = bytes(100, 2); // wraps past the end of the ring
  writeBlocking(channel.out, second);
  assertEquals(pending(channel.out), 100);
  assertEquals(Array.from(readAll(channel.out) ?? []), Array.from(second));
  assertEquals(readAll(channel.out), null);
});

Deno.test("a read into a scratch buffer is a view of it, across the wrap-around", () => {
  const channel = openChannel(createBuffer());
  const scratch = new Uint8Array(RING_BYTES);
  writeSome(channel.out, bytes(RING_BYTES - 3, 5), 0);
  assertEquals(readAll(channel.out, scratch)?.length, RING_BYTES - 3);
  const wrapped = bytes(40, 6);
  writeBlocking(channel.out, wrapped);
  const read = readAll(channel.out, scratch);
  assertEquals(read?.buffer, scratch.buffer); // no new memory
  assertEquals(Array.from(read ?? []), Array.from(wrapped));
  assertEquals(readAll(channel.out, scratch), null);
});

Deno.test("a full ring takes nothing more until it is read", () => {
  const channel = openChannel(createBuffer());
  const big = bytes(RING_BYTES + 5, 3);
  assertEquals(writeSome(channel.in, big, 0), RING_BYTES);
  assertEquals(writeSome(channel.in, big, RING_BYTES), 0);
  assertEquals(readAll(channel.in)?.length, RING_BYTES);
  assertEquals(writeSome(channel.in, big, RING_BYTES), 5);
});

Deno.test("the two directions are independent, and done is one flag", () => {
  const channel = openChannel(createBuffer());
  writeBlocking(channel.out, bytes(10, 4));
  assertEquals([pending(channel.out), pending(channel.in)], [10, 0]);
  assertEquals(isDone(channel), false);
  markDone(channel);
  assertEquals(isDone(channel), true);
});
