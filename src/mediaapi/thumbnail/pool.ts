// Thumbnail generators: at most `size` images are decoded at once (media_api.max_thumbnail_generators),
// each in its own worker thread, started on demand and ended after a quiet spell. Jobs beyond
// that wait their turn. If worker threads cannot be started (a compiled binary built without
// worker.ts as an entrypoint), jobs run on the calling thread instead, under the same bound.
import type { Logger } from '../../setup/logger.ts';
import { type GeneratedThumbnail, generateThumbnails, type ThumbnailSpec } from './generate.ts';
import type { ImageFormat } from './probe.ts';

export interface ThumbnailJob {
  format: ImageFormat;
  /** The source file (workers read it themselves rather than receive a copy). */
  path: string;
  specs: ThumbnailSpec[];
}

export interface WorkerRequest extends ThumbnailJob {
  id: number;
}

export type WorkerReply =
  | { id: number; ok: true; results: (GeneratedThumbnail | null)[] }
  | { id: number; ok: false; error: string };

export interface ThumbnailPool {
  generate(job: ThumbnailJob): Promise<(GeneratedThumbnail | null)[]>;
  /** Jobs generating now, jobs waiting for a generator, worker threads alive. */
  stats(): { running: number; queued: number; workers: number };
  close(): Promise<void>;
}

export interface PoolOptions {
  size: number;
  log: Logger;
  /** End a worker after this long without work (ms). */
  idleMs?: number;
  /** A job still running after this long ends its worker and fails (ms). */
  jobTimeoutMs?: number;
  /** false: always generate on the calling thread (tests of that path). */
  useWorkers?: boolean;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

/**
 * Where the worker's code is. In a compiled binary, extra entrypoints are stored by their path
 * from the folder shared by all entrypoints (the repository root: `bun build --compile
 * cmd/dendrite.ts src/mediaapi/thumbnail/worker.ts`), and a relative string resolves there.
 */
function workerEntry(): string | URL {
  if (import.meta.url.includes('/$bunfs/')) return './src/mediaapi/thumbnail/worker.ts';
  return new URL('./worker.ts', import.meta.url);
}

export function createThumbnailPool(opts: PoolOptions): ThumbnailPool {
  const size = Math.max(1, opts.size);
  const idleMs = opts.idleMs ?? 30_000;
  const jobTimeoutMs = opts.jobTimeoutMs ?? 60_000;
  let workersOk = opts.useWorkers ?? true;
  let running = 0;
  let nextId = 1;
  let closed = false;
  const idle: Slot[] = [];
  const all = new Set<Slot>();
  const waiting: (() => void)[] = [];

  function spawn(): Slot {
    const worker = new Worker(workerEntry());
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (ev: MessageEvent) => {
        if (!('ready' in ev.data)) return;
        worker.removeEventListener('message', onMessage);
        if (ev.data.ready) resolve();
        else reject(new Error(`thumbnail worker failed to load codecs: ${ev.data.error}`));
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', (ev) => reject(new Error(`thumbnail worker failed: ${ev.message}`)), { once: true });
    });
    const slot: Slot = { worker, ready };
    all.add(slot);
    ready.catch(() => {});
    return slot;
  }

  function retire(slot: Slot) {
    clearTimeout(slot.idleTimer);
    all.delete(slot);
    const i = idle.indexOf(slot);
    if (i >= 0) idle.splice(i, 1);
    slot.worker.terminate();
  }

  function runIn(slot: Slot, job: ThumbnailJob): Promise<(GeneratedThumbnail | null)[]> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (ev: MessageEvent<WorkerReply>) => {
        if (ev.data.id !== id) return;
        cleanup();
        if (ev.data.ok) resolve(ev.data.results);
        else reject(new Error(ev.data.error));
      };
      const onError = (ev: ErrorEvent) => {
        cleanup();
        retire(slot);
        reject(new Error(`thumbnail worker crashed: ${ev.message}`));
      };
      // A hostile image must not keep a generator busy forever.
      const timer = setTimeout(() => {
        cleanup();
        retire(slot);
        reject(new Error(`thumbnail generation took longer than ${jobTimeoutMs} ms`));
      }, jobTimeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        slot.worker.removeEventListener('message', onMessage);
        slot.worker.removeEventListener('error', onError);
      };
      slot.worker.addEventListener('message', onMessage);
      slot.worker.addEventListener('error', onError);
      slot.worker.postMessage({ id, ...job } satisfies WorkerRequest);
    });
  }

  async function inWorker(job: ThumbnailJob) {
    const slot = idle.pop() ?? spawn();
    clearTimeout(slot.idleTimer);
    try {
      await slot.ready;
    } catch (e) {
      retire(slot);
      throw e;
    }
    let results: (GeneratedThumbnail | null)[];
    try {
      results = await runIn(slot, job);
    } catch (e) {
      // After a failed decode the C library's state is not to be trusted: start afresh next time.
      retire(slot);
      throw e;
    }
    if (closed || !all.has(slot)) retire(slot);
    else {
      idle.push(slot);
      slot.idleTimer = setTimeout(() => retire(slot), idleMs);
      slot.idleTimer.unref?.();
    }
    return results;
  }

  async function runJob(job: ThumbnailJob) {
    if (workersOk) {
      try {
        return await inWorker(job);
      } catch (e) {
        if (!/failed to load|worker failed/.test((e as Error).message)) throw e;
        if (workersOk) opts.log.warn('thumbnail workers unavailable; generating on the main thread', { error: (e as Error).message });
        workersOk = false;
      }
    }
    return generateThumbnails(job.format, await Bun.file(job.path).bytes(), job.specs);
  }

  return {
    async generate(job) {
      if (closed) throw new Error('thumbnail pool is closed');
      while (running >= size) await new Promise<void>((r) => waiting.push(r));
      running++;
      try {
        return await runJob(job);
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
    stats: () => ({ running, queued: waiting.length, workers: all.size }),
    async close() {
      closed = true;
      for (const slot of [...all]) retire(slot);
    },
  };
}
