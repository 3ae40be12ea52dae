import { WS_CLOSE_CODES } from '@gapal/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, login, signedInUser, unique } from '../../test/factories.ts';
import { api, useTestApp } from '../../test/harness.ts';
import { rotatedMinutesAgo } from '../features/auth/test-helpers.ts';
import { userChannel } from './channels.ts';
import { type Closed, listen, sleep, TestSocket } from './test-helpers.ts';

/** The socket's close, or null if it is still open after `ms` (the test then fails on it). */
function closedWithin(socket: TestSocket, ms: number): Promise<Closed | null> {
  return Promise.race([socket.closed, sleep(ms).then(() => null)]);
}

describe('ending a session closes its open sockets at once', () => {
  const t = useTestApp();
  let url: string;
  let admin: { token: string };

  beforeAll(async () => {
    url = await listen(t);
    admin = await signedInUser(t, 'admin');
  });

  async function expectServed(socket: TestSocket, userId: string): Promise<void> {
    const from = socket.messages.length;
    await t.app.bus.publish({ channels: [userChannel(userId)], message: { type: 'pong' } });
    await socket.waitFor((m) => m.type === 'pong', { from });
  }

  it('revoking a device closes its sockets with device_revoked, and only its own', async () => {
    const vendor = await createUser(t, 'vendeur');
    const phone = await login(t, vendor, unique('PHONE-'));
    const browser = await login(t, vendor);
    const onPhone = await TestSocket.connect(url, phone.access_token);
    const onBrowser = await TestSocket.connect(url, browser.access_token);
    const revoke = await api(t, 'POST', `/api/devices/${phone.user.device_id}/revoke/`, {
      token: admin.token,
    });
    expect(revoke.status).toBe(200);
    expect(await closedWithin(onPhone, 1000)).toEqual({
      code: WS_CLOSE_CODES.device_revoked,
      reason: 'device_revoked',
    });
    await expectServed(onBrowser, vendor.id);
    await onBrowser.close();
  });

  it('disabling a user closes all their sockets with account_disabled', async () => {
    const vendor = await createUser(t, 'vendeur');
    const sockets = [
      await TestSocket.connect(url, (await login(t, vendor, unique('PHONE-'))).access_token),
      await TestSocket.connect(url, (await login(t, vendor)).access_token),
    ];
    const bystander = await signedInUser(t, 'vendeur');
    const other = await TestSocket.connect(url, bystander.token);
    const off = await api(t, 'PUT', `/api/users/${vendor.id}/`, {
      token: admin.token,
      body: { is_active: false },
    });
    expect(off.status).toBe(200);
    for (const socket of sockets) {
      expect(await closedWithin(socket, 1000)).toEqual({
        code: WS_CLOSE_CODES.account_disabled,
        reason: 'account_disabled',
      });
    }
    await expectServed(other, bystander.user.id);
    await other.close();
  });

  it('a role or site change closes the sockets with token_invalid; the new token joins the new channels', async () => {
    const manager = await createUser(t, 'gestionnaire_stocks');
    const session = await login(t, manager);
    const socket = await TestSocket.connect(url, session.access_token);
    const demote = await api(t, 'PUT', `/api/users/${manager.id}/`, {
      token: admin.token,
      body: { role: 'gestionnaire_commandes' },
    });
    expect(demote.status).toBe(200);
    expect(await closedWithin(socket, 1000)).toEqual({
      code: WS_CLOSE_CODES.token_invalid,
      reason: 'token_invalid',
    });
    // A role change keeps the session: the client reconnects and is told its new role.
    const again = await TestSocket.open(url);
    expect(await again.auth(session.access_token)).toMatchObject({ role: 'gestionnaire_commandes' });

    // A name change is no reason to close anything.
    const rename = await api(t, 'PUT', `/api/users/${manager.id}/`, {
      token: admin.token,
      body: { full_name: 'Nouveau nom' },
    });
    expect(rename.status).toBe(200);
    await expectServed(again, manager.id);
    await again.close();
  });

  it('a refresh token reused after its grace window closes that session’s sockets, not the others', async () => {
    const vendor = await createUser(t, 'vendeur');
    const stolen = await login(t, vendor, unique('PHONE-'));
    const otherSession = await login(t, vendor);
    const rotated = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: stolen.refresh_token },
    });
    expect(rotated.status).toBe(200);
    const onSession = await TestSocket.connect(url, rotated.body.access_token);
    const onOther = await TestSocket.connect(url, otherSession.access_token);
    await rotatedMinutesAgo(t, stolen.refresh_token, 2);

    const reuse = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: stolen.refresh_token },
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('refresh_token_reused');
    expect(await closedWithin(onSession, 1000)).toEqual({
      code: WS_CLOSE_CODES.token_invalid,
      reason: 'token_invalid',
    });
    // Reconnecting with the revoked session's access token is refused too.
    const retry = await TestSocket.open(url);
    retry.send({ type: 'auth', token: rotated.body.access_token });
    expect(await closedWithin(retry, 1000)).toEqual({
      code: WS_CLOSE_CODES.token_invalid,
      reason: 'token_invalid',
    });
    await expectServed(onOther, vendor.id);
    await onOther.close();
  });

  it('a refresh within the grace window keeps the session’s sockets open', async () => {
    const vendor = await createUser(t, 'vendeur');
    const session = await login(t, vendor, unique('PHONE-'));
    const socket = await TestSocket.connect(url, session.access_token);
    const first = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: session.refresh_token },
    });
    const retried = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: session.refresh_token },
    });
    expect([first.status, retried.status]).toEqual([200, 200]);
    await socket.auth(retried.body.access_token);
    await expectServed(socket, vendor.id);
    await socket.close();
  });
});
