import type { RealtimeEvent } from './bus.ts';
import type { SessionEnd } from './session-end.ts';

/**
 * What the hub needs of a socket: a way to send a serialized message, a liveness probe, and a
 * way to close it when its session ended (it knows whose session it holds).
 */
export type HubClient = { send(data: string): void; heartbeat(): void; endSession(end: SessionEnd): void };

/** The sockets of this process, indexed by the channels they joined. */
const NO_CLIENTS: ReadonlySet<HubClient> = new Set();

export class Hub {
  private readonly byChannel = new Map<string, Set<HubClient>>();
  private readonly channelsOf = new Map<HubClient, readonly string[]>();
  private readonly all = new Set<HubClient>();

  /** Counted from the upgrade on, so unauthenticated sockets get heartbeats and shutdown too. */
  add(client: HubClient): void {
    this.all.add(client);
  }

  /** Replaces the client's channels (a refreshed token may carry a new role or site). */
  join(client: HubClient, channels: readonly string[]): void {
    this.leaveChannels(client);
    this.channelsOf.set(client, channels);
    for (const channel of channels) {
      const members = this.byChannel.get(channel);
      if (members) members.add(client);
      else this.byChannel.set(channel, new Set([client]));
    }
  }

  remove(client: HubClient): void {
    this.leaveChannels(client);
    this.all.delete(client);
  }

  /**
   * Serializes once (and only when some socket listens: a busy server publishes events for
   * sites nobody watches) and sends once per socket, however many of its channels it names.
   */
  deliver(event: RealtimeEvent): number {
    const recipients = this.recipientsOf(event.channels);
    if (recipients.size === 0) return 0;
    const data = JSON.stringify(event.message);
    for (const client of recipients) client.send(data);
    return recipients.size;
  }

  /** The sockets on any of these channels, each once (one channel: its member set as it is). */
  private recipientsOf(channels: readonly string[]): ReadonlySet<HubClient> {
    if (channels.length === 1) return this.byChannel.get(channels[0]!) ?? NO_CLIENTS;
    const recipients = new Set<HubClient>();
    for (const channel of channels) {
      for (const client of this.byChannel.get(channel) ?? []) recipients.add(client);
    }
    return recipients;
  }

  heartbeat(): void {
    for (const client of this.all) client.heartbeat();
  }

  /** Closes the sockets of the ended sessions (a rare event: every socket is asked). */
  endSessions(end: SessionEnd): void {
    for (const client of [...this.all]) client.endSession(end);
  }

  clients(): IterableIterator<HubClient> {
    return this.all.values();
  }

  get size(): number {
    return this.all.size;
  }

  private leaveChannels(client: HubClient): void {
    for (const channel of this.channelsOf.get(client) ?? []) {
      const members = this.byChannel.get(channel);
      members?.delete(client);
      if (members?.size === 0) this.byChannel.delete(channel);
    }
    this.channelsOf.delete(client);
  }
}
