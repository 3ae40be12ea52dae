import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from './uuid-v7.ts';

describe('uuidv7', () => {
  it('is a version 7 UUID whose first 48 bits are the time in milliseconds', () => {
    const id = uuidv7(Date.UTC(2026, 11, 7, 12, 0, 0, 123));
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(
      Date.UTC(2026, 11, 7, 12, 0, 0, 123),
    );
  });

  it('sorts by time and never repeats', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('gives ids made in the same millisecond random bits of their own, across refills of its pool', () => {
    // 2 000 ids take 20 000 random bytes: the 4 kB pool is drawn five times.
    const ids = Array.from({ length: 2000 }, () => uuidv7(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBe(1);
    // No byte of the random part is stuck: each of its hex digits takes several values.
    const tails = ids.map((id) => id.replaceAll('-', '').slice(12));
    for (let position = 0; position < 20; position += 1) {
      if (position === 0 || position === 4) continue; // the version and variant digits
      expect(new Set(tails.map((tail) => tail[position])).size, `position ${position}`).toBeGreaterThan(8);
    }
  });
});
