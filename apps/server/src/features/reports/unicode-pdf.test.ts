import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, useTestApp } from '../../../test/harness.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { createProduct } from '../orders/test-helpers.ts';
import { download, pdfPages, renderFirstPage, reportSetup } from './test-helpers.ts';

/** A Koudougou client's name in Mooré: open vowels, a nasal vowel, an eng, an en dash. */
const CLIENT = 'Kɔɔgo Wɛndpãnga – Ŋɔgo';
/** Every letter of the Burkina Faso national alphabets the standard PDF fonts lacked (one client each). */
const LETTERS = ['ɛɔɩʋŋɲƴɓɗ', 'ƐƆƖƲŊƝƳƁƊ', 'ãẽĩõũ ɛ̃ɔ̃'];

describe('report PDFs in Unicode', () => {
  const t = useTestApp();

  /**
   * One delivered, unpaid order for CLIENT (a receivable) of a product with ɛ and ʋ in its name,
   * whose only lot expires tomorrow and whose stock is under its threshold (the daily alerts).
   */
  async function seeded() {
    const s = await reportSetup(t);
    const today = todayIn(t.config.timeZone);
    const product = await createProduct(t, { unitPrice: 750, name: `Zom-kɔɔm ʋɛɛga ${s.site.code}` });
    await t.db.execute(sql`UPDATE products SET min_stock_level = 1000 WHERE id = ${product.id}`);
    const entry = await api(t, 'POST', '/api/stock/entry/', {
      token: s.stocker.token,
      body: {
        items: [{ product_id: product.id, quantity: 40, lot_code: 'Z1', expiry_date: addDays(today, 1) }],
      },
    });
    expect(entry.status, JSON.stringify(entry.body)).toBe(201);
    const order = await s.order([{ product_id: product.id, quantity: 4 }], { client: CLIENT });
    await s.deliver(order.id);
    for (const client of LETTERS) await s.order([{ product_id: s.yaourt.id, quantity: 1 }], { client });
    return { ...s, product };
  }

  /** pdftotext's text, composed (NFC) so `ɛ̃` compares the same however it came out. */
  async function pdfText(url: string, token: string, screenshot: string, page = 1): Promise<string> {
    const response = await download(t, url, token);
    expect(response.status).toBe(200);
    await renderFirstPage(response.buffer, screenshot, page);
    return (await pdfPages(response.buffer)).join('\n').normalize('NFC');
  }

  it('prints client and product names in Mooré letters intact in every report', async () => {
    const s = await seeded();
    const product = s.product.name;

    const orders = await pdfText('/api/reports/orders/pdf/', s.manager.token, 'unicode-orders-list', 2);
    expect(orders).toContain(CLIENT);
    for (const letters of LETTERS) expect(orders).toContain(letters.normalize('NFC'));
    expect(orders).toContain(product);
    expect(orders).not.toContain('?');

    const receivables = await pdfText(
      '/api/reports/receivables/pdf/',
      s.manager.token,
      'unicode-receivables',
    );
    expect(receivables).toContain(CLIENT);

    const stock = await pdfText('/api/reports/stock/pdf/', s.stocker.token, 'unicode-stock');
    expect(stock).toContain(product);

    const daily = await pdfText('/api/reports/daily/pdf/', s.manager.token, 'unicode-daily');
    expect(daily).toContain(product);
  });

  it('prints what the font cannot draw as `?`, never as an empty box', async () => {
    const s = await reportSetup(t);
    await s.order([{ product_id: s.yaourt.id, quantity: 1 }], { client: 'Awa 🐄 Zongo' });
    const text = await pdfText('/api/reports/orders/pdf/', s.manager.token, 'unicode-fallback');
    expect(text).toContain('Awa ? Zongo');
  });
});
