/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits, from
 * the Web Crypto API (browsers, the phone, Node). For new keys: rows made together land on the
 * same, last pages of their indexes instead of a random page each (on the server, each page
 * first written after a checkpoint costs a full 8 kB image in the WAL, bench/RESULTS.md). Any
 * UUID is still accepted wherever one is read.
 */
export function uuidv7(now = Date.now()): string {
  const bytes = new Uint8Array(16);
  bytes.set(randomBytes(RANDOM_BYTES), 6);
  let time = now;
  for (let index = 5; index >= 0; index -= 1) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let hex = '';
  for (const byte of bytes) hex += HEX[byte];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Bytes 6 to 15: the version and variant bits are set over four of them. */
const RANDOM_BYTES = 10;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * Random bytes are drawn 4 kB at a time and handed out in order, each once: a call to
 * getRandomValues costs about 2.5 µs in Node whatever its size, and a phone push makes four ids
 * an order (as Node's own randomUUID keeps a pool).
 */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let used = 0;

/** The next `count` bytes of the pool, never handed out before. */
function randomBytes(count: number): Uint8Array {
  if (used + count > pool.length) {
    pool = webCrypto().getRandomValues(new Uint8Array(POOL_BYTES));
    used = 0;
  }
  used += count;
  return pool.subarray(used - count, used);
}

/** The Web Crypto API every runtime of ours has (this package is built without DOM or Node types). */
function webCrypto(): { getRandomValues<T extends Uint8Array>(array: T): T } {
  return (globalThis as unknown as { crypto: { getRandomValues<T extends Uint8Array>(array: T): T } }).crypto;
}
