import { randomUUID } from 'node:crypto';
import type { ServerMessage } from '@gapal/shared';
import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { useTestApp } from '../../../test/harness.ts';
import { oggOpus } from '../../../test/ogg-opus.ts';
import { useSockets } from '../../realtime/test-helpers.ts';
import { createOrderAs, createProduct } from '../orders/test-helpers.ts';

/** A stored note reaches an open dashboard live, so it refetches the order (notification:commande_…). */
describe('voice note events', () => {
  const t = useTestApp();
  const { connect } = useSockets(t);

  it('a new note notifies the order managers of the site once; a retry of it notifies no one', async () => {
    const vendor = await signedInUser(t, 'vendeur');
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const socket = await connect(manager.token);
    const product = await createProduct(t);
    const order = await createOrderAs(t, vendor.token, [product.id]);
    const id = randomUUID();
    const upload = () =>
      t.app.inject({
        method: 'PUT',
        url: `/api/voice-notes/${id}/?order_id=${order.id}&duration_ms=1500`,
        headers: { authorization: `Bearer ${vendor.token}`, 'content-type': 'audio/ogg' },
        payload: oggOpus(),
      });
    const isNote = (message: ServerMessage) =>
      message.type === 'notification' &&
      message.notification.kind === 'commande_note_vocale' &&
      message.notification.data.order_id === order.id;

    expect((await upload()).statusCode).toBe(201);
    const event = await socket.waitFor(isNote);
    expect(event).toMatchObject({
      notification: { title: `Note vocale sur ${order.number}`, params: { order_number: order.number } },
    });

    expect((await upload()).statusCode).toBe(200);
    // Anything the retry published would arrive before this later event on the same socket.
    const later = await createOrderAs(t, vendor.token, [product.id]);
    await socket.waitFor(
      (message) =>
        message.type === 'notification' &&
        message.notification.kind === 'commande_nouvelle' &&
        message.notification.data.order_id === later.id,
    );
    expect(
      socket.notifications().filter((notification) => isNote({ type: 'notification', notification })),
    ).toHaveLength(1);
  });
});
