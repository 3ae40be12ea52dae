import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { pdfFonts } from './pdf-fonts.ts';
import {
  fontFamilies,
  queuedXmlBytes,
  releaseWrittenPage,
  sheetStream,
  waitForZip,
} from './writer-memory.ts';

// The private parts of pdfkit and exceljs that keep an export's memory flat, checked on the
// installed versions: an upgrade that moves one fails here instead of filling the heap again.
describe('the writers’ private parts the exports rely on', () => {
  it('pdfkit: each font’s word layouts, and a written page’s dictionary', () => {
    const doc = new PDFDocument({ autoFirstPage: true });
    doc.pipe(new PassThrough()).resume();
    doc.registerFont('Noto', pdfFonts().regular as unknown as Buffer);
    doc.font('Noto').text('Commande CMD-0001 livrée');
    // The embedded face remembers the words drawn with it (the standard Helvetica has no cache).
    const layouts = Object.values(fontFamilies(doc)).map((font) => font.layoutCache);
    expect(layouts.some((cache) => cache !== undefined && Object.keys(cache).length > 0)).toBe(true);

    const written = doc.page.dictionary;
    const data = (written as unknown as { data: { Contents?: unknown; Resources?: unknown } }).data;
    expect(data.Contents).toBeDefined();
    expect(data.Resources).toBeDefined();
    doc.addPage();
    releaseWrittenPage(written);
    doc.end();
    expect((written as unknown as { data: object }).data).toEqual({});
  });

  it('exceljs: a sheet’s queued XML, which waitForZip lets drain below the limit', async () => {
    const output = new PassThrough();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false });
    const sheet = workbook.addWorksheet('Commandes');
    const stream = sheetStream(sheet);
    expect(Array.isArray(stream.buffers)).toBe(true);
    expect(stream.bufSize).toBeGreaterThan(0);
    expect(Array.isArray(stream.pipes)).toBe(true);

    // Nobody reads the file yet: the sheet's XML piles up in front of the zip.
    for (let row = 0; row < 20_000; row += 1) {
      sheet.addRow([`CMD-${row}`, 'Client', 'Koudougou', row * 1000]).commit();
    }
    const queued = () => queuedXmlBytes(sheet);
    expect(queued()).toBeGreaterThan(1 << 20);

    output.resume();
    await waitForZip(sheet, output);
    expect(queued()).toBeLessThanOrEqual(1 << 20);
    sheet.commit();
    await workbook.commit();
  });
});
