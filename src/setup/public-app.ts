// The public Matrix app of a process: one Hono app, every served component's routes mounted on
// it with the same auth, rate limits and body limit.
import { createApp, type MatrixApp } from '../http/app.ts';
import type { Authenticate } from '../http/auth.ts';
import { createRateLimiter } from '../http/rate-limit.ts';
import type { RouterDeps } from '../http/router.ts';
import type { Config } from '../config/types.ts';
import type { Component } from './base.ts';
import type { Logger } from './logger.ts';

export function publicApp(
  config: Config,
  log: Logger,
  authenticate: Authenticate,
  components: Component<unknown>[],
  /** Checks X-Matrix on federation routes (the federation API's verifier); absent: they answer 401. */
  verifyServer?: RouterDeps['verifyServer'],
): MatrixApp {
  const app = createApp(log.child('http'));
  const deps: RouterDeps = {
    authenticate,
    rateLimiter: createRateLimiter(config.client_api.rate_limiting),
    log,
    maxBodyBytes: config.global.max_request_body_bytes,
    verifyServer,
  };
  for (const c of components) c.mountRoutes?.(app, deps);
  return app;
}
