/**
 * The channel between the worker and the supervisor: one byte ring and a few
 * flags in a SharedArrayBuffer that only those two hold.
 *
 * The buffer reaches the worker in its start message, before the script
 * exists, and lives in the prelude's closure: a script cannot post into the
 * channel, read it, or rewrite what crosses it. Nothing crosses as an event
 * (an event's dispatch consults properties a script can plant on
 * `Object.prototype`), so no property of any object the script can reach takes
 * part. The supervisor copies the host's bytes (the start frame, then tool
 * replies) into `in`, where the worker splits them into lines. The worker's
 * own frames do not cross here: it writes them to the process's stdout, the
 * host's pipe (`link.ts`); the flags say when it is in the middle of one and
 * when it has written its last.
 *
 * The ring has a head (bytes written so far) and a tail (bytes read so far),
 * 32-bit counters that wrap; the writer moves only the head, the reader only
 * the tail, and each notifies the other through `Atomics`. The supervisor,
 * finding the ring full, awaits the worker (`Atomics.waitAsync`).
 *
 * @module
 */
import {
  AtomicsLoad,
  AtomicsNotify,
  AtomicsStore,
  AtomicsWait,
  AtomicsWaitAsync,
  Int32ArrayCtor,
  MathMin,
  SharedArrayBufferCtor,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeSet,
  Uint8ArrayCtor,
} from "./primordials.ts";

/** Bytes in each ring (a power of two). */
export const RING_BYTES = 1 << 22;
const MASK = RING_BYTES - 1;
const CONTROL_BYTES = 64;

/** Control slots (Int32 indices). */
const IN_HEAD = 2;
const IN_TAIL = 3;
/** Set to 1 once the worker has written its final frame. */
const DONE = 4;
/** Never changes: the worker waits on it forever once it has finished. */
const PARKED = 5;
/** 1 while the worker has written part of a frame to stdout and not its end. */
const MID_FRAME = 6;
/** The length of the execution's seal, whose bytes follow the slots. */
const SEAL_LENGTH = 7;
const SEAL_OFFSET = 32;
const SEAL_MAX_BYTES = CONTROL_BYTES - SEAL_OFFSET;

/** One direction of the channel. */
export interface Ring {
  readonly control: Int32Array;
  readonly head: number;
  readonly tail: number;
  readonly buffer: SharedArrayBuffer;
  readonly offset: number;
}

/** The ring and flags over one buffer, as seen from either side. */
export interface Channel {
  readonly buffer: SharedArrayBuffer;
  readonly control: Int32Array;
  /** Supervisor -> worker: the host's start frame and replies. */
  readonly in: Ring;
}

/** A new channel's buffer (the supervisor makes it and sends it to the worker). */
export function createBuffer(): SharedArrayBuffer {
  return new SharedArrayBufferCtor(CONTROL_BYTES + RING_BYTES);
}

/** The channel over `buffer`. */
export function openChannel(buffer: SharedArrayBuffer): Channel {
  const control = new Int32ArrayCtor(buffer, 0, CONTROL_BYTES / 4);
  return {
    buffer,
    control,
    in: {
      control,
      head: IN_HEAD,
      tail: IN_TAIL,
      buffer,
      offset: CONTROL_BYTES,
    },
  };
}

/** Bytes waiting to be read. */
export function pending(ring: Ring): number {
  return (AtomicsLoad(ring.control, ring.head) -
    AtomicsLoad(ring.control, ring.tail)) | 0;
}

/**
 * Copy as much of `bytes[from..]` as fits; return how many bytes were written
 * (0 when the ring is full). The reader is notified.
 */
export function writeSome(
  ring: Ring,
  bytes: Uint8Array,
  from: number,
  notify = true,
): number {
  const head = AtomicsLoad(ring.control, ring.head);
  const free = RING_BYTES - ((head - AtomicsLoad(ring.control, ring.tail)) | 0);
  const size = MathMin(free, TypedArrayPrototypeGetLength(bytes) - from);
  if (size <= 0) return 0;
  const start = head & MASK;
  const first = MathMin(size, RING_BYTES - start);
  copyInto(ring, start, bytes, from, first);
  if (first < size) copyInto(ring, 0, bytes, from + first, size - first);
  AtomicsStore(ring.control, ring.head, (head + size) | 0);
  if (notify) AtomicsNotify(ring.control, ring.head);
  return size;
}

function copyInto(
  ring: Ring,
  at: number,
  bytes: Uint8Array,
  from: number,
  size: number,
): void {
  const target = new Uint8ArrayCtor(ring.buffer, ring.offset + at, size);
  const source = from === 0 && size === TypedArrayPrototypeGetLength(bytes)
    ? bytes
    : new Uint8ArrayCtor(
      TypedArrayPrototypeGetBuffer(bytes),
      TypedArrayPrototypeGetByteOffset(bytes) + from,
      size,
    );
  TypedArrayPrototypeSet(target, source, 0);
}

/** Everything waiting in the ring, copied out into a new array (null when it is empty). */
export function readAll(ring: Ring): Uint8Array | null {
  const tail = AtomicsLoad(ring.control, ring.tail);
  const size = (AtomicsLoad(ring.control, ring.head) - tail) | 0;
  if (size === 0) return null;
  const out = new Uint8ArrayCtor(size);
  const start = tail & MASK;
  const first = MathMin(size, RING_BYTES - start);
  TypedArrayPrototypeSet(
    out,
    new Uint8ArrayCtor(ring.buffer, ring.offset + start, first),
    0,
  );
  if (first < size) {
    TypedArrayPrototypeSet(
      out,
      new Uint8ArrayCtor(ring.buffer, ring.offset, size - first),
      first,
    );
  }
  AtomicsStore(ring.control, ring.tail, (tail + size) | 0);
  AtomicsNotify(ring.control, ring.tail);
  return out;
}

/**
 * Resolve once the ring's `index` slot differs from `seen` (or is notified):
 * null if it already differs.
 */
export function changed(
  ring: Ring,
  index: "head" | "tail",
  seen: number,
): Promise<unknown> | null {
  const waited = AtomicsWaitAsync(ring.control, ring[index], seen);
  return waited.async ? waited.value : null;
}

/** The worker has written its final frame. */
export function markDone(channel: Channel): void {
  AtomicsStore(channel.control, DONE, 1);
  AtomicsNotify(channel.control, DONE);
}

/** Resolve once the worker has written its final frame (null if it has already). */
export function done(channel: Channel): Promise<unknown> | null {
  const waited = AtomicsWaitAsync(channel.control, DONE, 0);
  return waited.async ? waited.value : null;
}

/** The worker begins (`true`) or ends (`false`) writing one frame in parts. */
export function markMidFrame(channel: Channel, mid: boolean): void {
  AtomicsStore(channel.control, MID_FRAME, mid ? 1 : 0);
}

/**
 * Keep the execution's seal (from the start frame) where the supervisor finds
 * it for a crash report; one longer than the room left is not kept.
 */
export function storeSeal(channel: Channel, seal: Uint8Array): void {
  const size = TypedArrayPrototypeGetLength(seal);
  if (size > SEAL_MAX_BYTES) return;
  TypedArrayPrototypeSet(
    new Uint8ArrayCtor(channel.buffer, SEAL_OFFSET, size),
    seal,
    0,
  );
  AtomicsStore(channel.control, SEAL_LENGTH, size);
}

/** The execution's seal, as the worker kept it (empty before the start frame). */
export function loadSeal(channel: Channel): Uint8Array {
  const size = AtomicsLoad(channel.control, SEAL_LENGTH);
  const seal = new Uint8ArrayCtor(size);
  TypedArrayPrototypeSet(
    seal,
    new Uint8ArrayCtor(channel.buffer, SEAL_OFFSET, size),
    0,
  );
  return seal;
}

/** Whether the worker stopped in the middle of a frame. */
export function isMidFrame(channel: Channel): boolean {
  return AtomicsLoad(channel.control, MID_FRAME) === 1;
}

/** Block this thread for good (the worker, once finished: no script code runs again). */
export function park(channel: Channel): never {
  while (true) AtomicsWait(channel.control, PARKED, 0);
}

/** The head or tail value now. */
export function position(ring: Ring, index: "head" | "tail"): number {
  return AtomicsLoad(ring.control, ring[index]);
}
