import { assertEquals } from "./test_assert.ts";
import {
  createBuffer,
  done,
  isMidFrame,
  loadSeal,
  markDone,
  markMidFrame,
  openChannel,
  storeSeal,
} from "./flags.ts";

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
