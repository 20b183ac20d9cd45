import { assertEquals } from "./test_assert.ts";
import {
  createBuffer,
  done,
  isMidFrame,
  loadSeal,
  markDone,
  markMidFrame,
  openChannel,
  pending,
  readAll,
  RING_BYTES,
  storeSeal,
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
  assertEquals(writeSome(channel.in, first, 0), RING_BYTES - 10);
  assertEquals(readAll(channel.in)?.length, RING_BYTES - 10);
  const second = bytes(100, 2); // wraps past the end of the ring
  assertEquals(writeSome(channel.in, second, 0), 100);
  assertEquals(pending(channel.in), 100);
  assertEquals(Array.from(readAll(channel.in) ?? []), Array.from(second));
  assertEquals(readAll(channel.in), null);
});

Deno.test("a full ring takes nothing more until it is read", () => {
  const channel = openChannel(createBuffer());
  const big = bytes(RING_BYTES + 5, 3);
  assertEquals(writeSome(channel.in, big, 0), RING_BYTES);
  assertEquals(writeSome(channel.in, big, RING_BYTES), 0);
  assertEquals(readAll(channel.in)?.length, RING_BYTES);
  assertEquals(writeSome(channel.in, big, RING_BYTES), 5);
});

Deno.test("done is one flag, and waiting for it ends when it is set", async () => {
  const channel = openChannel(createBuffer());
  const waiting = done(channel);
  assertEquals(waiting === null, false); // not done yet: something to wait for
  markDone(channel);
  assertEquals(await waiting, "ok");
  assertEquals(done(channel), null); // set already: nothing to wait for
});

Deno.test("the mid-frame flag says whether a frame was left unfinished", () => {
  const channel = openChannel(createBuffer());
  assertEquals(isMidFrame(channel), false);
  markMidFrame(channel, true);
  assertEquals(isMidFrame(channel), true);
  markMidFrame(channel, false);
  assertEquals(isMidFrame(channel), false);
});

Deno.test("the seal the worker keeps is the one the supervisor loads", () => {
  const channel = openChannel(createBuffer());
  assertEquals(loadSeal(channel).length, 0); // none before the start frame
  const seal = new TextEncoder().encode("0123456789abcdef");
  storeSeal(channel, seal);
  assertEquals(Array.from(loadSeal(channel)), Array.from(seal));
});
