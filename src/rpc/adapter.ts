// One generic adapter between components. A component's api.ts declares an interface of async
// methods with plain JSON values, and the list of its method names. In a monolith the caller
// holds the implementation itself; in a polylith `serveApi` exposes it as
// `POST /api/<component>/<method>` and `apiClient` turns those calls back into the interface.
// Errors cross as Matrix error bodies, so a MatrixError thrown in one process is thrown again,
// with the same errcode and status, in the other.
import type { Hono } from 'hono';
import { MatrixError, matrixErrorFromBody } from '../http/errors.ts';

// biome-ignore lint: an API is any object of async methods
type AnyApi = Record<string, any>;
type Methods<T> = readonly (keyof T & string)[];

export const apiPath = (component: string, method: string) => `/api/${component}/${method}`;

export function serveApi<T extends AnyApi>(app: Hono, component: string, impl: T, methods: Methods<T>): void {
  for (const method of methods) {
    app.post(apiPath(component, method), async (c) => {
      let args: unknown[];
      try {
        const body = (await c.req.json()) as { args?: unknown };
        if (!Array.isArray(body.args)) throw new Error('args must be an array');
        args = body.args;
      } catch (e) {
        return c.json({ errcode: 'M_BAD_JSON', error: `Bad internal API call: ${(e as Error).message}` }, 400);
      }
      try {
        const result = await (impl[method] as (...a: unknown[]) => Promise<unknown>)(...args);
        return c.json({ result: result ?? null });
      } catch (e) {
        if (e instanceof MatrixError) return c.json(e.toJSON(), e.status as 400);
        return c.json({ errcode: 'M_UNKNOWN', error: `${component}.${method} failed: ${(e as Error).message}` }, 500);
      }
    });
  }
}

export interface ClientOptions {
  /** Milliseconds before a call is abandoned with M_CONNECTION_TIMEOUT. */
  timeoutMs?: number;
}

export function apiClient<T extends AnyApi>(
  component: string,
  baseUrl: string,
  methods: Methods<T>,
  opts: ClientOptions = {},
): T {
  const base = baseUrl.replace(/\/+$/, '');
  const client: AnyApi = {};
  for (const method of methods) {
    client[method] = async (...args: unknown[]) => {
      let res: Response;
      try {
        res = await fetch(base + apiPath(component, method), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ args }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
        });
      } catch (e) {
        const timedOut = (e as Error).name === 'TimeoutError';
        throw new MatrixError(
          timedOut ? 'M_CONNECTION_TIMEOUT' : 'M_CONNECTION_FAILED',
          `${component} at ${base} did not answer ${method}: ${(e as Error).message}`,
        );
      }
      const body = (await res.json().catch(() => ({}))) as { result?: unknown };
      if (!res.ok) throw matrixErrorFromBody(res.status, body);
      return body.result ?? undefined;
    };
  }
  return client as T;
}
