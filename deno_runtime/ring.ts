/**
 * The channel between the worker and the supervisor: two byte rings in one
 * SharedArrayBuffer that only those two hold.
 *
 * The buffer reaches the worker in its start message, before the script
 * exists, and lives in the prelude's closure: a script cannot post into the
 * channel, read it, or rewrite what crosses it. Nothing crosses as an event
 * (an event's dispatch consults properties a script can plant on
 * `Object.prototype`), so no property of any object the script can reach takes
 * part. The worker writes whole JSON-RPC lines into `out`, which the supervisor
 * copies to the host's socket byte for byte; the supervisor copies the host's
 * replies into `in`, where the worker splits them into lines.
 *
 * Each ring has a head (bytes written so far) and a tail (bytes read so far),
 * 32-bit counters that wrap; the writer moves only the head, the reader only
 * the tail, and each notifies the other through `Atomics`. A writer that finds
 * its ring full waits for the reader: the worker blocks (`Atomics.wait`), the
 * supervisor awaits (`Atomics.waitAsync`).
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
const OUT_HEAD = 0;
const OUT_TAIL = 1;
const IN_HEAD = 2;
const IN_TAIL = 3;
/** Set to 1 once the worker has written its final frame. */
const DONE = 4;
/** Never changes: the worker waits on it forever once it has finished. */
const PARKED = 5;

/** One direction of the channel. */
export interface Ring {
  readonly control: Int32Array;
  readonly head: number;
  readonly tail: number;
  readonly buffer: SharedArrayBuffer;
  readonly offset: number;
}

/** Both rings over one buffer, as seen from either side. */
export interface Channel {
  readonly buffer: SharedArrayBuffer;
  readonly control: Int32Array;
  /** Worker -> supervisor: frames for the host. */
  readonly out: Ring;
  /** Supervisor -> worker: the host's replies. */
  readonly in: Ring;
}

/** A new channel's buffer (the supervisor makes it and sends it to the worker). */
export function createBuffer(): SharedArrayBuffer {
  return new SharedArrayBufferCtor(CONTROL_BYTES + 2 * RING_BYTES);
}

/** The channel over `buffer`. */
export function openChannel(buffer: SharedArrayBuffer): Channel {
  const control = new Int32ArrayCtor(buffer, 0, CONTROL_BYTES / 4);
  return {
    buffer,
    control,
    out: {
      control,
      head: OUT_HEAD,
      tail: OUT_TAIL,
      buffer,
      offset: CONTROL_BYTES,
    },
    in: {
      control,
      head: IN_HEAD,
      tail: IN_TAIL,
      buffer,
      offset: CONTROL_BYTES + RING_BYTES,
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

/**
 * Everything waiting in the ring, copied out (null when it is empty): into a new
 * array, or into `scratch` (`RING_BYTES` long, always room enough) as a view of it
 * that is valid until the next read into the same scratch. Reusing one scratch
 * spares a reader that is done with each read before the next one (the
 * supervisor) fresh memory for every byte that crosses.
 */
export function readAll(
  ring: Ring,
  scratch: Uint8Array | null = null,
): Uint8Array | null {
  const tail = AtomicsLoad(ring.control, ring.tail);
  const size = (AtomicsLoad(ring.control, ring.head) - tail) | 0;
  if (size === 0) return null;
  const out = scratch === null ? new Uint8ArrayCtor(size) : new Uint8ArrayCtor(
    TypedArrayPrototypeGetBuffer(scratch),
    TypedArrayPrototypeGetByteOffset(scratch),
    size,
  );
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
 * Write all of `bytes`, blocking this thread while the ring is full (the
 * worker's side: the supervisor drains on its own thread). The reader is
 * notified before each wait and, with `notify`, at the end: the parts of one
 * frame wake it once.
 */
export function writeBlocking(
  ring: Ring,
  bytes: Uint8Array,
  notify = true,
): void {
  const size = TypedArrayPrototypeGetLength(bytes);
  let from = 0;
  while (from < size) {
    const written = writeSome(ring, bytes, from, false);
    if (written === 0) {
      AtomicsNotify(ring.control, ring.head);
      AtomicsWait(
        ring.control,
        ring.tail,
        AtomicsLoad(ring.control, ring.tail),
        50,
      );
    }
    from += written;
  }
  if (notify) AtomicsNotify(ring.control, ring.head);
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
  AtomicsNotify(channel.control, OUT_HEAD);
}

/** Whether the worker has written its final frame. */
export function isDone(channel: Channel): boolean {
  return AtomicsLoad(channel.control, DONE) === 1;
}

/** Block this thread for good (the worker, once finished: no script code runs again). */
export function park(channel: Channel): never {
  while (true) AtomicsWait(channel.control, PARKED, 0);
}

/** The head or tail value now. */
export function position(ring: Ring, index: "head" | "tail"): number {
  return AtomicsLoad(ring.control, ring[index]);
}
