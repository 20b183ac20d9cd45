/**
 * The flags the worker and the supervisor share: a few `Int32` slots and the
 * execution's seal in a SharedArrayBuffer that only those two hold.
 *
 * The buffer reaches the worker in its start message, before the script
 * exists, and lives in the prelude's closure: a script cannot read or set a
 * flag. Nothing crosses as an event (an event's dispatch consults properties a
 * script can plant on `Object.prototype`), so no property of any object the
 * script can reach takes part. The host's bytes do not cross here: the worker
 * reads them from the process's stdin, and writes its frames to its stdout
 * (`link.ts`). The flags say when it is in the middle of a frame and when it
 * has written its last, and keep the seal for the supervisor's crash report.
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
  SharedArrayBufferCtor,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeSet,
  Uint8ArrayCtor,
} from "./primordials.ts";

const CONTROL_BYTES = 64;

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

/** The flags over one buffer, as seen from either side. */
export interface Channel {
  readonly buffer: SharedArrayBuffer;
  readonly control: Int32Array;
}

/** A new channel's buffer (the supervisor makes it and sends it to the worker). */
export function createBuffer(): SharedArrayBuffer {
  return new SharedArrayBufferCtor(CONTROL_BYTES);
}

/** The flags over `buffer`. */
export function openChannel(buffer: SharedArrayBuffer): Channel {
  return { buffer, control: new Int32ArrayCtor(buffer, 0, CONTROL_BYTES / 4) };
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
