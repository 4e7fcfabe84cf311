// Client-Server API, "Web Browser Clients": every response carries these CORS headers, and a
// preflight OPTIONS request to any path is answered with them.
import type { MiddlewareHandler } from 'hono';

const HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization',
};

export function cors(): MiddlewareHandler {
  return async function cors(c, next) {
    if (c.req.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: HEADERS });
    }
    await next();
    for (const [k, v] of Object.entries(HEADERS)) c.res.headers.set(k, v);
  };
}
