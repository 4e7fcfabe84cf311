// Client-Server API, "Standard error response", "Common error codes" and "Web Browser Clients":
// how the router turns declarations into checks and every failure into a Matrix error.
import { describe, expect, test } from 'bun:test';
import { createApp } from '../../../src/http/app.ts';
import { MatrixError } from '../../../src/http/errors.ts';
import { createRateLimiter } from '../../../src/http/rate-limit.ts';
import { mount, op } from '../../../src/http/router.ts';
import * as v from '../../../src/http/schema.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { json } from '../../helpers/json.ts';

function build(limit = 1024) {
  const { app, routes } = createApp(stderrLogger('error'));
  const ops = [
    op({ method: 'GET', path: '/echo/:id', access: 'none' }, ({ params }) => ({ id: params.id })),
    op(
      {
        method: 'POST',
        path: '/things',
        access: 'user',
        rateLimited: true,
        body: v.object({ name: v.string(), count: v.integer().opt(), kind: v.literal('a', 'b').opt() }),
      },
      ({ body, requester }) => ({ name: body.name, count: body.count ?? 0, user: requester.userId }),
    ),
    op({ method: 'GET', path: '/boom', access: 'none' }, () => {
      throw new Error('secret detail');
    }),
    op({ method: 'GET', path: '/teapot', access: 'none' }, () => {
      throw new MatrixError('M_FORBIDDEN', 'no');
    }),
  ];
  mount(
    app,
    ['/_matrix/client/v3', '/_matrix/client/r0'],
    ops,
    {
      authenticate: async ({ token }) =>
        token === 'good' ? { userId: '@a:x', deviceId: 'D', isGuest: false } : token === 'guest' ? { userId: '@g:x', deviceId: 'G', isGuest: true } : null,
      rateLimiter: createRateLimiter({ enabled: true, threshold: 3, cooloff_ms: 60_000, exempt_user_ids: [] }),
      log: stderrLogger('error'),
      maxBodyBytes: limit,
    },
    routes,
  );
  return app;
}

const post = (body: string, token = 'good') =>
  new Request('http://x/_matrix/client/v3/things', { method: 'POST', body, headers: { Authorization: `Bearer ${token}` } });

describe('router', () => {
  test('path parameters are percent-decoded once (room IDs, user IDs)', async () => {
    const res = await build().request('/_matrix/client/v3/echo/%21abc%3Aexample.org');
    expect(await json(res)).toEqual({ id: '!abc:example.org' });
    const r0 = await build().request('/_matrix/client/r0/echo/%40u%2Fx%3Ahs');
    expect(await r0.json()).toEqual({ id: '@u/x:hs' });
  });

  test('unknown path is 404 M_UNRECOGNIZED, wrong method is 405 M_UNRECOGNIZED', async () => {
    const app = build();
    const a = await app.request('/_matrix/client/v3/nope');
    expect(a.status).toBe(404);
    expect((await json(a)).errcode).toBe('M_UNRECOGNIZED');
    const b = await app.request('/_matrix/client/v3/echo/x', { method: 'DELETE' });
    expect(b.status).toBe(405);
    expect((await json(b)).errcode).toBe('M_UNRECOGNIZED');
  });

  test('missing token M_MISSING_TOKEN, unknown token M_UNKNOWN_TOKEN, guests refused on user endpoints', async () => {
    const app = build();
    const none = await app.request('/_matrix/client/v3/things', { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect((await json(none)).errcode).toBe('M_MISSING_TOKEN');
    const bad = await app.request(post('{"name":"x"}', 'bad'));
    expect(bad.status).toBe(401);
    expect((await json(bad)).errcode).toBe('M_UNKNOWN_TOKEN');
    const guest = await app.request(post('{"name":"x"}', 'guest'));
    expect(guest.status).toBe(403);
    expect((await json(guest)).errcode).toBe('M_GUEST_ACCESS_FORBIDDEN');
    const query = await app.request('/_matrix/client/v3/things?access_token=good', { method: 'POST', body: '{"name":"q"}' });
    expect(await json(query)).toEqual({ name: 'q', count: 0, user: '@a:x' });
  });

  test('bodies: M_NOT_JSON, M_BAD_JSON, M_MISSING_PARAM, M_INVALID_PARAM, M_TOO_LARGE', async () => {
    const app = build(64);
    const cases: [string, number, string][] = [
      ['{not json', 400, 'M_NOT_JSON'],
      ['[1,2]', 400, 'M_BAD_JSON'],
      ['{"name": 5}', 400, 'M_BAD_JSON'],
      ['{"count": 1}', 400, 'M_MISSING_PARAM'],
      ['{"name":"x","kind":"c"}', 400, 'M_INVALID_PARAM'],
      ['{"name":"x","count":1.5}', 400, 'M_BAD_JSON'],
      [JSON.stringify({ name: 'x'.repeat(100) }), 413, 'M_TOO_LARGE'],
    ];
    for (const [body, status, errcode] of cases) {
      const res = await build(64).request(post(body));
      expect([body, res.status, (await json(res)).errcode]).toEqual([body, status, errcode]);
    }
    const ok = await app.request(post('{"name":"x","count":2,"extra":true}'));
    expect(await json(ok)).toEqual({ name: 'x', count: 2, user: '@a:x' });
  });

  test('M_TOO_LARGE whether the body declares its length, understates it, or streams without one', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(100) });
    const small = '{"name":"x"}';
    const withLength = (body: string, length: number) => {
      const req = post(body);
      req.headers.set('content-length', String(length));
      return req;
    };
    const chunked = (body: string) =>
      new Request('http://x/_matrix/client/v3/things', {
        method: 'POST',
        headers: { Authorization: 'Bearer good' },
        body: new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode(body.slice(0, 10)));
            c.enqueue(new TextEncoder().encode(body.slice(10)));
            c.close();
          },
        }),
      });
    const errcode = async (req: Request) => {
      const res = await build(64).request(req);
      return [res.status, (await json(res)).errcode];
    };
    expect(await errcode(withLength(big, big.length))).toEqual([413, 'M_TOO_LARGE']);
    expect(await errcode(withLength(big, 10))).toEqual([413, 'M_TOO_LARGE']);
    expect(await errcode(chunked(big))).toEqual([413, 'M_TOO_LARGE']);
    expect((await build(64).request(withLength(small, small.length))).status).toBe(200);
    expect((await build(64).request(chunked(small))).status).toBe(200);
  });

  test('rate limit answers 429 M_LIMIT_EXCEEDED with retry_after_ms', async () => {
    const app = build();
    for (let i = 0; i < 3; i++) expect((await app.request(post('{"name":"x"}'))).status).toBe(200);
    const res = await app.request(post('{"name":"x"}'));
    expect(res.status).toBe(429);
    const body = await json(res);
    expect(body.errcode).toBe('M_LIMIT_EXCEEDED');
    expect(body.retry_after_ms).toBeGreaterThan(0);
  });

  test('unexpected errors are 500 M_UNKNOWN without internals; MatrixErrors keep their status', async () => {
    const app = build();
    const res = await app.request('/_matrix/client/v3/boom');
    expect(res.status).toBe(500);
    const body = await json(res);
    expect(body).toEqual({ errcode: 'M_UNKNOWN', error: 'Internal server error' });
    const tea = await app.request('/_matrix/client/v3/teapot');
    expect(tea.status).toBe(403);
  });

  test('CORS headers on responses and preflight', async () => {
    const app = build();
    const pre = await app.request('/_matrix/client/v3/things', { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const res = await app.request('/_matrix/client/v3/echo/x');
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-headers')).toContain('Authorization');
  });
});
