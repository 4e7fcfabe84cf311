// The Hono app every public listener serves: CORS, request logs, Matrix errors for everything
// that goes wrong, 404/405 M_UNRECOGNIZED for unknown paths and methods.
import { Hono } from 'hono';
import type { Logger } from '../setup/logger.ts';
import { cors } from './cors.ts';
import { MatrixError, unrecognized } from './errors.ts';
import type { Env } from './env.ts';
import { RouteTable } from './router.ts';

export interface MatrixApp {
  app: Hono<Env>;
  routes: RouteTable;
}

export function errorResponse(err: MatrixError): Response {
  return new Response(JSON.stringify(err.toJSON()), {
    status: err.status,
    headers: { 'Content-Type': 'application/json' },
  });
}

export function createApp(log: Logger): MatrixApp {
  const app = new Hono<Env>();
  const routes = new RouteTable();

  app.use('*', async function requestLog(c, next) {
    const start = performance.now();
    c.set('log', log);
    await next();
    const requester = c.get('requester');
    log.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
      ...(requester ? { user: requester.userId } : {}),
    });
  });
  app.use('*', cors());

  app.onError((err, c) => {
    if (err instanceof MatrixError) return errorResponse(err);
    log.error('request failed', { method: c.req.method, path: c.req.path, error: err });
    return errorResponse(new MatrixError('M_UNKNOWN', 'Internal server error'));
  });

  app.notFound((c) => {
    const methods = routes.methodsFor(c.req.path);
    if (methods && !methods.has(c.req.method)) {
      return errorResponse(unrecognized(`${c.req.method} is not allowed on ${c.req.path}`, 405));
    }
    return errorResponse(unrecognized(`Unrecognized request: ${c.req.method} ${c.req.path}`));
  });

  return { app, routes };
}
