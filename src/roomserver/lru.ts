// A cost-bounded cache: the room server's caches must fit a Raspberry Pi as well as a big
// server, so each is given a budget (from global.cache.max_size_estimated) rather than a count.
// Eviction is "second chance" (CLOCK): a hit only sets a flag, so reads never reorder the map;
// when over budget, the oldest entries are dropped unless flagged, flagged ones move to the back.

interface Entry<V> {
  value: V;
  cost: number;
  used: boolean;
}

export class Lru<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  private total = 0;

  constructor(
    private readonly budget: number,
    private readonly costOf: (value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (hit === undefined) return undefined;
    hit.used = true;
    return hit.value;
  }

  set(key: K, value: V): void {
    const old = this.map.get(key);
    if (old !== undefined) {
      this.total -= old.cost;
      this.map.delete(key);
    }
    const cost = Math.max(1, this.costOf(value));
    // Something larger than the whole budget is not cached at all.
    if (cost > this.budget) return;
    this.map.set(key, { value, cost, used: false });
    this.total += cost;
    if (this.total > this.budget) this.evict();
  }

  delete(key: K): void {
    const old = this.map.get(key);
    if (old === undefined) return;
    this.total -= old.cost;
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  get cost(): number {
    return this.total;
  }

  private evict(): void {
    // Each entry gets at most one second chance per pass, so this ends.
    let chances = this.map.size;
    for (const [k, e] of this.map) {
      if (this.total <= this.budget) return;
      this.map.delete(k);
      if (e.used && chances-- > 0) {
        e.used = false;
        this.map.set(k, e);
      } else {
        this.total -= e.cost;
      }
    }
  }
}
