import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { seedOrder, seedProduct, unique } from './support/api.ts';
import { screenshot } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN } from './support/gapal-server.ts';

const run = promisify(execFile);

/** A Koudougou client's name in Mooré: open vowels, a nasal vowel, an eng, an en dash. */
const CLIENT = 'Kɔɔgo Wɛndpãnga – Ŋɔgo';

/** A PDF's text (poppler's pdftotext, composed to NFC for comparison) and its fonts (pdffonts). */
async function readPdf(pdf: Buffer): Promise<{ text: string; fonts: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gapal-note-'));
  try {
    const file = path.join(dir, 'note.pdf');
    writeFileSync(file, pdf);
    const text = (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout.normalize('NFC');
    const fonts = (await run('pdffonts', [file])).stdout;
    return { text, fonts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('delivery note in Unicode', () => {
  const e2e = useE2e();

  it('prints a Mooré client name and product name intact, in Noto Sans, in the delivery note (print to PDF)', async () => {
    const product = await seedProduct(e2e.api, {
      name: `Zom-kɔɔm ʋɛɛga ${unique('')}`,
      price: 750,
      stock: 10,
    });
    const order = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 2 }], { clientName: CLIENT });
    await e2e.signIn(ADMIN);
    await e2e.page.goto(`/commandes/${order.id}/bon`);
    await e2e.page.getByRole('heading', { name: 'Bon de livraison' }).waitFor();
    await e2e.page.getByText(CLIENT).waitFor();
    await screenshot(e2e.page, 'order-delivery-note-unicode');

    // What the manager's Print button produces: Chromium's print of the page, as a PDF.
    await e2e.page.emulateMedia({ media: 'print' });
    await e2e.page.evaluate(() => document.fonts.ready);
    const { text, fonts } = await readPdf(await e2e.page.pdf({ format: 'A4', printBackground: true }));
    expect(text).toContain('BON DE LIVRAISON');
    expect(text).toContain(order.number);
    expect(text).toContain(CLIENT);
    expect(text).toContain(product.name);
    // The app's own copy of the reports' font, not whatever the PC happens to have.
    const noteFonts = fonts
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '');
    expect(noteFonts.length).toBeGreaterThan(0);
    expect(
      noteFonts.every((line) => /\+NotoSans/.test(line)),
      fonts,
    ).toBe(true);
  });
});
