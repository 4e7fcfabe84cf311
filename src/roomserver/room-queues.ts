// Events of one room are processed strictly one after another; rooms run side by side, at most
// `maxRooms` at a time (DESIGN.md, "Events of one room are processed strictly in order"). Each
// room's queue is a promise chain that disappears when it empties, so idle rooms cost nothing.

interface RoomChain {
  tail: Promise<void>;
  pending: number;
}

export class RoomQueues {
  private readonly rooms = new Map<string, RoomChain>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly maxRooms: number) {}

  /** Runs fn after every earlier task of the same room has finished. */
  run<T>(roomId: string, fn: () => Promise<T>): Promise<T> {
    let chain = this.rooms.get(roomId);
    if (!chain) {
      chain = { tail: Promise.resolve(), pending: 0 };
      this.rooms.set(roomId, chain);
    }
    const c = chain;
    c.pending++;
    const result = c.tail.then(() => this.withSlot(fn));
    c.tail = result.then(
      () => this.done(roomId, c),
      () => this.done(roomId, c),
    );
    return result;
  }

  /** Rooms with queued or running work. */
  get activeRooms(): number {
    return this.rooms.size;
  }

  /** Resolves when every queued task has finished. */
  async idle(): Promise<void> {
    while (this.rooms.size > 0) await Promise.all([...this.rooms.values()].map((c) => c.tail));
  }

  private async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRooms) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next room waiting, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private done(roomId: string, c: RoomChain): void {
    if (--c.pending === 0 && this.rooms.get(roomId) === c) this.rooms.delete(roomId);
  }
}
