import { describe, expect, it } from 'vitest';
import {
  isNearlyFull,
  isQuotaError,
  SAVE_FAILED,
  SAVE_FAILED_QUOTA,
  saveFailureMessage,
} from './storage-space.ts';

const MB = 1024 * 1024;

describe('storage nearly full', () => {
  it('warns under 5 MB free or above 95 % used, not before', () => {
    expect(isNearlyFull({ usage: 100 * MB, quota: 104 * MB })).toBe(true); // 4 MB free
    expect(isNearlyFull({ usage: 960 * MB, quota: 1000 * MB })).toBe(true); // 96 % used, 40 MB free
    expect(isNearlyFull({ usage: 100 * MB, quota: 106 * MB })).toBe(false); // 6 MB free, 94 % used
    expect(isNearlyFull({ usage: 10 * MB, quota: 2000 * MB })).toBe(false);
  });

  it('says nothing when the browser does not tell', () => {
    expect(isNearlyFull({})).toBe(false);
    expect(isNearlyFull({ usage: 10 * MB, quota: 0 })).toBe(false);
  });
});

describe('a save refused for lack of space', () => {
  it('is recognised from the browser’s error or Dexie’s wrapper of it', () => {
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: quota })).toBe(true);
    expect(isQuotaError(new Error('quota', { cause: quota }))).toBe(true);
    expect(isQuotaError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });

  it('is named as such to the vendor, with the order kept', () => {
    expect(saveFailureMessage({ name: 'QuotaExceededError' })).toBe(SAVE_FAILED_QUOTA);
    expect(SAVE_FAILED_QUOTA).toContain('Rien n’est perdu');
    expect(saveFailureMessage(new Error('boom'))).toBe(SAVE_FAILED);
  });
});
