// Sends notifications to push gateways (Push Gateway API, "POST /_matrix/push/v1/notify"), off
// the consumers' path: each request is its own task, so a slow or silent gateway holds up
// neither the stream nor other pushes. Connection failures and HTTP 5xx/429 answers are retried
// with exponential backoff, as the spec asks ("the homeserver SHOULD retry for a reasonable
// amount of time"); other answers end the attempt. A request that times out is not repeated:
// the gateway may have delivered it, and a second alert is worse than a lost one. Pending
// retries live in memory, so a restart drops them.
import type { Logger } from '../../setup/logger.ts';

export interface PushRequest {
  url: string;
  body: Record<string, unknown>;
  /** Whose pusher, for removing it when the gateway rejects its pushkey. */
  userId: string;
  appId: string;
  pushkey: string;
}

export interface SenderOptions {
  log: Logger;
  /** user_api.push_gateway_disable_tls_validation */
  disableTlsValidation: boolean;
  /** Called for each of our pushkeys a gateway answers in `rejected`: the spec says remove them. */
  onRejected(req: PushRequest): Promise<void>;
  maxInFlight?: number;
  /** Pushes waiting for a free slot, at most. */
  maxQueued?: number;
  timeoutMs?: number;
  /** Delays before each retry. */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRIES = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000];

export class PushSender {
  private readonly queue: { req: PushRequest; attempt: number }[] = [];
  private inFlight = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly aborts = new Set<AbortController>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: SenderOptions) {}

  send(req: PushRequest): void {
    if (this.closed) return;
    // Gateways that hang hold every slot for the timeout: past this many waiting pushes the
    // oldest are dropped rather than letting memory grow without bound.
    if (this.queue.length >= (this.opts.maxQueued ?? 10_000)) {
      const dropped = this.queue.shift()!;
      this.opts.log.warn('push queue full; dropping the oldest push', { url: dropped.req.url });
    }
    this.queue.push({ req, attempt: 0 });
    this.pump();
  }

  /** Resolves when nothing is queued, in flight or waiting to be retried (tests). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const a of this.aborts) a.abort();
    this.queue.length = 0;
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && this.timers.size === 0;
  }

  private pump(): void {
    const max = this.opts.maxInFlight ?? 32;
    while (!this.closed && this.inFlight < max && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.inFlight++;
      void this.attempt(job.req, job.attempt).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async attempt(req: PushRequest, attempt: number): Promise<void> {
    const { log } = this.opts;
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(new DOMException('push gateway timed out', 'TimeoutError')), this.opts.timeoutMs ?? 20_000);
    let retry = false;
    try {
      const res = await fetch(req.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(req.body),
        signal: abort.signal,
        ...(this.opts.disableTlsValidation ? { tls: { rejectUnauthorized: false } } : {}),
      });
      if (res.ok) {
        await this.handleAnswer(req, res);
      } else {
        await res.body?.cancel();
        retry = res.status >= 500 || res.status === 429;
        log.warn('push gateway refused a notification', { url: req.url, status: res.status, attempt });
      }
    } catch (error) {
      const timedOut = abort.signal.aborted;
      retry = !timedOut && !this.closed;
      if (!this.closed) log.warn('push gateway unreachable', { url: req.url, attempt, timedOut, error: String(error) });
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
    const delays = this.opts.retryDelaysMs ?? DEFAULT_RETRIES;
    if (retry && attempt < delays.length && !this.closed) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.queue.push({ req, attempt: attempt + 1 });
        this.pump();
      }, delays[attempt]);
      this.timers.add(t);
    }
  }

  private async handleAnswer(req: PushRequest, res: Response): Promise<void> {
    let rejected: unknown;
    try {
      rejected = ((await res.json()) as { rejected?: unknown }).rejected;
    } catch {
      return; // A gateway that answers 200 without JSON has still taken the notification.
    }
    if (Array.isArray(rejected) && rejected.includes(req.pushkey)) {
      this.opts.log.info('push gateway rejected a pushkey; removing the pusher', { userId: req.userId, appId: req.appId });
      await this.opts.onRejected(req).catch((error) => this.opts.log.warn('removing a rejected pusher failed', { error }));
    }
  }
}
