import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { pdfPages } from '../test-helpers.ts';
import { ReportPdf } from './pdf-document.ts';
import { fontFamilies } from './writer-memory.ts';

/** A test report, and its bytes once pdfkit has written them. */
function testReport(): { pdf: ReportPdf; bytes: Promise<Buffer> } {
  const pdf = new ReportPdf({
    businessName: 'Gapal du Faso',
    title: 'Essai',
    meta: [],
    generatedAt: '07/12/2026 09:00',
    bufferPages: false,
  });
  return { pdf, bytes: buffer(pdf.output) };
}

/** A one-note report's bytes. */
async function reportWith(text: string): Promise<Buffer> {
  const { pdf, bytes } = testReport();
  pdf.note(text);
  pdf.end();
  return bytes;
}

describe('report PDF documents', () => {
  it('keep every character in their text after other documents of the same process', async () => {
    // The first document draws glyphs made of other glyphs ("…" of three dots, accented letters),
    // which pdfkit's subsetting reads part by part.
    const first = (await pdfPages(await reportWith('Lait caillé… Façade, élève, Ŋɔgo'))).join('');
    expect(first).toContain('Lait caillé… Façade, élève, Ŋɔgo');
    // The same parts drawn alone in a later document keep their characters (copy, search).
    const later = (await pdfPages(await reportWith('Paiement (réf. OM123) e c g'))).join('');
    expect(later).toContain('Paiement (réf. OM123) e c g');
  });

  it('draw « ff », « fi », « fl » joined and keep their letters in the text', async () => {
    const text = (await pdfPages(await reportWith('Maquis Griffon, Officiel, flan, affluence'))).join('');
    expect(text).toContain('Maquis Griffon, Officiel, flan, affluence');
  });

  it('forget the words of earlier pages, so a long list keeps a flat heap', async () => {
    const { pdf, bytes } = testReport();
    const table = pdf.beginTable<number>([
      { header: 'N° commande', width: 1, value: (row) => `CMD-${row}` },
      { header: 'Statut', width: 1, value: (row) => (row % 2 ? 'Livrée' : 'Annulée') },
    ]);
    // Some 40 pages, each order number a word of its own.
    const rows = 2000;
    for (let row = 0; row < rows; row += 1) table.row(row);
    table.end();
    // pdfkit's word layouts of each font (a private field: the one that filled the heap).
    const fonts = Object.values(fontFamilies(pdf.output));
    const remembered = Math.max(...fonts.map((font) => Object.keys(font.layoutCache ?? {}).length));
    pdf.end();
    expect((await pdfPages(await bytes)).length).toBeGreaterThan(30);
    expect(remembered).toBeGreaterThan(0);
    expect(remembered).toBeLessThan(rows / 2);
  });
});
