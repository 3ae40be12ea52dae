import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, type TestApp } from '../../../test/harness.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { createProduct } from '../orders/test-helpers.ts';

const run = promisify(execFile);
export const SCREENSHOTS = fileURLToPath(new URL('../../../../../.screenshots/reports/', import.meta.url));

export type Download = {
  status: number;
  headers: Record<string, unknown>;
  buffer: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: tests read report fields directly, like `api()` bodies
  json: any;
};

/** A GET whose body is kept as bytes (PDF, XLSX); JSON bodies are parsed too. */
export async function download(t: TestApp, url: string, token: string): Promise<Download> {
  const response = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const buffer = response.rawPayload;
  const isJson = String(response.headers['content-type'] ?? '').includes('application/json');
  return {
    status: response.statusCode,
    headers: response.headers,
    buffer,
    json: isJson ? JSON.parse(buffer.toString('utf8')) : undefined,
  };
}

async function withTempFile<T>(buffer: Buffer, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gapal-report-'));
  const file = path.join(dir, 'report.pdf');
  writeFileSync(file, buffer);
  try {
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of a PDF, page by page (poppler's pdftotext, layout kept). */
export async function pdfPages(buffer: Buffer): Promise<string[]> {
  expect(buffer.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return withTempFile(buffer, async (file) => {
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout.split('\f').slice(0, -1);
  });
}

/** Renders a page (the first by default) to `.screenshots/reports/<name>.png` for a person to look at. */
export async function renderFirstPage(buffer: Buffer, name: string, page = 1): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const prefix = path.join(SCREENSHOTS, name);
  const pageArgs = ['-f', String(page), '-l', String(page)];
  await withTempFile(buffer, (file) =>
    run('pdftoppm', ['-png', '-r', '80', ...pageArgs, '-singlefile', file, prefix]),
  );
  return `${prefix}.png`;
}

/** A small RFC 4180 reader, written apart from the exporter so a test does not trust it. */
export function parseCsv(text: string, separator: ',' | ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

export async function readXlsx(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
}

/** The rows of a sheet below its header, as cell values. */
export function sheetRows(workbook: ExcelJS.Workbook, name: string): ExcelJS.CellValue[][] {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}`);
  const rows: ExcelJS.CellValue[][] = [];
  sheet.eachRow((row, number) => {
    if (number > 1) rows.push((row.values as ExcelJS.CellValue[]).slice(1));
  });
  return rows;
}

/**
 * A site with its staff and two products in stock, and shortcuts that go through the real API:
 * orders, delivery, payments and cancellation.
 */
export async function reportSetup(t: TestApp) {
  const site = await createSite(t);
  const stocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: site.id });
  const manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
  const vendor = await signedInUser(t, 'vendeur', { siteId: site.id });
  const yaourt = await createProduct(t, { unitPrice: 500, name: `Yaourt nature ${site.code}` });
  const lait = await createProduct(t, { unitPrice: 1250, name: `Lait caillé ${site.code}` });
  const today = todayIn(t.config.timeZone);
  const entry = await api(t, 'POST', '/api/stock/entry/', {
    token: stocker.token,
    body: {
      reference: 'BL-1',
      items: [
        { product_id: yaourt.id, quantity: 500, lot_code: 'Y1', expiry_date: addDays(today, 20) },
        { product_id: lait.id, quantity: 300, lot_code: 'L1', expiry_date: addDays(today, 4) },
      ],
    },
  });
  expect(entry.status, JSON.stringify(entry.body)).toBe(201);

  const order = async (
    items: { product_id: string; quantity: number }[],
    options: { token?: string; client?: string; phone?: string | null } = {},
  ) => {
    const response = await api(t, 'POST', '/api/orders/', {
      token: options.token ?? vendor.token,
      body: {
        local_id: crypto.randomUUID(),
        client_name: options.client ?? 'Awa Ouédraogo',
        client_phone: options.phone === undefined ? '+226 70 12 34 56' : options.phone,
        items,
      },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; number: string; total_amount: number };
  };
  const move = async (id: string, statuses: string[]) => {
    for (const status of statuses) {
      const response = await api(t, 'PATCH', `/api/orders/${id}/status/`, {
        token: manager.token,
        body: { status },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    }
  };
  const deliver = (id: string) => move(id, ['en_preparation', 'en_cours', 'livree']);
  const cancel = (id: string) => move(id, ['annulee']);
  const pay = async (id: string, amount: number, method = 'especes') => {
    const response = await api(t, 'PATCH', `/api/orders/${id}/payment/`, {
      token: manager.token,
      body: { amount, method, ...(method.endsWith('money') ? { reference: `REF-${amount}` } : {}) },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };
  return { site, stocker, manager, vendor, yaourt, lait, order, deliver, cancel, pay };
}
