// The checkpointer thread of a SQLite database file (checkpointer.ts). With its own connection it
// copies what the write-ahead log holds into the database file every CHECKPOINT_EVERY_MS, and
// syncs both (synchronous=NORMAL: "the WAL file is synchronized before each checkpoint and the
// database file is synchronized after each completed checkpoint"), so the thread that serves
// requests never waits for those fsyncs. PASSIVE never blocks the writer or the readers.
import { Database } from 'bun:sqlite';

export interface CheckpointWorkerStart {
  path: string;
  /** Int32 slot 0: set to 1 (and notified) to stop. */
  stop: SharedArrayBuffer;
  everyMs: number;
}

export type CheckpointWorkerReply = { ready: true } | { ready: false; error: string } | { closed: true };

declare const self: Worker;

self.onmessage = (ev: MessageEvent<CheckpointWorkerStart>) => {
  const { path, stop, everyMs } = ev.data;
  const flag = new Int32Array(stop);
  let db: Database;
  try {
    db = new Database(path, { readwrite: true, create: false });
    db.run('PRAGMA synchronous = NORMAL');
  } catch (err) {
    postMessage({ ready: false, error: String((err as Error).message ?? err) } satisfies CheckpointWorkerReply);
    return;
  }
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  postMessage({ ready: true } satisfies CheckpointWorkerReply);
  // Atomics.wait sleeps this thread until the timeout, or until stop is set and notified.
  while (Atomics.wait(flag, 0, 0, everyMs) === 'timed-out') {
    try {
      checkpoint.run();
    } catch {
      // Busy (another process's checkpoint, a schema change): the next round tries again.
    }
  }
  checkpoint.finalize();
  db.close();
  postMessage({ closed: true } satisfies CheckpointWorkerReply);
};
