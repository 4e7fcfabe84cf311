// Which transaction of a database the current async call chain is inside. Both engines use it
// to turn two easy mistakes into clear errors instead of deadlocks:
// - db.transaction() inside an open transaction of the same database (transactions do not
//   nest: on SQLite the inner one would wait for the writer queue the outer one holds);
// - a write through `db` instead of `tx` while a transaction is open (same wait on SQLite; on
//   PostgreSQL it would run outside the transaction and can exhaust the pool).
// Reads through `db` stay allowed: they see committed data, which is what a call into another
// component sharing the database expects.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface TxState {
  /** False once the transaction committed or rolled back; work started inside it may outlive it. */
  open: boolean;
}

export class TxScope {
  private readonly als = new AsyncLocalStorage<TxState>();

  run<T>(state: TxState, fn: () => Promise<T>): Promise<T> {
    return this.als.run(state, fn);
  }

  /** True when called (directly or through awaits) from inside an open transaction. */
  inOpenTx(): boolean {
    const s = this.als.getStore();
    return s !== undefined && s.open;
  }

  assertNotNested(): void {
    if (this.inOpenTx()) {
      throw new Error(
        'db.transaction() called inside an open transaction of the same database: transactions do not nest; ' +
          'run the statements on the tx you were given, or start the new transaction after the outer one ends',
      );
    }
  }

  assertNoOpenTx(method: string): void {
    if (this.inOpenTx()) {
      throw new Error(
        `db.${method}() called for a write while a transaction of the same database is open in this call chain: ` +
          `use tx.${method}() inside db.transaction(), or do the write after the transaction ends`,
      );
    }
  }
}

export function assertOpen(state: TxState): void {
  if (!state.open) throw new Error('tx used after its transaction ended: keep statements inside the transaction callback');
}
