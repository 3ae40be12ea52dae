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
});
