// A handler that records deliveries and lets a test wait for a number of them.
import type { BusMessage, MessageHandler } from '../../../src/bus/types.ts';

export interface Collector {
  readonly got: BusMessage[];
  handler: MessageHandler;
  /** Resolves once `n` deliveries arrived; fails after `timeoutMs` saying how many did. */
  until(n: number, timeoutMs?: number): Promise<BusMessage[]>;
}

/** `behave` runs inside the handler after recording; it may throw or wait. */
export function collect(behave?: (m: BusMessage, index: number) => Promise<void> | void): Collector {
  const got: BusMessage[] = [];
  let waiters: { n: number; resolve(): void }[] = [];
  const handler: MessageHandler = async (m) => {
    const i = got.push(m) - 1;
    waiters = waiters.filter((w) => (got.length >= w.n ? (w.resolve(), false) : true));
    await behave?.(m, i);
  };
  const until = async (n: number, timeoutMs = 10_000) => {
    if (got.length < n) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => waiters.push({ n, resolve })),
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`expected ${n} deliveries, got ${got.length} in ${timeoutMs} ms`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    return got;
  };
  return { got, handler, until };
}

export const text = (m: BusMessage) => new TextDecoder().decode(m.data);

/** A promise with its resolve function, for handlers a test releases by hand. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
