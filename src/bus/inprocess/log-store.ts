// The in-process bus's log file: messages of file streams, stream positions, durable consumers
// and their unacknowledged messages, in one SQLite file under jetstream.storage_path.
//
// This is the one file outside src/storage/ that imports bun:sqlite, on purpose: the bus is
// process plumbing, not a component database. It needs synchronous reads inside the delivery
// loop, an exclusive lock on its folder, and none of the dialect layer.
//
// Durability: journal_mode=WAL with synchronous=NORMAL. A commit appends its pages to the WAL
// file with write() before returning, so once a publish resolves, its message is in the file
// and survives a crash of this process (the kernel holds the data even if we never fsync).
// Only an OS crash or power cut can lose the last commits; FULL would fsync on every commit and
// costs about 9x the throughput (bun-stack.md #10), which a Raspberry Pi cannot spare. The
// checkpoints, which do fsync (about half of a publish's cost when they ran on this thread),
// run on the storage layer's checkpointer thread once the log keeps writing.
//
// One process owns the log: a second server on the same storage_path would hand out the same
// sequence numbers, so it gets a clear error instead. The owner holds an exclusive lock on a
// small lock database beside the log (not on the log itself, which the checkpointer thread opens
// too). The OS releases the lock when the owner dies, even by SIGKILL.
import { Database } from 'bun:sqlite';
import { type Checkpointer, FALLBACK_AUTOCHECKPOINT, startCheckpointer } from '../../storage/checkpointer.ts';
import type { Headers } from '../types.ts';
import type { StoredMessage } from './memory-log.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bus_streams (
  name TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bus_messages (
  stream TEXT NOT NULL, seq INTEGER NOT NULL, subject TEXT NOT NULL, headers TEXT,
  data BLOB NOT NULL, ts INTEGER NOT NULL, PRIMARY KEY (stream, seq)) WITHOUT ROWID;
-- No index by subject: it cost every message a page write, for filtered consumers reading from
-- the file, which only a lagging one does (and no component filters today). They scan instead.
DROP INDEX IF EXISTS bus_messages_subject;
CREATE TABLE IF NOT EXISTS bus_consumers (
  stream TEXT NOT NULL, durable TEXT NOT NULL, filter TEXT, delivered_seq INTEGER NOT NULL,
  PRIMARY KEY (stream, durable)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bus_pending (
  stream TEXT NOT NULL, durable TEXT NOT NULL, seq INTEGER NOT NULL, deliveries INTEGER NOT NULL,
  PRIMARY KEY (stream, durable, seq)) WITHOUT ROWID;
`;

export interface ConsumerRow {
  durable: string;
  filter: string | null;
  deliveredSeq: number;
  /** Delivered but not acknowledged: seq -> how many times delivered. */
  pending: Map<number, number>;
}

/** Everything written by one flush, committed in one transaction. */
export interface WriteBatch {
  messages: { stream: string; m: StoredMessage }[];
  lastSeqs: Map<string, number>;
  consumers: { stream: string; durable: string; filter: string | null; deliveredSeq: number }[];
  pendingPut: { stream: string; durable: string; seq: number; deliveries: number }[];
  pendingDel: { stream: string; durable: string; seq: number }[];
}

type MsgRow = { seq: number; subject: string; headers: string | null; data: Uint8Array; ts: number };

const toMessage = (r: MsgRow): StoredMessage => ({
  seq: r.seq,
  subject: r.subject,
  headers: r.headers ? (JSON.parse(r.headers) as Headers) : {},
  data: r.data,
  ts: r.ts,
});

/** Writes before the checkpointer thread starts: a log that hardly writes (tests) never needs it. */
const CHECKPOINTER_AFTER_WRITES = 256;

export class LogStore {
  private readonly lock: Database;
  private readonly db: Database;
  private readonly writeTx: (b: WriteBatch) => void;
  private writes = 0;
  private checkpointer: Promise<Checkpointer | undefined> | undefined;

  constructor(readonly file: string) {
    this.lock = ownerLock(file);
    try {
      this.db = new Database(file, { create: true, strict: true });
      // A wait only ever happens for the checkpointer thread's brief locks.
      this.db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=1000');
      this.db.exec(SCHEMA);
    } catch (err) {
      this.lock.close();
      throw new Error(`bus: cannot open the bus log ${file}: ${String((err as Error).message ?? err)}`);
    }
    const insMsg = this.db.query('INSERT INTO bus_messages (stream, seq, subject, headers, data, ts) VALUES (?, ?, ?, ?, ?, ?)');
    const setSeq = this.db.query(
      'INSERT INTO bus_streams (name, last_seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_seq = excluded.last_seq',
    );
    const setConsumer = this.db.query(
      `INSERT INTO bus_consumers (stream, durable, filter, delivered_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream, durable) DO UPDATE SET filter = excluded.filter, delivered_seq = excluded.delivered_seq`,
    );
    const putPending = this.db.query(
      `INSERT INTO bus_pending (stream, durable, seq, deliveries) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream, durable, seq) DO UPDATE SET deliveries = excluded.deliveries`,
    );
    const delPending = this.db.query('DELETE FROM bus_pending WHERE stream = ? AND durable = ? AND seq = ?');
    this.writeTx = this.db.transaction((b: WriteBatch) => {
      for (const { stream, m } of b.messages) {
        const headers = Object.keys(m.headers).length > 0 ? JSON.stringify(m.headers) : null;
        insMsg.run(stream, m.seq, m.subject, headers, m.data, m.ts);
      }
      for (const [name, seq] of b.lastSeqs) setSeq.run(name, seq);
      for (const c of b.consumers) setConsumer.run(c.stream, c.durable, c.filter, c.deliveredSeq);
      for (const p of b.pendingPut) putPending.run(p.stream, p.durable, p.seq, p.deliveries);
      for (const p of b.pendingDel) delPending.run(p.stream, p.durable, p.seq);
    });
  }

  write(b: WriteBatch): void {
    this.writeTx(b);
    if (++this.writes === CHECKPOINTER_AFTER_WRITES) {
      this.checkpointer = startCheckpointer(this.file).then((c) => {
        // Without the worker, SQLite's own checkpoints (every 1000 pages) stay as they were.
        if (c) this.db.exec(`PRAGMA wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
        return c;
      });
    }
  }

  /** The last sequence number handed out in each stream (kept even when its messages are gone). */
  lastSeq(stream: string): number {
    const row = this.db.query<{ s: number | null }, [string, string]>(
      'SELECT MAX(s) AS s FROM (SELECT last_seq AS s FROM bus_streams WHERE name = ? UNION ALL SELECT MAX(seq) FROM bus_messages WHERE stream = ?)',
    ).get(stream, stream);
    return row?.s ?? 0;
  }

  consumers(stream: string): ConsumerRow[] {
    const rows = this.db
      .query<{ durable: string; filter: string | null; delivered_seq: number }, [string]>(
        'SELECT durable, filter, delivered_seq FROM bus_consumers WHERE stream = ?',
      )
      .all(stream);
    const pend = this.db
      .query<{ durable: string; seq: number; deliveries: number }, [string]>(
        'SELECT durable, seq, deliveries FROM bus_pending WHERE stream = ? ORDER BY seq',
      )
      .all(stream);
    return rows.map((r) => ({
      durable: r.durable,
      filter: r.filter,
      deliveredSeq: r.delivered_seq,
      pending: new Map(pend.filter((p) => p.durable === r.durable).map((p) => [p.seq, p.deliveries])),
    }));
  }

  /** Up to `limit` messages with seq >= `from`, optionally of one subject only. */
  read(stream: string, from: number, limit: number, subject?: string): StoredMessage[] {
    const rows = subject
      ? this.db
          .query<MsgRow, [string, string, number, number]>(
            'SELECT seq, subject, headers, data, ts FROM bus_messages WHERE stream = ? AND subject = ? AND seq >= ? ORDER BY seq LIMIT ?',
          )
          .all(stream, subject, from, limit)
      : this.db
          .query<MsgRow, [string, number, number]>(
            'SELECT seq, subject, headers, data, ts FROM bus_messages WHERE stream = ? AND seq >= ? ORDER BY seq LIMIT ?',
          )
          .all(stream, from, limit);
    return rows.map(toMessage);
  }

  get(stream: string, seq: number): StoredMessage | undefined {
    const r = this.db
      .query<MsgRow, [string, number]>('SELECT seq, subject, headers, data, ts FROM bus_messages WHERE stream = ? AND seq = ?')
      .get(stream, seq);
    return r ? toMessage(r) : undefined;
  }

  /** The first message published at or after `ts`; messages before it have expired. */
  firstSeqSince(stream: string, ts: number): number | undefined {
    const r = this.db
      .query<{ seq: number }, [string, number]>('SELECT seq FROM bus_messages WHERE stream = ? AND ts >= ? ORDER BY seq LIMIT 1')
      .get(stream, ts);
    return r?.seq;
  }

  /** Deletes messages up to `seq`, first saving the stream's counter, which they may have carried. */
  deleteThrough(stream: string, seq: number, lastSeq: number): void {
    this.db.transaction(() => {
      this.db
        .query('INSERT INTO bus_streams (name, last_seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)')
        .run(stream, lastSeq);
      this.db.query('DELETE FROM bus_messages WHERE stream = ? AND seq <= ?').run(stream, seq);
    })();
  }

  /** Closes at once when no checkpointer thread was started (the log was hardly written). */
  close(): Promise<void> {
    const closeFiles = () => {
      this.db.close();
      this.lock.close();
    };
    if (!this.checkpointer) {
      closeFiles();
      return Promise.resolve();
    }
    return this.checkpointer.then(async (c) => {
      await c?.stop();
      closeFiles();
    });
  }
}

/** Takes the lock that makes this process the log's one owner: an exclusive lock on `<file>.lock`,
 *  a SQLite file written once in locking_mode=EXCLUSIVE, which keeps the lock until closed. */
function ownerLock(file: string): Database {
  let lock: Database | undefined;
  try {
    lock = new Database(`${file}.lock`, { create: true });
    lock.exec('PRAGMA locking_mode=EXCLUSIVE; PRAGMA busy_timeout=0');
    lock.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER NOT NULL); DELETE FROM owner');
    lock.query('INSERT INTO owner (pid) VALUES (?)').run(process.pid);
    return lock;
  } catch (err) {
    lock?.close();
    const why = String((err as Error).message ?? err);
    if (/locked|busy/i.test(why)) {
      throw new Error(`bus: ${file} is in use by another process; one server owns a jetstream.storage_path`);
    }
    throw new Error(`bus: cannot lock the bus log ${file}: ${why}`);
  }
}
