import { describe, expect, it } from 'vitest';
import { oggOpus } from '../apps/server/test/ogg-opus.ts';
import { seedOrder, seedProduct, unique } from './support/api.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN } from './support/gapal-server.ts';

describe('voice notes on the dashboard', () => {
  const e2e = useE2e();

  it('the list marks an order with a note, and its detail plays it: the audio element knows its length', async () => {
    const product = await seedProduct(e2e.api, { name: `Yaourt ${unique('')}`, price: 300, stock: 10 });
    const order = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 1 }], {
      clientName: `Boutique ${unique('')}`,
    });
    const stored = await fetch(
      `${e2e.api.baseUrl}/api/voice-notes/${crypto.randomUUID()}/?order_id=${order.id}&duration_ms=2000`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await e2e.api.admin()}`,
          'content-type': 'audio/ogg;codecs=opus',
        },
        body: new Uint8Array(oggOpus({ seconds: 2 })),
      },
    );
    expect(stored.status).toBe(201);

    await e2e.signIn(ADMIN);
    await e2e.page.goto('/commandes');
    const row = e2e.page.getByTestId(`order-row-${order.number}`);
    await row.getByRole('img', { name: 'Note vocale' }).waitFor();

    await e2e.page.goto(`/commandes/${order.id}`);
    const note = e2e.page.getByTestId('voice-note');
    await expect.poll(() => note.getByTestId('voice-note-duration').textContent()).toBe('0:02');
    expect(await note.textContent()).toContain('Enregistrée par');
    const audio = note.locator('audio');
    await audio.waitFor({ state: 'attached' });
    expect(await audio.getAttribute('preload')).toBe('metadata');
    expect(await audio.getAttribute('controls')).not.toBeNull();
    const duration = await audio.evaluate(
      (element: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          if (element.readyState >= 1) resolve(element.duration);
          // A load refused (the page's CSP once refused blob: media) fails here rather than waiting.
          if (element.error) reject(new Error(`audio error ${element.error.code}: ${element.error.message}`));
          element.addEventListener('loadedmetadata', () => resolve(element.duration));
          element.addEventListener('error', () => reject(new Error(`audio error ${element.error?.code}`)));
        }),
    );
    expect(duration).toBeGreaterThan(0);
    expect(Number.isFinite(duration)).toBe(true);
  });
});
