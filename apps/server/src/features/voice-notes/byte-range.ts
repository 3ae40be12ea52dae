/** One byte range of a resource, both ends included (as in `Content-Range`). */
export type ByteRange = { start: number; end: number };

/**
 * What a `Range` header asks of a resource of `size` bytes (RFC 9110 §14): `undefined` to send
 * it whole (no header, another unit, several ranges, or a header that does not parse: all may be
 * ignored), `'unsatisfiable'` for a range that starts past the end (416), or the one range,
 * clamped to the resource. Forms: `bytes=0-99`, `bytes=100-` (open-ended), `bytes=-100` (the last 100).
 */
export function parseByteRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end: Math.min(end, size - 1) };
}
