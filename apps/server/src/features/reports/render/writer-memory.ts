import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What keeps a big export's memory flat where pdfkit and exceljs would keep everything they wrote
 * until the file ends (bench/RESULTS.md, "Server memory under a 128 MB heap": a 100 000-order PDF
 * ran out of a 128 MB heap before). Each reaches into a private part of the library: an upgrade
 * that renames one would silently undo it, so `writer-memory.test.ts` checks on the installed
 * versions that every part is still where these functions look.
 */

/** pdfkit's word layouts are kept this many pages (forgetLayouts). */
export const LAYOUT_CACHE_PAGES = 10;

/**
 * pdfkit remembers the layout of every word it has drawn, per font and per document, and never
 * forgets: a list of 100 000 orders (each number, phone and client a word of its own) filled a
 * 128 MB heap with some 180 000 glyph runs. The cache is emptied every LAYOUT_CACHE_PAGES pages, so
 * it holds a few thousand words, and the statuses, amounts and dates that pages repeat are still
 * laid out once (without the cache, or emptied at every page, a list took 15 to 40 % more CPU).
 */
export function forgetLayouts(doc: PDFKit.PDFDocument): void {
  for (const font of Object.values(fontFamilies(doc))) {
    if (font.layoutCache) font.layoutCache = Object.create(null) as object;
  }
}

/** pdfkit's fonts of a document (private: `_fontFamilies`), each with its word layouts. */
export function fontFamilies(doc: PDFKit.PDFDocument): Record<string, { layoutCache?: object }> {
  return (doc as unknown as { _fontFamilies: Record<string, { layoutCache?: object }> })._fontFamilies;
}

/**
 * An unbuffered page, once `addPage` has written it out: pdfkit still lists it in the page tree,
 * which needs only its object number, and its dictionary's `data` would keep the page's content
 * and resource objects for the rest of the document (some 1.4 KB a page).
 */
export function releaseWrittenPage(dictionary: PDFKit.PDFKitReference): void {
  (dictionary as unknown as { data: object }).data = {};
}

/**
 * exceljs's sheet stream (lib/utils/stream-buf.js): its 64 KB buffers, and the zip entry it feeds,
 * a PassThrough of readable-stream 2 (no writableLength: its states' lengths are what is queued).
 */
type QueueState = { length: number } | undefined;
export type SheetStream = {
  buffers: unknown[];
  bufSize: number;
  pipes: { _writableState?: QueueState; _readableState?: QueueState }[];
};

/** The stream exceljs writes a worksheet's XML into (private: `stream`). */
export function sheetStream(sheet: object): SheetStream {
  return (sheet as { stream: SheetStream }).stream;
}

/**
 * exceljs queues a sheet's XML without limit until the zip has deflated it (in its own buffers,
 * then in the deflate stream's): rows came faster than zlib took them, and a sheet of 100 000
 * orders queued some 50 MB outside the heap (waitForRoom sees only the zipped output). Waits
 * until less than `limitBytes` of XML is queued, or the output was destroyed.
 */
export async function waitForZip(sheet: object, output: Readable, limitBytes = 1 << 20): Promise<void> {
  while (!output.destroyed && queuedXmlBytes(sheet) > limitBytes) await sleep(2);
}

/** The bytes of a sheet's XML not yet taken by the zip. */
export function queuedXmlBytes(sheet: object): number {
  const stream = sheetStream(sheet);
  return (
    stream.buffers.length * stream.bufSize +
    stream.pipes.reduce(
      (sum, pipe) => sum + (pipe._writableState?.length ?? 0) + (pipe._readableState?.length ?? 0),
      0,
    )
  );
}
