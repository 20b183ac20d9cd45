/**
 * Text and JSON bounds, built only from captured built-ins (`primordials.ts`):
 * UTF-8 sizes, cutting a text to a byte budget with a marker, and the nesting
 * depth of JSON bytes.
 *
 * @module
 */
import {
  decodeUtf8,
  encodeUtf8,
  MathFloor,
  MathMax,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeIndexOf,
  Uint8ArrayCtor,
} from "./primordials.ts";

/**
 * The UTF-8 size of `text` if it is over `limit` bytes, else 0. A UTF-16 unit
 * takes at most 3 bytes, so text that surely fits is not encoded.
 */
export function bytesOver(text: string, limit: number): number {
  if (text.length * 3 <= limit) return 0;
  const size = TypedArrayPrototypeGetLength(encodeUtf8(text));
  return size > limit ? size : 0;
}

let marker: readonly [string, string] = ["\n[...", "...]\n"];

/** Use the host's spelling of the cut marker (its start parameters give it). */
export function setCutMarker(host: readonly [string, string]): void {
  marker = [host[0], host[1]];
}

/** What stands for the middle of a cut text, spelled as the host spells it. */
export function omitted(bytes: number): string {
  return marker[0] + bytes + marker[1];
}

/** Bytes `start..end` of `bytes`, without a species lookup (`subarray` would make one). */
export function view(
  bytes: Uint8Array,
  start: number,
  end: number,
): Uint8Array {
  return new Uint8ArrayCtor(
    TypedArrayPrototypeGetBuffer(bytes),
    TypedArrayPrototypeGetByteOffset(bytes) + start,
    end - start,
  );
}

/**
 * `text` within `cap` UTF-8 bytes, marker included (unless the cap is smaller
 * than the marker): its head and tail, cut between characters, around a marker
 * that counts the bytes left out.
 */
export function cutText(text: string, cap: number): string {
  if (!bytesOver(text, cap)) return text;
  const bytes = encodeUtf8(text);
  const size = TypedArrayPrototypeGetLength(bytes);
  const room = MathMax(0, cap - omitted(size).length);
  let headEnd = MathFloor(room / 2);
  while (headEnd > 0 && (bytes[headEnd] & 0xc0) === 0x80) headEnd--;
  let tailStart = size - (room - MathFloor(room / 2));
  while (tailStart < size && (bytes[tailStart] & 0xc0) === 0x80) tailStart++;
  return decodeUtf8(view(bytes, 0, headEnd)) + omitted(tailStart - headEnd) +
    decodeUtf8(view(bytes, tailStart, size));
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_ARRAY = 91;
const OPEN_OBJECT = 123;
const CLOSE_ARRAY = 93;
const CLOSE_OBJECT = 125;

/**
 * Whether UTF-8 JSON `bytes` nest arrays and objects deeper than `limit`.
 * Strings are skipped with a native search, so text-heavy data costs little.
 */
export function depthOver(bytes: Uint8Array, limit: number): boolean {
  const size = TypedArrayPrototypeGetLength(bytes);
  if (size <= 2 * limit) return false;
  let depth = 0;
  let i = 0;
  while (i < size) {
    const c = bytes[i];
    if (c === QUOTE) {
      let end = TypedArrayPrototypeIndexOf(bytes, QUOTE, i + 1);
      while (end > 0) {
        let slashes = 0;
        while (bytes[end - 1 - slashes] === BACKSLASH) slashes++;
        if ((slashes & 1) === 0) break;
        end = TypedArrayPrototypeIndexOf(bytes, QUOTE, end + 1);
      }
      if (end < 0) return false; // not JSON: the host refuses it anyway
      i = end + 1;
      continue;
    }
    if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
    i++;
  }
  return false;
}
