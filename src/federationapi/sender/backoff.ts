// How long to wait before trying a destination again after `failures` failed transactions in a
// row: base × 2^(failures−1), jittered by ±20 % so that queues held up by one outage do not all
// retry in the same instant. After federation_api.send_max_retries failures the destination is
// blacklisted (as Dendrite does) until it shows it is up again by sending us a request.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export function backoffDelay(failures: number, o: BackoffOptions): number {
  const exp = Math.min(o.baseMs * 2 ** Math.max(0, failures - 1), o.maxMs);
  const jitter = 0.8 + 0.4 * (o.random ?? Math.random)();
  return Math.round(exp * jitter);
}
