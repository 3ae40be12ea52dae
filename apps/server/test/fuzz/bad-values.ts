import fc from 'fast-check';

/**
 * Values that are wrong for about any field: wrong types, control characters, huge strings and
 * numbers, bad UUIDs and dates, odd text.
 */

const CONTROL_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufeff',
];

/** Text with NUL and other control characters, lone surrogates, and some ordinary letters. */
export const controlText = fc.string({
  unit: fc.constantFrom(...CONTROL_CHARACTERS, '\ud800', '\udfff', 'a', 'é', ' ', '0'),
  minLength: 1,
  maxLength: 12,
});

const hugeText = fc
  .constantFrom(1_000, 70_000, 1_100_000)
  .chain((size) => fc.constantFrom('x'.repeat(size), `${'\u0000'.repeat(size / 1000)}x`, '9'.repeat(size)));

const HUGE_NUMBERS = [
  1e308,
  -1e308,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  2 ** 63,
  5e-324,
  -0,
  0.5,
  -1,
  0,
];

const BAD_UUIDS = [
  'not-a-uuid',
  '00000000-0000-4000-8000-00000000000g',
  '00000000-0000-4000-8000-0000000000000',
  '{00000000-0000-4000-8000-000000000000}',
  '00000000000040008000000000000000',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-4000-8000-000000000000\u0000',
];

const BAD_DATES = [
  '2024-02-30',
  '2023-02-29',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '275760-09-13',
  '-000001-01-01',
  '2024-1-1',
  '2024-01-01T00:00:00',
  '2024-01-01T24:00:00Z',
  '2024-01-01T00:00:00+25:00',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '2024-01-01T00:00:00.0000000000001Z',
];

const ODD_TEXT = [
  '',
  ' ',
  'null',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '99999999999999999999999999',
  "' OR 1=1 --",
  '%00',
  '%',
  '\\',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '😀'.repeat(40),
  'x'.repeat(300),
];

/** A value that is wrong for about any field. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: controlText },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...HUGE_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_UUIDS, ...BAD_DATES, ...ODD_TEXT) },
  { weight: 1, arbitrary: hugeText },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { '': 1 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
