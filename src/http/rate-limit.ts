// Rate limits per requester (user, or IP address before login): `threshold` requests per
// `cooloff_ms` window, as Dendrite's client_api.rate_limiting. A refused request answers 429
// M_LIMIT_EXCEEDED with retry_after_ms.
import type { RateLimiting } from '../config/types.ts';
import { limitExceeded } from './errors.ts';

interface Window {
  start: number;
  count: number;
}

export interface RateLimiter {
  /** Throws M_LIMIT_EXCEEDED when `key` has used up its window. */
  check(key: string, userId?: string): void;
}

export function createRateLimiter(opts: RateLimiting, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, Window>();
  const exempt = new Set(opts.exempt_user_ids);
  let lastSweep = now();

  function sweep(t: number) {
    // Forget windows that have ended so idle clients cost no memory.
    if (t - lastSweep < opts.cooloff_ms * 10) return;
    lastSweep = t;
    for (const [k, w] of windows) if (t - w.start >= opts.cooloff_ms) windows.delete(k);
  }

  return {
    check(key: string, userId?: string) {
      if (!opts.enabled || (userId !== undefined && exempt.has(userId))) return;
      const t = now();
      sweep(t);
      const w = windows.get(key);
      if (!w || t - w.start >= opts.cooloff_ms) {
        windows.set(key, { start: t, count: 1 });
        return;
      }
      w.count++;
      if (w.count > opts.threshold) throw limitExceeded(Math.max(1, opts.cooloff_ms - (t - w.start)));
    },
  };
}
