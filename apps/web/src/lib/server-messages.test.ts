import {
  ERROR_STATUS,
  FIELD_ISSUE_CODES,
  fieldIssueOf,
  NOTIFICATION_KINDS,
  SYNC_REJECT_MESSAGES,
  singleLineText,
} from '@gapal/shared';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { notificationText } from '../features/notifications/notification-text.ts';
import type { Locale } from './locale.ts';
import {
  hasServerMessage,
  renderErrorMessage,
  renderFieldIssue,
  renderRejection,
  SERVER_CATALOGUES,
} from './server-messages.ts';

const LOCALES: Locale[] = ['fr', 'en'];

/** Every code the server can send, from the shared lists themselves. */
const SERVER_KEYS = [
  ...Object.keys(ERROR_STATUS).map((code) => `error.${code}`),
  ...Object.keys(SYNC_REJECT_MESSAGES).map((code) => `sync_reject.${code}`),
  ...FIELD_ISSUE_CODES.map((code) => `field.${code}`),
  ...NOTIFICATION_KINDS.flatMap((kind) => [`notification.${kind}.title`, `notification.${kind}.body`]),
];

describe('server message catalogues', () => {
  it.each(LOCALES)(
    '%s has a non-empty entry for every error, refusal, field and notification code',
    (locale) => {
      const catalogue: Record<string, string> = SERVER_CATALOGUES[locale];
      const missing = SERVER_KEYS.filter((key) => !catalogue[key]?.trim());
      expect(missing).toEqual([]);
    },
  );

  it('English says nothing in French (no accented letter, no French entry copied as is)', () => {
    const french = Object.entries(SERVER_CATALOGUES.en).filter(
      ([key, text]) =>
        /[àâçéèêëîïôûùœ«»]/i.test(text) ||
        (text === SERVER_CATALOGUES.fr[key as never] && /[a-z]{4}/i.test(text.replace(/\{\w+\}/g, ''))),
    );
    expect(french).toEqual([]);
  });

  it('the French sync refusals are the server’s own texts', () => {
    for (const [code, text] of Object.entries(SYNC_REJECT_MESSAGES)) {
      expect(renderRejection('fr', { code, message: 'autre' })).toBe(text);
    }
  });
});

describe('renderErrorMessage', () => {
  const shortage = {
    code: 'insufficient_stock',
    message: 'Stock insuffisant : Lait caillé (demandé : 5, disponible : 2)',
    details: { shortages: [{ product_id: 'p1', product_name: 'Lait caillé', requested: 5, available: 2 }] },
  };

  it('writes a stock refusal from its shortages in English, and as the server does in French', () => {
    expect(renderErrorMessage('en', shortage)).toBe(
      'Insufficient stock: Lait caillé (requested: 5, available: 2)',
    );
    expect(renderErrorMessage('fr', shortage)).toBe(shortage.message);
  });

  it('names the statuses of a refused change with the caller’s labels', () => {
    const error = {
      code: 'invalid_transition',
      message: 'Passage impossible',
      details: { from: 'livree', to: 'nouvelle' },
    };
    expect(renderErrorMessage('en', error, { status: (s) => s.toUpperCase() })).toBe(
      'Cannot go from “LIVREE” to “NOUVELLE”',
    );
  });

  it('says a known code in English and keeps the server’s French sentence in French', () => {
    const error = { code: 'not_found', message: 'Commande introuvable' };
    expect(renderErrorMessage('en', error)).toBe('Not found');
    expect(renderErrorMessage('fr', error)).toBe('Commande introuvable');
  });

  it('says which thing was not found when the details name it', () => {
    const error = { code: 'not_found', message: 'Commande introuvable', details: { resource: 'order' } };
    expect(renderErrorMessage('en', error)).toBe('Order not found');
    expect(renderErrorMessage('fr', error)).toBe('Commande introuvable');
  });

  it('falls back to the server’s French for a code it does not know', () => {
    expect(renderErrorMessage('en', { code: 'brand_new', message: 'Tout nouveau' })).toBe('Tout nouveau');
  });
});

describe('field issues', () => {
  const issueOf = (schema: z.ZodType, value: unknown) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) throw new Error('expected a refusal');
    const issue = parsed.error.issues[0]!;
    return { message: issue.message, ...fieldIssueOf(issue as never) };
  };

  it('renders zod’s issues from their code and parameters', () => {
    expect(renderFieldIssue('en', issueOf(z.string().min(3), 'ab'))).toBe('at least 3 characters');
    expect(renderFieldIssue('fr', issueOf(z.string().min(3), 'ab'))).toBe('au moins 3 caractères');
    expect(renderFieldIssue('en', issueOf(z.number().int().min(1), 0))).toBe('must be at least 1');
    expect(renderFieldIssue('en', issueOf(z.number().positive(), 0))).toBe('must be greater than 0');
    expect(renderFieldIssue('en', issueOf(z.object({ a: z.string() }), {}))).toBe('required');
    expect(renderFieldIssue('en', issueOf(z.string().min(1), ''))).toBe('required');
    expect(renderFieldIssue('en', issueOf(z.iso.date(), '2026-13-45'))).toBe('invalid date (YYYY-MM-DD)');
    expect(renderFieldIssue('en', issueOf(singleLineText(), 'a\u0000b'))).toBe(
      'control character not allowed',
    );
  });

  it('keeps a pattern’s own French words for a French reader', () => {
    const siteCode = z.string().regex(/^[A-Z0-9]+$/, 'majuscules et chiffres uniquement');
    expect(renderFieldIssue('fr', issueOf(siteCode, 'r-1'))).toBe('majuscules et chiffres uniquement');
    expect(renderFieldIssue('en', issueOf(siteCode, 'r-1'))).toBe('invalid format');
  });

  it('keeps the message of an issue without a code', () => {
    expect(renderFieldIssue('en', { message: 'produit inconnu' })).toBe('produit inconnu');
  });
});

describe('notificationText', () => {
  const lowStock = {
    code: 'stock_bas' as const,
    params: { product_name: 'Yaourt', unit: 'pot', quantity: 3, min_stock_level: 10 },
    title: 'Stock bas : Yaourt',
    body: '3 pot en stock (seuil d’alerte 10)',
  };

  it('writes the same notification in each reader’s language', () => {
    expect(notificationText(lowStock, 'en')).toEqual({
      title: 'Low stock: Yaourt',
      body: '3 pot in stock (alert threshold 10)',
    });
    expect(notificationText(lowStock, 'fr')).toEqual({ title: lowStock.title, body: lowStock.body });
  });

  it('names statuses, payment methods and days to expiry in English', () => {
    const status = notificationText(
      {
        code: 'commande_statut',
        params: {
          order_number: 'CMD-1',
          client_name: 'Zida',
          total_amount: 500,
          from: 'en_cours',
          to: 'livree',
        },
        title: 'Commande CMD-1 : livrée',
        body: 'Zida · en cours de livraison → livrée',
      },
      'en',
    );
    expect(status).toEqual({ title: 'Order CMD-1: Delivered', body: 'Zida · Out for delivery → Delivered' });
    const expiring = notificationText(
      {
        code: 'lot_expiration_proche',
        params: {
          product_name: 'Lait',
          lot_code: 'L1',
          quantity: 4,
          unit: 'L',
          expiry_date: '2026-12-08',
          days_left: 1,
        },
        title: 'Lait (L1) expire demain',
        body: '…',
      },
      'en',
    );
    expect(expiring.title).toBe('Lait (L1) expires tomorrow');
    expect(expiring.body).toMatch(/^4 L in stock, expiry date \d{2}\/\d{2}\/2026$/);
  });

  it('keeps the server’s French text when a parameter is missing', () => {
    expect(notificationText({ ...lowStock, params: {} }, 'en')).toEqual({
      title: lowStock.title,
      body: lowStock.body,
    });
  });

  it('has a key for every notification code', () => {
    for (const kind of NOTIFICATION_KINDS) expect(hasServerMessage(`notification.${kind}.title`)).toBe(true);
  });
});
