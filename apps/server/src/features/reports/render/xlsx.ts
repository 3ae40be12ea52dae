import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { renderWithTurns, waitForRoom } from './backpressure.ts';
import { waitForZip } from './writer-memory.ts';

export type XlsxKind = 'text' | 'int' | 'amount' | 'date' | 'datetime';
export type XlsxValue = string | number | Date | null | undefined;
export type XlsxColumn<T> = { header: string; width?: number; kind?: XlsxKind; value: (row: T) => XlsxValue };

export type XlsxSheet<T> = {
  /** Writes rows out at once; false when the client went away (stop producing). */
  add(rows: Iterable<T>): Promise<boolean>;
  commit(): void;
};
export type XlsxBook = { sheet<T>(name: string, columns: XlsxColumn<T>[]): XlsxSheet<T> };

const FORMATS: Record<XlsxKind, string | undefined> = {
  text: undefined,
  int: '#,##0',
  amount: '#,##0',
  date: 'dd/mm/yyyy',
  datetime: 'dd/mm/yyyy hh:mm',
};

/**
 * An .xlsx file written by exceljs's streaming writer: each row is zipped and sent as soon as
 * it is committed, so a year of orders is never held in memory. Sheets are written one after
 * the other (commit one before opening the next).
 */
export function xlsxStream(
  build: (book: XlsxBook) => Promise<void>,
  onError: (error: unknown) => void,
): Readable {
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Gapal';
  const book: XlsxBook = {
    sheet<T>(name: string, columns: XlsxColumn<T>[]): XlsxSheet<T> {
      const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = columns.map((column) => ({
        header: column.header,
        width: column.width ?? 14,
        style: FORMATS[column.kind ?? 'text'] ? { numFmt: FORMATS[column.kind ?? 'text'] } : {},
      }));
      const header = sheet.getRow(1);
      header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
      header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF14532D' } };
      sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
      header.commit();
      return {
        async add(rows) {
          await renderWithTurns(rows, (row) => {
            sheet.addRow(columns.map((column) => column.value(row) ?? null)).commit();
          });
          await waitForZip(sheet, output);
          return waitForRoom(output);
        },
        commit: () => sheet.commit(),
      };
    },
  };
  build(book)
    .then(() => workbook.commit())
    .catch((error: unknown) => {
      onError(error);
      output.destroy(error as Error);
    });
  return output;
}
