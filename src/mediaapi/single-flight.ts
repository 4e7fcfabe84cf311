// Concurrent requests for the same thing share one piece of work: the first caller starts it,
// later callers get the same promise until it settles. Used for remote fetches, thumbnail
// generation and URL previews, where a popular item is asked for by many clients at once.
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key);
    if (running) return running;
    const p = work().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  get size(): number {
    return this.inflight.size;
  }
}
