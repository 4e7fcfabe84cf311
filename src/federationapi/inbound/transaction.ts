// PUT /send/{txnId} behind the route (Server-Server API, "Transactions"): a transaction is
// processed once. A retry with the same origin and txnId (the sender did not see our answer)
// gets the stored answer; one still being processed is waited for. Transactions from one origin
// are processed one after another, in the order they arrive, as the sender sends them.
import type { FederationContext } from '../context.ts';
import { deleteTxnsBefore, insertTxnResponse, selectTxnResponse } from '../storage/inbound-txns.ts';
import { processEdus } from './edus.ts';
import { type PduResults, processPdus } from './pdus.ts';

const KEEP_ANSWERS_MS = 24 * 3600_000;

export interface TransactionBody {
  pdus: unknown[];
  edus: unknown[];
}

export class TransactionHandler {
  private readonly inflight = new Map<string, Promise<{ pdus: PduResults }>>();
  private readonly tails = new Map<string, Promise<unknown>>();
  private lastSweep = 0;

  constructor(private readonly ctx: FederationContext) {}

  handle(origin: string, txnId: string, body: TransactionBody): Promise<{ pdus: PduResults }> {
    const key = `${origin}\u0000${txnId}`;
    const running = this.inflight.get(key);
    if (running) return running;
    // Chained after the origin's previous transaction, so its events go in in the order sent.
    const previous = this.tails.get(origin) ?? Promise.resolve();
    const work = previous.catch(() => undefined).then(() => this.process(origin, txnId, body));
    this.inflight.set(key, work);
    this.tails.set(origin, work);
    work
      .finally(() => {
        this.inflight.delete(key);
        if (this.tails.get(origin) === work) this.tails.delete(origin);
      })
      .catch(() => undefined);
    return work;
  }

  private async process(origin: string, txnId: string, body: TransactionBody): Promise<{ pdus: PduResults }> {
    const { ctx } = this;
    const seen = await selectTxnResponse(ctx.db, origin, txnId);
    if (seen !== undefined) return JSON.parse(seen) as { pdus: PduResults };
    const pdus = await processPdus(ctx, origin, body.pdus);
    await processEdus(ctx, origin, body.edus);
    const answer = { pdus };
    const now = ctx.now();
    await ctx.db.transaction(async (tx) => {
      await insertTxnResponse(tx, origin, txnId, JSON.stringify(answer), now);
      if (now - this.lastSweep > 3600_000) {
        this.lastSweep = now;
        await deleteTxnsBefore(tx, now - KEEP_ANSWERS_MS);
      }
    });
    return answer;
  }
}
