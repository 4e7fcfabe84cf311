// One destination's queue (Server-Server API, "Transactions"): at most 50 PDUs and 100 EDUs per
// transaction, oldest first, one transaction in flight. A failed transaction is retried with the
// same txnId and the same contents ("The sending server must wait and retry for a 200 OK response
// before sending a transaction with a different txnId"), after a backoff kept in
// federationapi_destinations so it survives a restart. The queue itself is in the database; this
// object only runs it while there is work.
import type { PduJson } from '../../protocol/event.ts';
import { sendTransaction } from '../client/calls/events.ts';
import { MatrixError } from '../../http/errors.ts';
import { deleteDestination, selectDestination, upsertDestination } from '../storage/destinations.ts';
import { deleteDestinationEdus, deleteQueuedEdus, selectQueuedEdus } from '../storage/queue-edus.ts';
import { deleteDestinationPdus, deleteQueuedPdus, selectQueuedPdus } from '../storage/queue-pdus.ts';
import { backoffDelay } from './backoff.ts';
import type { SenderContext } from './sender-context.ts';

export const MAX_PDUS_PER_TXN = 50;
export const MAX_EDUS_PER_TXN = 100;

interface PendingTxn {
  txnId: string;
  pduRows: number[];
  eduRows: number[];
  pdus: PduJson[];
  edus: { edu_type: string; content: unknown }[];
}

export class DestinationQueue {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: PendingTxn | undefined;
  private closed = false;

  constructor(
    private readonly ctx: SenderContext,
    readonly destination: string,
    private readonly onIdle: () => void,
  ) {}

  /** There may be new work: run the queue (or run it once more if it is running). */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.run()
      .catch((e) => this.ctx.log.error('destination queue failed', { destination: this.destination, error: e }))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.closed) {
          this.again = false;
          this.wake();
        } else if (!this.timer) this.onIdle();
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    const { ctx, destination } = this;
    while (!this.closed) {
      this.again = false;
      const state = await selectDestination(ctx.db, destination);
      if (state?.blacklisted) return;
      const wait = state ? state.retryAt - ctx.now() : 0;
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.wake();
        }, wait);
        return;
      }
      this.pending ??= await this.nextTxn();
      if (!this.pending) return;
      const ok = await this.send(this.pending);
      if (!ok) continue; // the backoff just recorded decides when
      await ctx.db.transaction(async (tx) => {
        await deleteQueuedPdus(tx, this.pending!.pduRows);
        await deleteQueuedEdus(tx, this.pending!.eduRows);
        if (state) await deleteDestination(tx, destination);
      });
      ctx.troubled.delete(destination);
      this.pending = undefined;
    }
  }

  /** The next transaction from the stored queue; undefined when the queue is empty. */
  private async nextTxn(): Promise<PendingTxn | undefined> {
    const { ctx, destination } = this;
    const [pduRows, eduRows] = await Promise.all([selectQueuedPdus(ctx.db, destination, MAX_PDUS_PER_TXN), selectQueuedEdus(ctx.db, destination, MAX_EDUS_PER_TXN)]);
    if (pduRows.length === 0 && eduRows.length === 0) return undefined;
    const events = pduRows.length > 0 ? await ctx.roomserver.eventsByNid(pduRows.map((r) => r.eventNid)) : [];
    const byNid = new Map(events.map((e) => [e.nid, e]));
    const now = ctx.now();
    const pdus: PduJson[] = [];
    for (const r of pduRows) {
      const e = byNid.get(r.eventNid);
      if (!e) continue; // purged since: nothing to send
      const { unsigned: _u, ...pdu } = e.json;
      pdus.push(pdu as PduJson);
    }
    const edus = eduRows.filter((r) => r.expiresTs === null || r.expiresTs > now).map((r) => JSON.parse(r.json) as PendingTxn['edus'][number]);
    return { txnId: ctx.nextTxnId(), pduRows: pduRows.map((r) => r.id), eduRows: eduRows.map((r) => r.id), pdus, edus };
  }

  /** Sends the transaction; true when it was delivered (or is undeliverable and dropped). */
  private async send(t: PendingTxn): Promise<boolean> {
    const { ctx, destination } = this;
    if (t.pdus.length === 0 && t.edus.length === 0) return true;
    try {
      const res = await sendTransaction(ctx.client, destination, t.txnId, { origin: ctx.serverName, origin_server_ts: ctx.now(), pdus: t.pdus, edus: t.edus });
      for (const [eventId, r] of Object.entries(res.pdus ?? {})) {
        if (r?.error) ctx.log.info('destination refused an event', { destination, eventId, error: r.error });
      }
      return true;
    } catch (e) {
      // A transaction the server calls malformed will never be taken: drop it rather than block the queue.
      if (e instanceof MatrixError && (e.status === 400 || e.status === 413)) {
        ctx.log.warn('transaction refused as malformed; dropped', { destination, txnId: t.txnId, error: e.message });
        return true;
      }
      await this.failed((e as Error).message);
      return false;
    }
  }

  private async failed(reason: string): Promise<void> {
    const { ctx, destination } = this;
    const state = (await selectDestination(ctx.db, destination)) ?? { serverName: destination, failures: 0, retryAt: 0, blacklisted: false };
    const failures = state.failures + 1;
    ctx.troubled.add(destination);
    if (failures >= ctx.maxRetries) {
      ctx.log.warn('destination blacklisted after repeated failures', { destination, failures, reason });
      await ctx.db.transaction(async (tx) => {
        await upsertDestination(tx, { serverName: destination, failures, retryAt: 0, blacklisted: true });
        await deleteDestinationPdus(tx, destination);
        await deleteDestinationEdus(tx, destination);
      });
      ctx.blacklist.add(destination);
      this.pending = undefined;
      return;
    }
    const delay = backoffDelay(failures, ctx.backoff);
    ctx.log.info('transaction failed; backing off', { destination, failures, delayMs: delay, reason });
    await upsertDestination(ctx.db, { serverName: destination, failures, retryAt: ctx.now() + delay, blacklisted: false });
  }
}
