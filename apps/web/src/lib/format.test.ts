import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatAmount, formatDate, formatDateTime, formatNumber } from './format.ts';
import { applySettings, getSettings } from './settings.ts';

const initial = getSettings();
afterEach(() => {
  applySettings(initial);
});

// Instants around the day's and the year's edges, and plain ones.
const instants = [
  '2026-11-21T14:05:00.000Z',
  '2026-11-21T00:00:00.000Z',
  '2026-11-21T23:59:59.999Z',
  '2026-01-01T00:30:00.000Z',
  '2025-12-31T23:59:00.000Z',
  '2024-02-29T12:00:00.000Z',
  '2026-07-04T09:07:00.000Z',
];

function intl(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions, value: Date) {
  return new Intl.DateTimeFormat(locale, { timeZone, ...options }).format(value).replace(',', '');
}

// The app writes dates the same in French (fr-FR) and English (en-GB): day/month/year, 24 h.
const dateTime: Intl.DateTimeFormatOptions = {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
};
const dateOnly: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit', year: 'numeric' };

describe('dates in a UTC+0 business zone are written without Intl, exactly as Intl writes them', () => {
  for (const timeZone of ['Africa/Ouagadougou', 'Africa/Abidjan', 'UTC']) {
    it(timeZone, () => {
      applySettings({ ...initial, time_zone: timeZone });
      for (const instant of instants) {
        const date = new Date(instant);
        for (const locale of ['fr-FR', 'en-GB']) {
          expect(formatDateTime(instant)).toBe(intl(locale, timeZone, dateTime, date));
          expect(formatDate(instant)).toBe(intl(locale, timeZone, dateOnly, date));
        }
      }
      // A bare calendar date is that day, whatever the zone.
      expect(formatDate('2026-11-21')).toBe('21/11/2026');
    });
  }

  it('constructs no Intl.DateTimeFormat for them (its first one loads the time-zone data)', () => {
    // A zone no other test formats in, so nothing is cached for it.
    applySettings({ ...initial, time_zone: 'Africa/Dakar' });
    const constructed = vi.spyOn(Intl, 'DateTimeFormat');
    try {
      formatDateTime('2026-11-21T14:05:00.000Z');
      formatDate('2026-11-21T14:05:00.000Z');
      expect(constructed).not.toHaveBeenCalled();
    } finally {
      constructed.mockRestore();
    }
  });

  it('still goes through Intl for a zone with an offset', () => {
    applySettings({ ...initial, time_zone: 'Africa/Lagos' });
    expect(formatDateTime('2026-11-21T23:30:00.000Z')).toBe('22/11/2026 00:30');
  });
});

describe('formatNumber', () => {
  it('writes whole numbers exactly as Intl.NumberFormat fr-FR does', () => {
    const intl = new Intl.NumberFormat('fr-FR');
    const values = [0, -0, 5, 999, 1000, 1500, 9999, 10_000, 12_500, 123_456, 1_234_567, -1500, -12_500];
    for (const value of [...values, Number.MAX_SAFE_INTEGER, 2 ** 31]) {
      expect(formatNumber(value)).toBe(intl.format(value));
    }
    expect(formatAmount(12_500)).toBe(`${intl.format(12_500)}\u00a0FCFA`);
    expect(formatNumber(1234.5)).toBe(intl.format(1234.5));
  });
});
