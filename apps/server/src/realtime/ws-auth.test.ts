import { WS_CLOSE_CODES } from '@gapal/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDevice, createUser, signedInUser, tokenFor } from '../../test/factories.ts';
import { api, useTestApp } from '../../test/harness.ts';
import { signedWithRealKey, wellFormedClaims } from '../features/auth/test-helpers.ts';
import { userChannel } from './channels.ts';
import { listen, sleep, TestSocket, tokenExpiringAt } from './test-helpers.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('the socket refuses bad tokens and bad clients with a clear close code', () => {
  const t = useTestApp({
    env: {
      WS_AUTH_TIMEOUT_SECONDS: '1',
      WS_HEARTBEAT_SECONDS: '1',
      WS_MAX_MESSAGES_PER_10S: '8',
      WS_MAX_BUFFERED_BYTES: '4096',
    },
  });
  let url: string;
  /** A healthy client that must keep being served while others are thrown out. */
  let bystander: TestSocket;

  beforeAll(async () => {
    url = await listen(t);
    const { token } = await signedInUser(t, 'gestionnaire_commandes');
    bystander = await TestSocket.connect(url, token);
  });

  async function expectBystanderServed(): Promise<void> {
    const from = bystander.messages.length;
    bystander.send({ type: 'ping' });
    await bystander.waitFor((m) => m.type === 'pong', { from });
  }

  async function closedWith(socket: TestSocket, reason: keyof typeof WS_CLOSE_CODES): Promise<void> {
    expect(await socket.closed).toEqual({ code: WS_CLOSE_CODES[reason], reason });
  }

  it('says ready with the identity and the token expiry, and answers pings', async () => {
    const { user, token } = await signedInUser(t, 'vendeur');
    const socket = await TestSocket.open(url);
    const ready = await socket.auth(token);
    expect(ready).toMatchObject({
      type: 'ready',
      user_id: user.id,
      role: 'vendeur',
      site_id: t.defaultSiteId,
    });
    expect(Date.parse((ready as { expires_at: string }).expires_at)).toBeGreaterThan(Date.now());
    socket.send({ type: 'ping' });
    await socket.waitFor((m) => m.type === 'pong');
    await socket.close();
  });

  it('closes a socket that never authenticates', async () => {
    const socket = await TestSocket.open(url);
    await closedWith(socket, 'auth_timeout');
  });

  it('closes on a missing, malformed or forged token', async () => {
    const { user } = await createUser(t, 'vendeur').then((u) => ({ user: u }));
    const forged = await tokenExpiringAt(
      'another-secret-another-secret-another-secret',
      user,
      nowSeconds() + 600,
    );
    for (const token of ['', 'not-a-jwt', forged]) {
      const socket = await TestSocket.open(url);
      socket.send({ type: 'auth', token });
      // The empty token fails the message schema; the others fail verification.
      await closedWith(socket, token === '' ? 'bad_message' : 'token_invalid');
    }
    await expectBystanderServed();
  });

  it('closes with token_invalid on a token signed with the real key but missing or malformed claims', async () => {
    const user = await createUser(t, 'vendeur');
    const base = wellFormedClaims(user);
    for (const claims of [
      { ...base, exp: undefined },
      { ...base, iat: undefined },
      { ...base, sub: 'vendeur' },
      { ...base, dev: 'phone-1' },
      { ...base, dev: undefined },
    ]) {
      const socket = await TestSocket.open(url);
      socket.send({ type: 'auth', token: await signedWithRealKey(t.config.jwtSecret, claims) });
      await closedWith(socket, 'token_invalid');
    }
    await expectBystanderServed();
  });

  it('closes on an expired token, and when the token expires without a refresh', async () => {
    const user = await createUser(t, 'vendeur');
    const expired = await tokenExpiringAt(t.config.jwtSecret, user, nowSeconds() - 5);
    const first = await TestSocket.open(url);
    first.send({ type: 'auth', token: expired });
    await closedWith(first, 'token_expired');

    const shortLived = await tokenExpiringAt(t.config.jwtSecret, user, nowSeconds() + 2);
    const second = await TestSocket.connect(url, shortLived);
    const started = Date.now();
    await closedWith(second, 'token_expired');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('keeps the socket open when the client sends its refreshed token', async () => {
    const user = await createUser(t, 'gestionnaire_stocks');
    const socket = await TestSocket.connect(
      url,
      await tokenExpiringAt(t.config.jwtSecret, user, nowSeconds() + 2),
    );
    const ready = await socket.auth(await tokenFor(t, user));
    expect(Date.parse((ready as { expires_at: string }).expires_at)).toBeGreaterThan(Date.now() + 60_000);
    await sleep(2500);
    // Past the first token's expiry, still open and still delivering.
    const from = socket.messages.length;
    await t.app.bus.publish({ channels: [userChannel(user.id)], message: { type: 'pong' } });
    await socket.waitFor((m) => m.type === 'pong', { from });
    await socket.close();
  });

  it('closes when a refreshed token belongs to someone else', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    const other = await signedInUser(t, 'admin', { siteId: null });
    const socket = await TestSocket.connect(url, token);
    socket.send({ type: 'auth', token: other.token });
    await closedWith(socket, 'token_invalid');
  });

  it('closes for a revoked device and a disabled account, at connect and at refresh', async () => {
    const user = await createUser(t, 'vendeur');
    const device = await createDevice(t, user);
    const deviceToken = await tokenFor(t, user, device.id);
    const connected = await TestSocket.connect(url, deviceToken);
    // Revoked through the API, which forgets the identity kept since the connect (identity-cache.ts).
    const admin = await signedInUser(t, 'admin');
    expect((await api(t, 'POST', `/api/devices/${device.id}/revoke/`, { token: admin.token })).status).toBe(
      200,
    );
    connected.send({ type: 'auth', token: deviceToken });
    await closedWith(connected, 'device_revoked');
    const fresh = await TestSocket.open(url);
    fresh.send({ type: 'auth', token: deviceToken });
    await closedWith(fresh, 'device_revoked');

    const disabled = await createUser(t, 'vendeur', { isActive: false });
    const socket = await TestSocket.open(url);
    socket.send({ type: 'auth', token: await tokenFor(t, disabled) });
    await closedWith(socket, 'account_disabled');
    await expectBystanderServed();
  });

  it('closes on a message it does not expect', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    const cases: Array<{ before?: boolean; send: unknown }> = [
      { send: { type: 'ping' } }, // anything before auth
      { send: 'not json' },
      { send: { type: 'subscribe', channel: 'role:admin' } },
      { send: { type: 'auth', token, extra: true } },
      { before: true, send: { type: 'hello' } },
    ];
    for (const { before, send } of cases) {
      const socket = before ? await TestSocket.connect(url, token) : await TestSocket.open(url);
      socket.send(send);
      await closedWith(socket, 'bad_message');
    }
    const binary = await TestSocket.connect(url, token);
    binary.ws.send(Buffer.from([1, 2, 3]));
    await closedWith(binary, 'bad_message');
    await expectBystanderServed();
  });

  it('closes a flood of messages and an oversized one', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    const flooder = await TestSocket.connect(url, token);
    for (let i = 0; i < 20; i += 1) flooder.send({ type: 'ping' });
    await closedWith(flooder, 'flood');

    const big = await TestSocket.connect(url, token);
    big.send({ type: 'auth', token: 'x'.repeat(64 * 1024) });
    expect((await big.closed).code).toBe(WS_CLOSE_CODES.message_too_big);
    await expectBystanderServed();
  });

  it('terminates a connection that stops answering heartbeats', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    const socket = await TestSocket.connect(url, token);
    // A peer that vanished: it reads nothing, so it never answers the server's pings.
    const raw = (socket.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    await sleep(3500);
    // Had the server kept it, the pings queued meanwhile would now be answered and it would stay open.
    raw.resume();
    const closed = await Promise.race([socket.closed, sleep(2000).then(() => null)]);
    expect(closed?.code).toBe(1006);
    await expectBystanderServed();
  });

  it('closes a client too slow to read instead of buffering for it without bound', async () => {
    const { user, token } = await signedInUser(t, 'gestionnaire_stocks');
    const slow = await TestSocket.connect(url, token);
    const raw = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    const padding = 'x'.repeat(16 * 1024);
    const notification = {
      id: '1',
      kind: 'stock_bas' as const,
      code: 'stock_bas' as const,
      params: {},
      title: 'Stock bas',
      body: padding,
      site_id: null,
      data: {},
      created_at: new Date().toISOString(),
      read_at: null,
    };
    // Far more than the kernel's socket buffers hold: the server must notice and give up.
    for (let i = 0; i < 1500; i += 1) {
      await t.app.bus.publish({
        channels: [userChannel(user.id)],
        message: { type: 'notification', notification },
      });
      if (i % 50 === 0) await sleep(5);
    }
    raw.resume();
    await closedWith(slow, 'slow_client');
    expect(slow.notifications().length).toBeLessThan(1500);
    await expectBystanderServed();
  });
});
