import type { Movement } from '@gapal/shared';

const COLUMNS: Array<keyof Movement> = [
  'id',
  'created_at',
  'site_id',
  'product_id',
  'product_name',
  'lot_id',
  'lot_code',
  'type',
  'quantity',
  'stock_before',
  'stock_after',
  'lot_before',
  'lot_after',
  'reference',
  'order_id',
  'user_id',
  'username',
  'device_id',
  'reason',
  'expired_override',
];

export const CSV_HEADER = `${COLUMNS.join(',')}\r\n`;

export function csvLine(movement: Movement): string {
  return `${COLUMNS.map((column) => csvField(movement[column])).join(',')}\r\n`;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  // Free text opened in a spreadsheet must not run as a formula.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
