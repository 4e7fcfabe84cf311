// Operations: each endpoint declares its contract in one call (method, path, who may call it,
// rate limiting, body schema) and the router does auth, parsing and validation from it.
// A handler gets its body, params and requester already checked, and returns plain JSON.
import type { Context, Hono } from 'hono';
import type { Logger } from '../setup/logger.ts';
import { type Access, type Authenticate, clientIp, requireRequester } from './auth.ts';
import { parseJson, readBody } from './body.ts';
import { MatrixError } from './errors.ts';
import type { Env, Requester } from './env.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Schema } from './schema.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface OperationSpec<B> {
  method: Method;
  /** Hono path below the component's prefixes, e.g. `/rooms/:roomId/typing/:userId`. */
  path: string;
  access: Access;
  rateLimited?: boolean;
  /** JSON body schema. Without one the body is not read (GET, DELETE, streaming uploads). */
  body?: Schema<B>;
}

export interface Req<B, A extends Access = Access> {
  body: B;
  params: Record<string, string>;
  query(name: string): string | undefined;
  queries(name: string): string[];
  /** Present whenever access is not 'none' (for 'optional', when a token was given). */
  requester: A extends 'none' | 'optional' | 'server' ? Requester | undefined : Requester;
  /** The verified origin of a federation request (access 'server'). */
  origin: string | undefined;
  c: Context<Env>;
}

export type Handler<B, A extends Access> = (req: Req<B, A>) => Promise<Response | object> | Response | object;

export interface Operation {
  spec: OperationSpec<unknown>;
  handler: Handler<unknown, Access>;
}

export function op<B = undefined, A extends Access = Access>(
  spec: OperationSpec<B> & { access: A },
  handler: Handler<B, A>,
): Operation {
  return { spec: spec as OperationSpec<unknown>, handler: handler as Handler<unknown, Access> };
}

/** A JSON response with a status other than 200. */
export function reply(status: number, body: object, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export interface RouterDeps {
  authenticate: Authenticate;
  /** Verifies an X-Matrix request and returns the origin server (federation issue). */
  verifyServer?: (c: Context<Env>, body: Uint8Array) => Promise<string>;
  rateLimiter?: RateLimiter;
  log: Logger;
  maxBodyBytes: number;
}

/** Path patterns known to the app, so an unknown method on a known path answers 405. */
export class RouteTable {
  private readonly entries: { re: RegExp; methods: Set<string> }[] = [];
  add(fullPath: string, method: string) {
    const src = '^' + fullPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?:[A-Za-z_]+(\\\{[^}]*\\\})?/g, '[^/]+') + '/?$';
    let e = this.entries.find((x) => x.re.source === src);
    if (!e) this.entries.push((e = { re: new RegExp(src), methods: new Set() }));
    e.methods.add(method);
  }
  methodsFor(path: string): Set<string> | undefined {
    const found = new Set<string>();
    for (const e of this.entries) if (e.re.test(path)) for (const m of e.methods) found.add(m);
    return found.size > 0 ? found : undefined;
  }
}

export function mount(
  app: Hono<Env>,
  prefixes: string[],
  ops: Operation[],
  deps: RouterDeps,
  table: RouteTable,
): void {
  for (const { spec, handler } of ops) {
    const run = async (c: Context<Env>) => {
      let raw: Uint8Array | undefined;
      if (spec.body || spec.access === 'server') raw = await readBody(c.req.raw, deps.maxBodyBytes);
      let requester: Requester | undefined;
      let origin: string | undefined;
      if (spec.access === 'server') {
        if (!deps.verifyServer) throw new MatrixError('M_UNAUTHORIZED', 'Federation is not enabled on this server');
        origin = await deps.verifyServer(c, raw!);
        c.set('origin', origin);
      } else if (spec.access !== 'none') {
        requester = await requireRequester(c, spec.access, deps.authenticate);
        if (requester) c.set('requester', requester);
      }
      if (spec.rateLimited && deps.rateLimiter && !requester?.appserviceId) {
        const key = requester ? `${requester.userId}/${requester.deviceId}` : clientIp(c);
        deps.rateLimiter.check(key, requester?.userId);
      }
      const body = spec.body ? spec.body.parse(parseJson(raw!), '') : undefined;
      // Hono has already percent-decoded each parameter exactly once.
      const params = c.req.param() as Record<string, string>;
      const out = await handler({
        body,
        params,
        query: (n) => c.req.query(n),
        queries: (n) => c.req.queries(n) ?? [],
        requester: requester as Requester,
        origin,
        c,
      });
      return out instanceof Response ? out : c.json(out as object);
    };
    for (const prefix of prefixes) {
      const full = prefix + spec.path;
      app.on(spec.method, full, run);
      table.add(full, spec.method);
    }
  }
}

// Kept here too for the callers that import it from the router.
export { clientIp };
