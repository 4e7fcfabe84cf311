// Event type and state key strings <-> NIDs. The room server hands NIDs out itself (it is the
// only writer of its tables), so the statements of a transaction never wait for one another.
// A NID handed out for a string is final as soon as it is handed out: every transaction that
// uses a NID not yet known to be committed also writes its row (idempotently), so whichever of
// them commits first makes it real and a rolled-back one leaves the others correct.
import type { Database, Queryable } from '../storage/types.ts';
import { Lru } from './lru.ts';
import { insertNid, maxNid, selectNidsByValue, selectValuesByNid, type NidTable } from './storage/nid-strings.ts';

export class NidMap {
  private readonly byValue: Lru<string, number>;
  private readonly byNid: Lru<number, string>;
  /** Handed out but not yet committed: never evicted, written by every user until committed. */
  private readonly pending = new Map<string, number>();
  private next = 0;

  private constructor(
    private readonly db: Database,
    private readonly table: NidTable,
    budget: number,
    seeded: ReadonlyMap<string, number>,
  ) {
    // Costs are rough bytes: a short string and its number.
    this.byValue = new Lru(budget, () => 64);
    this.byNid = new Lru(budget, (v) => v.length * 2 + 32);
    for (const [value, nid] of seeded) this.remember(value, nid);
  }

  static async open(db: Database, table: NidTable, budget: number, seeded: ReadonlyMap<string, number>): Promise<NidMap> {
    const map = new NidMap(db, table, budget, seeded);
    map.next = await maxNid(db, table);
    return map;
  }

  /** The NID of a string if it has one (cache, then database); never hands one out. */
  async find(values: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const v of values) {
      const nid = this.byValue.get(v) ?? this.pending.get(v);
      if (nid !== undefined) out.set(v, nid);
      else missing.push(v);
    }
    if (missing.length > 0) {
      for (const [v, nid] of await selectNidsByValue(this.db, this.table, missing)) {
        this.remember(v, nid);
        out.set(v, nid);
      }
    }
    return out;
  }

  /** The cached NID of a string, without touching the database. */
  cached(value: string): number | undefined {
    return this.byValue.get(value) ?? this.pending.get(value);
  }

  /** NIDs for every string, handing out new ones; `uses` collects those the transaction must write. */
  async ensure(values: readonly string[], uses: NidUses): Promise<Map<string, number>> {
    const out = await this.find(values);
    for (const v of values) {
      let nid = out.get(v);
      if (nid === undefined) {
        nid = ++this.next;
        this.pending.set(v, nid);
        out.set(v, nid);
      }
      if (this.pending.has(v)) uses.add(this, v, nid);
    }
    return out;
  }

  async strings(nids: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const missing: number[] = [];
    for (const nid of nids) {
      const v = this.byNid.get(nid);
      if (v !== undefined) out.set(nid, v);
      else missing.push(nid);
    }
    if (missing.length > 0) {
      for (const [nid, v] of await selectValuesByNid(this.db, this.table, missing)) {
        this.remember(v, nid);
        out.set(nid, v);
      }
    }
    return out;
  }

  write(tx: Queryable, value: string, nid: number): Promise<unknown> {
    return insertNid(tx, this.table, nid, value);
  }

  committed(value: string, nid: number): void {
    if (this.pending.get(value) === nid) this.pending.delete(value);
    this.remember(value, nid);
  }

  private remember(value: string, nid: number): void {
    this.byValue.set(value, nid);
    this.byNid.set(nid, value);
  }
}

/** The pending NIDs a transaction uses: written by it, marked committed after it. */
export class NidUses {
  private readonly list: { map: NidMap; value: string; nid: number }[] = [];

  add(map: NidMap, value: string, nid: number): void {
    if (this.list.some((u) => u.map === map && u.nid === nid)) return;
    this.list.push({ map, value, nid });
  }

  get size(): number {
    return this.list.length;
  }

  /** In one fixed order (by map, then NID), so two PostgreSQL transactions writing the same
   *  pending rows wait for each other in the same order and cannot deadlock. */
  write(tx: Queryable, order: readonly NidMap[]): Promise<unknown>[] {
    const sorted = [...this.list].sort((a, b) => order.indexOf(a.map) - order.indexOf(b.map) || a.nid - b.nid);
    return sorted.map((u) => u.map.write(tx, u.value, u.nid));
  }

  committed(): void {
    for (const u of this.list) u.map.committed(u.value, u.nid);
  }
}
