import { describe, expect, it } from 'vitest';
import { formatNumber } from './format-number.ts';

describe('formatNumber', () => {
  it('groups whole numbers by three with a plain space, and rounds', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(12_500)).toBe('12 500');
    expect(formatNumber(1_234_567)).toBe('1 234 567');
    expect(formatNumber(-2_500)).toBe('-2 500');
    expect(formatNumber(1_499.6)).toBe('1 500');
  });
});
