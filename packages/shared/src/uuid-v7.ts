/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits, from
 * the Web Crypto API (browsers, the phone, Node). For new keys: rows made together land on the
 * same, last pages of their indexes instead of a random page each (on the server, each page
 * first written after a checkpoint costs a full 8 kB image in the WAL, bench/RESULTS.md). Any
 * UUID is still accepted wherever one is read.
 */
export function uuidv7(now = Date.now()): string {
  const bytes = webCrypto().getRandomValues(new Uint8Array(16));
  let time = now;
  for (let index = 5; index >= 0; index -= 1) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The Web Crypto API every runtime of ours has (this package is built without DOM or Node types). */
function webCrypto(): { getRandomValues<T extends Uint8Array>(array: T): T } {
  return (globalThis as unknown as { crypto: { getRandomValues<T extends Uint8Array>(array: T): T } }).crypto;
}
