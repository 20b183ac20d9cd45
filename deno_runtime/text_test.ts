import { assertEquals } from "./test_assert.ts";
import {
  bytesOver,
  cutText,
  depthOver,
  omitted,
  setCutMarker,
} from "./text.ts";

setCutMarker(["\n[... ", " bytes omitted ...]\n"]);

const encoder = new TextEncoder();

Deno.test("bytesOver measures UTF-8, and only text that may be over", () => {
  assertEquals(bytesOver("abc", 3), 0);
  assertEquals(bytesOver("é".repeat(4), 7), 8);
  assertEquals(bytesOver("中", 3), 0);
});

Deno.test("cutText keeps head and tail within the cap, cut between characters", () => {
  const text = "é" + "中".repeat(100) + "é";
  const cut = cutText(text, 80);
  assertEquals(encoder.encode(cut).length <= 80, true);
  assertEquals(cut.includes("bytes omitted"), true);
  assertEquals(cut.startsWith("é中"), true);
  assertEquals(cut.endsWith("中é"), true);
  assertEquals(cutText("short", 80), "short");
});

Deno.test("the marker counts the bytes left out", () => {
  const cut = cutText("a".repeat(1000), 100);
  const marker = omitted(1000 - (100 - omitted(1000).length));
  assertEquals(cut.includes(marker), true);
});

Deno.test("depthOver counts nesting outside strings only", () => {
  const deep = "[".repeat(300) + "]".repeat(300);
  assertEquals(depthOver(encoder.encode(deep), 256), true);
  assertEquals(depthOver(encoder.encode(deep), 300), false);
  const quoted = JSON.stringify(["[".repeat(1000), '\\"[[[', { a: "{{{{" }]);
  assertEquals(depthOver(encoder.encode(quoted), 2), false);
  const escaped = JSON.stringify({ a: 'x\\"' + "[".repeat(600) });
  assertEquals(depthOver(encoder.encode(escaped), 1), false);
});
