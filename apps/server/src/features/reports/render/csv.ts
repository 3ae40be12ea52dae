import { Readable } from 'node:stream';

export type CsvValue = string | number | boolean | null | undefined;
export type CsvColumn<T> = { header: string; value: (row: T) => CsvValue };
export type CsvSeparator = ',' | ';';

/** Excel reads a file as UTF-8 (accents intact) only when it starts with a byte-order mark. */
const BOM = '\uFEFF';

export function csvSeparator(option: 'comma' | 'semicolon'): CsvSeparator {
  return option === 'semicolon' ? ';' : ',';
}

/** A CSV file streamed batch by batch: header row, CRLF line ends, RFC 4180 quoting. */
export function csvStream<T>(
  columns: CsvColumn<T>[],
  batches: AsyncIterable<T[]>,
  separator: CsvSeparator,
): Readable {
  async function* lines() {
    yield `${BOM}${columns.map((column) => csvField(column.header, separator)).join(separator)}\r\n`;
    for await (const rows of batches) {
      let chunk = '';
      for (const row of rows) {
        chunk += `${columns.map((column) => csvField(column.value(row), separator)).join(separator)}\r\n`;
      }
      if (chunk) yield chunk;
    }
  }
  return Readable.from(lines());
}

export function csvField(value: CsvValue, separator: CsvSeparator): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  // Free text opened in a spreadsheet must not run as a formula; phone numbers (`+226 …`) are safe.
  const isFormula = /^[=+\-@\t\r]/.test(value) && !/^\+?[0-9][0-9 .-]*$/.test(value);
  const safe = isFormula ? `'${value}` : value;
  return safe.includes(separator) || /["\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
