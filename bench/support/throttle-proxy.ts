/**
 * A 2G link in front of a real server, for the vendor bench: every byte the browser exchanges
 * with the server, the service worker's included, crosses it. Chromium's own throttling
 * (`Network.emulateNetworkConditions`) only slows the page's requests, not the worker's, which
 * hid the worker downloading the shell a second time.
 *
 * Two layers, both on loopback:
 * - the link (a TCP relay, the port the browser opens): each direction's bytes go out one after
 *   the other at the link's rate (one shared queue per direction, as on one radio link), each
 *   chunk arrives half a round trip after it left, and a new connection waits one round trip (its
 *   handshake) before its first byte. It counts the bytes it carries.
 * - a logging reverse proxy behind it, which forwards each request to the server and records its
 *   method, path, status, encoding and body size, so a file fetched twice shows up.
 * `setOffline(true)` makes both refuse everything (connections reset), as a phone with no signal.
 */
import http from 'node:http';
import net from 'node:net';

export type LinkProfile = { downKbps: number; upKbps: number; rttMs: number };

export const TWO_G: LinkProfile = { downKbps: 250, upKbps: 50, rttMs: 300 };

export type LoggedRequest = {
  at: number;
  method: string;
  path: string;
  status: number;
  encoding: string | null;
  /** Body bytes as sent on the wire (compressed when `encoding` is set). */
  bodyBytes: number;
};

export type ThrottleProxy = {
  /** The origin the browser opens (`http://127.0.0.1:<link port>`). */
  url: string;
  /** Bytes carried so far, both directions, TCP payload (headers included). */
  bytes(): { down: number; up: number };
  /** Requests answered so far, in the order they completed. */
  requests(): LoggedRequest[];
  setOffline(offline: boolean): void;
  close(): Promise<void>;
};

/** One direction of the link: a FIFO of chunks, each sent when the line is free, at its rate. */
class Line {
  private freeAt = 0;
  private readonly queue: { at: number; deliver: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  carried = 0;

  constructor(
    private readonly bytesPerMs: number,
    private readonly oneWayMs: number,
  ) {}

  send(chunk: Buffer, deliver: (piece: Buffer) => void): void {
    // Packet-sized pieces, so connections sharing the line interleave.
    for (let offset = 0; offset < chunk.length; offset += 1460) {
      const piece = chunk.subarray(offset, offset + 1460);
      const now = performance.now();
      this.freeAt = Math.max(now, this.freeAt) + piece.length / this.bytesPerMs;
      this.carried += piece.length;
      this.queue.push({ at: this.freeAt + this.oneWayMs, deliver: () => deliver(piece) });
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0]!.at - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = performance.now();
      while (this.queue.length > 0 && this.queue[0]!.at <= now + 0.5) this.queue.shift()!.deliver();
      this.schedule();
    }, wait);
  }

  clear(): void {
    this.queue.length = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Starts the link on a loopback port, in front of the server at `target` (`http://host:port`). */
export async function startThrottleProxy(
  target: string,
  profile: LinkProfile = TWO_G,
): Promise<ThrottleProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const log: LoggedRequest[] = [];
  let offline = false;

  const logger = http.createServer((request, response) => {
    if (offline) {
      request.socket.destroy();
      return;
    }
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (answer) => {
        response.writeHead(
          answer.statusCode ?? 502,
          answer.rawHeaders as unknown as http.OutgoingHttpHeaders,
        );
        let bodyBytes = 0;
        answer.on('data', (chunk: Buffer) => {
          bodyBytes += chunk.length;
        });
        answer.on('end', () => {
          log.push({
            at: performance.now(),
            method: request.method ?? 'GET',
            path: request.url ?? '',
            status: answer.statusCode ?? 0,
            encoding: (answer.headers['content-encoding'] as string | undefined) ?? null,
            bodyBytes,
          });
        });
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => logger.listen(0, '127.0.0.1', resolve));
  const loggerPort = (logger.address() as net.AddressInfo).port;

  const down = new Line((profile.downKbps * 1000) / 8 / 1000, profile.rttMs / 2);
  const up = new Line((profile.upKbps * 1000) / 8 / 1000, profile.rttMs / 2);
  const sockets = new Set<net.Socket>();

  const link = net.createServer((client) => {
    if (offline) {
      client.resetAndDestroy();
      return;
    }
    const server = net.connect(loggerPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(server);
    const end = () => {
      client.destroy();
      server.destroy();
      sockets.delete(client);
      sockets.delete(server);
    };
    client.on('error', end);
    server.on('error', end);
    client.on('close', end);
    server.on('close', end);
    // The handshake: nothing crosses the link before one round trip.
    client.pause();
    setTimeout(() => client.resume(), profile.rttMs);
    client.on('data', (chunk: Buffer) =>
      up.send(chunk, (piece) => {
        if (!server.destroyed) server.write(piece);
      }),
    );
    server.on('data', (chunk: Buffer) =>
      down.send(chunk, (piece) => {
        if (!client.destroyed) client.write(piece);
      }),
    );
  });
  await new Promise<void>((resolve) => link.listen(0, '127.0.0.1', resolve));
  const port = (link.address() as net.AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    bytes: () => ({ down: down.carried, up: up.carried }),
    requests: () => [...log],
    setOffline(value) {
      offline = value;
      if (!value) return;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      down.clear();
      up.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      down.clear();
      up.clear();
      agent.destroy();
      await Promise.all([
        new Promise<void>((resolve) => link.close(() => resolve())),
        new Promise<void>((resolve) => {
          logger.closeAllConnections();
          logger.close(() => resolve());
        }),
      ]);
    },
  };
}

/** Paths requested more than once with a 200 (a 304 revalidation is not a second download). */
export function duplicateDownloads(requests: LoggedRequest[]): string[] {
  const seen = new Map<string, number>();
  for (const request of requests) {
    if (request.method !== 'GET' || request.status !== 200 || request.path.startsWith('/api/')) continue;
    seen.set(request.path, (seen.get(request.path) ?? 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([path, count]) => `${path} ×${count}`);
}
