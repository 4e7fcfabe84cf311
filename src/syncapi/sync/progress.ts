// How far each of our consumers has got in its bus stream. A route that publishes to a stream we
// consume ourselves (typing, receipts, to-device, presence) waits, briefly, until our consumer
// has handled that message, so the client's next /sync already sees what it just wrote.
export class ConsumerProgress {
  private readonly done = new Map<string, number>();
  private readonly waiters = new Map<string, { seq: number; resolve: () => void }[]>();

  /** Records that every message of `stream` up to `seq` has been handled. */
  handled(stream: string, seq: number): void {
    if (seq <= (this.done.get(stream) ?? 0)) return;
    this.done.set(stream, seq);
    const list = this.waiters.get(stream);
    if (!list) return;
    const still = list.filter((w) => (w.seq <= seq ? (w.resolve(), false) : true));
    if (still.length > 0) this.waiters.set(stream, still);
    else this.waiters.delete(stream);
  }

  /** Resolves once `seq` of `stream` is handled, or after `timeoutMs` (the write is not lost). */
  async waitFor(stream: string, seq: number, timeoutMs = 2000): Promise<void> {
    if ((this.done.get(stream) ?? 0) >= seq) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const entry = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const list = this.waiters.get(stream) ?? [];
      list.push(entry);
      this.waiters.set(stream, list);
    });
  }
}
