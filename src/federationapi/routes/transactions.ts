// Server-Server API, "Transactions" (transactions.yaml).
import { badJson } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { TransactionHandler } from '../inbound/transaction.ts';

/** "Transactions are limited in size; they can have at most 50 PDUs and 100 EDUs." */
export const MAX_PDUS = 50;
export const MAX_EDUS = 100;

const transaction = v.object({
  origin: v.string().opt(),
  origin_server_ts: v.integer().opt(),
  pdus: v.array(v.any()).opt(),
  edus: v.array(v.any()).opt(),
});

/** Mounted under /_matrix/federation/v1. */
export function transactionOps(transactions: TransactionHandler): Operation[] {
  return [
    // PUT /_matrix/federation/v1/send/{txnId}
    op({ method: 'PUT', path: '/send/:txnId', access: 'server', body: transaction }, function sendTransaction({ params, body, origin }) {
      const pdus = body.pdus ?? [];
      const edus = body.edus ?? [];
      if (pdus.length > MAX_PDUS) throw badJson(`A transaction may hold at most ${MAX_PDUS} PDUs`);
      if (edus.length > MAX_EDUS) throw badJson(`A transaction may hold at most ${MAX_EDUS} EDUs`);
      return transactions.handle(origin!, params.txnId!, { pdus, edus });
    }),
  ];
}
