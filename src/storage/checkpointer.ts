// Background checkpoints of a SQLite database file. In WAL mode a commit only appends pages to the
// log; a checkpoint later copies them into the database file, and with synchronous=NORMAL it first
// fsyncs the log: measured here, a checkpoint every ~1000 pages (SQLite's default) stalled the
// committing request for 4-9 ms, and once every ~55 sends, ~0.1 ms per send on average. So a
// worker thread with its own connection checkpoints instead (checkpoint-worker.ts), and the
// writer keeps a far larger automatic checkpoint only as a bound on the log, should the worker
// fall behind or a checkpoint never find the log quiet enough to start it over.
//
// Durability is unchanged: commits are in the log before they return, as before; only the copy
// into the database file and its fsyncs moved to another thread.
import type { CheckpointWorkerReply, CheckpointWorkerStart } from './checkpoint-worker.ts';

// Not more often: after a complete checkpoint the writer starts the log over, and writing the new
// log header costs it an fsync of its own (measured: 0.3-0.5 ms each, 4 a second at this pace).
const CHECKPOINT_EVERY_MS = 250;
/** The writer's own automatic checkpoint while the worker runs (pages; 4 KiB each). */
export const FALLBACK_AUTOCHECKPOINT = 16_384;
const STOP_WAIT_MS = 2000;

export interface Checkpointer {
  /** Resolves once the worker's connection is closed. */
  stop(): Promise<void>;
}

/**
 * Where the worker's code is. A compiled binary stores extra entrypoints by their path from the
 * repository root (build.sh passes src/storage/checkpoint-worker.ts), and a relative string
 * resolves there.
 */
function workerEntry(): string | URL {
  if (import.meta.url.includes('/$bunfs/')) return './src/storage/checkpoint-worker.ts';
  return new URL('./checkpoint-worker.ts', import.meta.url);
}

/** Starts checkpointing `path` on a worker; resolves undefined if the worker cannot run. */
export async function startCheckpointer(path: string): Promise<Checkpointer | undefined> {
  let worker: Worker;
  try {
    worker = new Worker(workerEntry());
  } catch {
    return undefined;
  }
  const stopFlag = new SharedArrayBuffer(4);
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const ready = await new Promise<boolean>((resolve) => {
    worker.addEventListener('message', (ev: MessageEvent<CheckpointWorkerReply>) => {
      if ('closed' in ev.data) closed();
      else resolve(ev.data.ready);
    });
    worker.addEventListener('error', () => resolve(false));
    worker.postMessage({ path, stop: stopFlag, everyMs: CHECKPOINT_EVERY_MS } satisfies CheckpointWorkerStart);
  });
  if (!ready) {
    worker.terminate();
    return undefined;
  }
  // The thread does nothing a process should wait for at exit.
  worker.unref();
  return {
    async stop() {
      const flag = new Int32Array(stopFlag);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, STOP_WAIT_MS)))]);
      clearTimeout(timer);
      worker.terminate();
    },
  };
}
