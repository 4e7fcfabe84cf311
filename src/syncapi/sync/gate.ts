// At most N tasks at a time, the rest in arrival order. One message wakes every long-poll of
// its room at once; run side by side, their builds would interleave at every await and all
// finish near the end of the batch. Admitted a few at a time, the first ones answer while the
// others wait, so the typical client hears of the message sooner and the total stays the same.
export class Gate {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}
