import type { Notification, ServerMessage } from '@gapal/shared';
import { SignJWT } from 'jose';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import type { TestApp } from '../../test/harness.ts';
import { lots, products } from '../db/schema.ts';

export type Closed = { code: number; reason: string };

/** A real WebSocket client that records what it receives. */
export class TestSocket {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<Closed>;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    ws.on('error', () => {});
  }

  static open(url: string): Promise<TestSocket> {
    const ws = new WebSocket(url);
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** Opens and authenticates; resolves once the server said `ready`. */
  static async connect(url: string, token: string): Promise<TestSocket> {
    const socket = await TestSocket.open(url);
    await socket.auth(token);
    return socket;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async auth(token: string): Promise<ServerMessage> {
    const before = this.messages.length;
    this.send({ type: 'auth', token });
    return this.waitFor((message) => message.type === 'ready', { from: before });
  }

  /** The first message (from index `from`) matching, waiting up to `timeoutMs`. */
  async waitFor(
    match: (message: ServerMessage) => boolean,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<ServerMessage> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000);
    for (;;) {
      const found = this.messages.slice(options.from ?? 0).find(match);
      if (found) return found;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${options.timeoutMs ?? 5000} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  notifications(): Notification[] {
    return this.messages.flatMap((message) =>
      message.type === 'notification' ? [message.notification] : [],
    );
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}

/** Binds the test app to a loopback port; returns the socket URL. */
export async function listen(t: TestApp): Promise<string> {
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `${address.replace(/^http/, 'ws')}/api/ws/`;
}

/**
 * For a file's tests: binds the test app to a loopback port before them, and closes every socket
 * `connect` opened after them.
 */
export function useSockets(t: TestApp) {
  const sockets: TestSocket[] = [];
  let url: string;
  beforeAll(async () => {
    url = await listen(t);
  });
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
  });
  return {
    /** A socket signed in with `token`, closed after the file's tests. */
    async connect(token: string): Promise<TestSocket> {
      const socket = await TestSocket.connect(url, token);
      sockets.push(socket);
      return socket;
    },
  };
}

/** An access token with any expiry (past or near), signed like the server does. */
export function tokenExpiringAt(
  secret: string,
  user: { id: string; role: string; siteId: string | null },
  expSeconds: number,
  deviceId: string | null = null,
): Promise<string> {
  return new SignJWT({ role: user.role, site: user.siteId, dev: deviceId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer('gapal')
    .setAudience('gapal-api')
    .setIssuedAt()
    .setExpirationTime(expSeconds)
    .sign(new TextEncoder().encode(secret));
}

let counter = 0;

export async function createProduct(t: TestApp, options: { minStockLevel?: number; name?: string } = {}) {
  counter += 1;
  const [row] = await t.db
    .insert(products)
    .values({
      name: options.name ?? `Yaourt test ${process.pid}-${counter}`,
      unit: 'pot',
      unitPrice: 500,
      minStockLevel: options.minStockLevel ?? 0,
    })
    .returning();
  return row!;
}

export async function createLot(
  t: TestApp,
  options: { productId: string; siteId: string; expiryDate: string; quantity: number },
) {
  counter += 1;
  const [row] = await t.db
    .insert(lots)
    .values({ ...options, code: `L${process.pid}-${counter}` })
    .returning();
  return row!;
}

/** `YYYY-MM-DD` shifted by whole days (dates only: no time zone involved). */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
