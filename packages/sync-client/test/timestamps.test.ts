import { describe, expect, it } from 'vitest';
import { compareTimestamps } from '../src/timestamps.ts';

describe('compareTimestamps', () => {
  it('orders ISO timestamps by time, oldest first', () => {
    const times = ['2026-12-07T10:00:00.000Z', '2025-01-01T00:00:00.000Z', '2026-12-07T09:59:59.999Z'];
    expect([...times].sort(compareTimestamps)).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2026-12-07T09:59:59.999Z',
      '2026-12-07T10:00:00.000Z',
    ]);
    expect(compareTimestamps('2026-12-07T10:00:00.000Z', '2026-12-07T10:00:00.000Z')).toBe(0);
  });
});
