// The federation sender's queues, one per destination: PDUs and EDUs are stored first (so they
// survive a restart), then the destination's queue is woken. Queues run only while they have
// work; at start-up every destination with stored work is woken again. A blacklisted
// destination gets nothing queued until it sends us a signed request (serverIsAlive).
import type { LivenessListener } from '../context.ts';
import { deleteDestination, selectBlacklisted, selectTroubled } from '../storage/destinations.ts';
import { insertQueuedEdus, selectEduDestinations } from '../storage/queue-edus.ts';
import { insertQueuedPdus, selectPduDestinations } from '../storage/queue-pdus.ts';
import { DestinationQueue } from './destination.ts';
import type { SenderContext } from './sender-context.ts';

export interface Edu {
  edu_type: string;
  content: unknown;
}

export class Queues implements LivenessListener {
  private readonly queues = new Map<string, DestinationQueue>();
  private closed = false;

  constructor(private readonly ctx: SenderContext) {}

  async start(): Promise<void> {
    for (const s of await selectBlacklisted(this.ctx.db)) this.ctx.blacklist.add(s);
    for (const s of await selectTroubled(this.ctx.db)) this.ctx.troubled.add(s);
    const waiting = new Set([...(await selectPduDestinations(this.ctx.db)), ...(await selectEduDestinations(this.ctx.db))]);
    for (const d of waiting) this.queue(d)?.wake();
  }

  /** Queues one of our events for each destination (not us, not blacklisted). */
  async sendPdu(destinations: readonly string[], eventNid: number): Promise<void> {
    const to = this.targets(destinations);
    if (to.length === 0) return;
    await this.ctx.db.transaction((tx) => insertQueuedPdus(tx, to, eventNid));
    for (const d of to) this.queue(d)?.wake();
  }

  /** Queues an EDU for each destination; `expiresTs` drops it if it has not gone out by then. */
  async sendEdu(destinations: readonly string[], edu: Edu, expiresTs: number | null = null): Promise<void> {
    const to = this.targets(destinations);
    if (to.length === 0) return;
    const json = JSON.stringify(edu);
    await this.ctx.db.transaction((tx) => insertQueuedEdus(tx, to, json, expiresTs));
    for (const d of to) this.queue(d)?.wake();
  }

  /** The server sent us a signed request: it is up, so stop backing off (and un-blacklist it). */
  serverIsAlive(serverName: string): void {
    // Checked in memory first: this runs on every request another server makes.
    if (!this.ctx.troubled.has(serverName)) return;
    this.ctx.troubled.delete(serverName);
    this.ctx.blacklist.delete(serverName);
    void deleteDestination(this.ctx.db, serverName)
      .then(() => this.queue(serverName)?.wake())
      .catch((e) => this.ctx.log.warn('cannot reset destination backoff', { serverName, error: (e as Error).message }));
  }

  /** Destinations with a queue running or waiting (tests, metrics). */
  get active(): number {
    return this.queues.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private targets(destinations: readonly string[]): string[] {
    return [...new Set(destinations)].filter((d) => d !== this.ctx.serverName && !this.ctx.blacklist.has(d));
  }

  private queue(destination: string): DestinationQueue | undefined {
    if (this.closed) return undefined;
    let q = this.queues.get(destination);
    if (!q) {
      q = new DestinationQueue(this.ctx, destination, () => {
        if (this.queues.get(destination) === q) this.queues.delete(destination);
      });
      this.queues.set(destination, q);
    }
    return q;
  }
}
